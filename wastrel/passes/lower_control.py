"""pass: lower-control : flushed -> c

Replaces Wasm's structured control with C's.

    (block $b body)                 =>  body' $b:            (label kept only if targeted)
    (loop $l body)                  =>  for (;;) { body' break; }
    (if $i c then else)             =>  if (c) { then' } else { else' } $i:
    (br $b v...)                    =>  r0 = v0; ...; goto $b;     (assign the target's locals)
    (br $l v...)  to a loop         =>  p0 = v0; ...; continue;    (or goto $l: if a nested loop is between)
    (br_if $t v... c)               =>  if (c) { <br $t v...> }
    (br_table $a $b $d v... i)      =>  switch (i) { case 0: <br $a v...> case 1: ... default: <br $d v...> }

Then it tidies up, so that the C reads as a person would write it:

* a `goto` to the label that immediately follows is removed (in particular
  the fall-through `br` that stack-to-tree put at the end of a block with
  results), and so are labels nothing jumps to;
* a loop whose body ends `if (c) continue; break;` and that nothing else
  jumps to (no other `continue`, no `goto` from a nested loop) becomes
  `do { ... } while (c);`;
* a loop body that ends with a jump needs no trailing `break`, and one that
  ends with `continue` needs neither;
* inside a loop, a `goto` to the label right after the loop is `break`.

Design decision: the values a branch carries are assigned to the target's
locals in order; if a later value reads a local assigned earlier (as in
`(br $loop (local.get $loop_p1) (local.get $loop_p0))`), all the values go
through fresh locals first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from wastrel.ir import nodes as n
from wastrel.ir.effects import local_bit
from wastrel.passes.framework import declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set

_JUMPS = (n.CGoto, n.CContinue, n.CBreak, n.Return, n.Unreachable)


@declare_pass("lower-control", takes="flushed", gives="c")
def lower_control(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Lowerer(f).run())


class _Lowerer:
    def __init__(self, func: n.Function):
        self.locals = LocalAllocator(func, "v")
        self.func = func
        self.targets: dict[str, tuple[str, tuple[int, ...]]] = {}
        self.loops: list[str] = []
        self.loop_jumps: Counter[str] = Counter()  # jumps to each loop's top

    def run(self) -> n.Function:
        body = _tidy(self.stmts(self.func.body), set())
        return self.locals.finish(_drop_unused_labels(body))

    def stmts(self, body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        self.lower_into(body, out)
        return tuple(out)

    def lower_into(self, body: tuple[n.Stmt, ...], out: list[n.Stmt]) -> None:
        """Appends the lowered `body` to `out` (a block's body is spliced
        into its parent's: one list, however deep the blocks nest)."""
        for s in body:
            match s:
                case n.Block(label=label, results=results, body=inner):
                    self.targets[label] = ("block", results)
                    self.lower_into(inner, out)
                    out.append(n.CLabel(label))
                case n.If(label=label, results=results, cond=cond, then=then, else_=els):
                    self.targets[label] = ("block", results)
                    out += [n.CIf(cond, self.stmts(then), self.stmts(els)), n.CLabel(label)]
                case n.Loop(label=label, params=params, body=inner):
                    self.targets[label] = ("loop", params)
                    self.loops.append(label)
                    lowered = self.stmts(inner)
                    self.loops.pop()
                    out.append(_make_loop(label, lowered, self.loop_jumps[label]))
                case n.Br(label=label, values=values):
                    out += self.jump(label, values)
                case n.BrIf(label=label, values=values, cond=cond):
                    out.append(n.CIf(cond, tuple(self.jump(label, values))))
                case n.BrTable():
                    out += self.br_table(s)
                case _:
                    out.append(s)

    def jump(self, label: str, values: tuple[n.Expr, ...]) -> list[n.Stmt]:
        kind, targets = self.targets[label]
        out = self.assign(targets, values)
        if kind == "loop":
            self.loop_jumps[label] += 1
        if kind == "loop" and self.loops and self.loops[-1] == label:
            out.append(n.CContinue())
        else:
            out.append(n.CGoto(label))
        return out

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

    def br_table(self, s: n.BrTable) -> list[n.Stmt]:
        out: list[n.Stmt] = []
        values = s.values
        if values and not all(isinstance(v, (n.LocalGet, n.Const)) for v in values):
            staged = []
            for v in values:
                local = self.locals.new(self.value_type(s, len(staged)))
                out.append(local_set(local, v))
                staged.append(local_get(local))
            values = tuple(staged)
        cases: dict[str, list[int]] = {}
        for i, label in enumerate(s.labels):
            if label != s.default:
                cases.setdefault(label, []).append(i)
        out.append(
            n.CSwitch(
                s.index,
                tuple((tuple(ix), tuple(self.jump(label, values))) for label, ix in cases.items()),
                tuple(self.jump(s.default, values)),
            )
        )
        return out

    def value_type(self, s: n.BrTable, position: int) -> str:
        return self.locals.type_of(self.targets[s.default][1][position])


def _make_loop(label: str, body: tuple[n.Stmt, ...], jumps: int) -> n.Stmt:
    """The C loop for a lowered body that `jumps` jumps lead back to."""
    if body and isinstance(body[-1], n.CIf) and body[-1].then == (n.CContinue(),) and not body[-1].else_:
        if jumps == 1:  # that `if (c) continue;` is the only way back
            return n.CDoWhile(body[:-1], body[-1].cond)
    if body and isinstance(body[-1], n.CContinue):
        return n.CLoop(label, body[:-1])
    if not body or not isinstance(body[-1], _JUMPS):
        body = body + (n.CBreak(),)
    return n.CLoop(label, body)


def _gotos_to_breaks(body: tuple[n.Stmt, ...], exits: set[str]) -> tuple[n.Stmt, ...]:
    """Inside a loop followed directly by one of `exits`, `goto exit` is `break`."""
    out: list[n.Stmt] = []
    for s in body:
        match s:
            case n.CGoto(name=name) if name in exits:
                s = n.CBreak()
            case n.CIf(then=then, else_=els):
                s = replace(s, then=_gotos_to_breaks(then, exits), else_=_gotos_to_breaks(els, exits))
        out.append(s)
    return tuple(out)


def _tidy(body: tuple[n.Stmt, ...], follows: set[str]) -> tuple[n.Stmt, ...]:
    """Remove gotos to a label reached anyway; `follows` holds the labels
    that control reaches when it falls off the end of `body`.

    `follows` is shared with the caller, not copied (nested ifs would make
    the copies quadratic): the labels this body adds to it while its run of
    trailing labels lasts are taken out again before it returns."""
    out: list[n.Stmt] = []
    after, added = follows, []  # `after`: labels reached from here on
    for s in reversed(body):
        match s:
            case n.CLabel(name=name):
                if after is follows and name not in after:
                    added.append(name)
                after.add(name)
            case n.CGoto(name=name) if name in after:
                continue
            case n.CIf(cond=cond, then=then, else_=els):
                then, els = _tidy(then, after), _tidy(els, after)
                after = _fresh(follows, added, after)
                if not then and not els:
                    if not cond.effect.is_pure:  # type: ignore[union-attr]
                        out.append(n.Eval(cond, effect=cond.effect))
                    continue
                s = n.CIf(cond, then, els)
            case n.CLoop(body=inner) | n.CDoWhile(body=inner):
                s = replace(s, body=_gotos_to_breaks(_tidy(inner, set()), after))
                after = _fresh(follows, added, after)
            case n.CSwitch(cases=cases, default=default):
                s = replace(
                    s,
                    cases=tuple((ix, _tidy(b, set())) for ix, b in cases),
                    default=_tidy(default, set()),
                )
                after = _fresh(follows, added, after)
            case _:
                after = _fresh(follows, added, after)
        out.append(s)
    _fresh(follows, added, after)
    out.reverse()
    return tuple(out)


def _fresh(follows: set[str], added: list[str], after: set[str]) -> set[str]:
    """Ends a run of labels: `follows` gets back what the run added to it,
    and the labels reached from the next statement on start empty."""
    if after is follows:
        follows.difference_update(added)
        added.clear()
    return set()


def _drop_unused_labels(body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
    targets: set[str] = set()

    def collect(node: n.Node) -> None:
        if isinstance(node, n.CGoto):
            targets.add(node.name)
        for child in node.children():
            collect(child)

    for s in body:
        collect(s)

    def keep(stmts: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out = []
        for s in stmts:
            if isinstance(s, n.CLabel) and s.name not in targets:
                continue
            match s:
                case n.CIf(then=then, else_=els):
                    s = replace(s, then=keep(then), else_=keep(els))
                case n.CLoop(body=inner) | n.CDoWhile(body=inner):
                    s = replace(s, body=keep(inner))
                case n.CSwitch(cases=cases, default=default):
                    s = replace(s, cases=tuple((ix, keep(b)) for ix, b in cases), default=keep(default))
            out.append(s)
        return tuple(out)

    return keep(body)
