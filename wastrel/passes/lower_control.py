"""pass: lower-control : flushed -> c

Replaces Wasm's structured control with C's.

    (block $b body)                 =>  body' $b:
    (loop $l body)                  =>  for (;;) { body' break; }
    (if $i c then else)             =>  if (c) { then' } else { else' } $i:
    (br $b v...)                    =>  r0 = v0; ...; goto $b;     (assign the target's locals)
    (br $l v...)  to a loop         =>  p0 = v0; ...; continue;    (or goto $l: if a nested loop is between)
    (br_if $t v... c)               =>  if (c) { <br $t v...> }
    (br_table $a $b $d v... i)      =>  switch (i) { case 0: <br $a v...> case 1: ... default: <br $d v...> }

The C is correct but wordy: every block and `if` ends in a label, every
loop in a `break`.  `shape-loops` and `tidy-c`, next, write it as a person
would.

Design decision: the values a branch carries are assigned to the target's
locals in order; if a later value reads a local assigned earlier (as in
`(br $loop (local.get $loop_p1) (local.get $loop_p0))`), all the values go
through fresh locals first.  A block's body is spliced into the enclosing
statement list (`rewrite_body`): one list, however deep the blocks nest.
"""

from __future__ import annotations

from wastrel.ir import nodes as n
from wastrel.ir.effects import local_bit
from wastrel.passes.framework import Rewriter, declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set


@declare_pass("lower-control", takes="flushed", gives="c", local=True)
def lower_control(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Lowerer(f).run())


class _Lowerer(Rewriter):
    removes = frozenset({n.Block, n.Loop, n.If, n.Br, n.BrIf, n.BrTable})

    def __init__(self, func: n.Function):
        self.locals = LocalAllocator(func, "v")
        self.func = func
        self.targets: dict[str, tuple[str, tuple[int, ...]]] = {}  # label -> (kind, its locals)
        self.loops: list[str] = []

    def run(self) -> n.Function:
        return self.locals.finish(self.rewrite_body(self.func.body))

    visit_Expr = Rewriter.keep_expression

    def rewrite_body(self, body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        self.lower_into(body, out)
        return tuple(out)

    def lower_into(self, body: tuple[n.Stmt, ...], out: list[n.Stmt]) -> None:
        """Appends the lowered `body` to `out`, blocks spliced in."""
        for s in body:
            if isinstance(s, n.Block):
                self.targets[s.label] = ("block", s.results)
                self.lower_into(s.body, out)
                out.append(n.CLabel(s.label))
                continue
            new = self.rewrite(s)
            if isinstance(new, tuple):
                out += new
            else:
                out.append(new)

    def visit_Block(self, s: n.Block) -> tuple[n.Stmt, ...]:
        return self.rewrite_body((s,))  # (which splices it)

    def visit_If(self, s: n.If) -> tuple[n.Stmt, ...]:
        self.targets[s.label] = ("block", s.results)
        return (n.CIf(s.cond, self.rewrite_body(s.then), self.rewrite_body(s.else_)), n.CLabel(s.label))

    def visit_Loop(self, s: n.Loop) -> n.Stmt:
        self.targets[s.label] = ("loop", s.params)
        self.loops.append(s.label)
        body = self.rewrite_body(s.body)
        self.loops.pop()
        return n.CLoop(s.label, body + (n.CBreak(),))

    def visit_Br(self, s: n.Br) -> tuple[n.Stmt, ...]:
        return self.jump(s.label, s.values)

    def visit_BrIf(self, s: n.BrIf) -> n.Stmt:
        return n.CIf(s.cond, self.jump(s.label, s.values))

    def jump(self, label: str, values: tuple[n.Expr, ...]) -> tuple[n.Stmt, ...]:
        kind, targets = self.targets[label]
        if kind == "loop" and self.loops[-1] == label:
            return (*self.assign(targets, values), n.CContinue())
        return (*self.assign(targets, values), n.CGoto(label))

    def assign(self, targets: tuple[int, ...], values: tuple[n.Expr, ...]) -> list[n.Stmt]:
        pairs = [(t, v) for t, v in zip(targets, values) if v != n.LocalGet(t)]
        clobbered = any(
            v.effect.reads & local_bit(t)  # type: ignore[union-attr]
            for i, (t, _) in enumerate(pairs)
            for _, v in pairs[i + 1 :]
        )
        if not clobbered:
            return [local_set(t, v) for t, v in pairs]
        staged = [(t, self.locals.new(self.locals.type_of(t)), v) for t, v in pairs]
        first = [local_set(tmp, v) for _, tmp, v in staged]
        return first + [local_set(t, local_get(tmp)) for t, tmp, _ in staged]

    def visit_BrTable(self, s: n.BrTable) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        values = s.values
        if values and not all(isinstance(v, (n.LocalGet, n.Const)) for v in values):
            types = self.targets[s.default][1]
            staged = [self.locals.new(self.locals.type_of(types[k])) for k in range(len(values))]
            out += [local_set(local, v) for local, v in zip(staged, values)]
            values = tuple(local_get(local) for local in staged)
        cases: dict[str, list[int]] = {}
        for i, label in enumerate(s.labels):
            if label != s.default:
                cases.setdefault(label, []).append(i)
        arms = tuple((tuple(ix), self.jump(label, values)) for label, ix in cases.items())
        return (*out, n.CSwitch(s.index, arms, self.jump(s.default, values)))
