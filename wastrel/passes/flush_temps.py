"""pass: flush-temps : effects -> flushed

Decides, for each pending temporary, whether it becomes a C local or is
folded into its single use; and makes every expression safe for C, whose
operands are evaluated in no particular order.

    (let (t1) e) ... S[t1]       =>  ... S[e]            when e commutes with everything
                                                          evaluated between its definition and its use
    (let (t1) e) S' ... S[t1]    =>  (local.set $t1 e) S' ... S[(local.get $t1)]
                                                          when S' conflicts with e ("flushing" t1)
    (let (t1 t2) (call ...))     =>  (local.set ($t1 $t2) (call ...))
    (op a b)                     =>  (local.set $h1 a) ... (op (local.get $h1) b)
                                                          when a and b conflict: C could evaluate b first

Rules, walking each statement list in order with a list of pending `let`s:

1. Before statement S, flush every pending temporary that S does not use
   and whose value conflicts with S (S writes what it reads, both may trap
   differently, S may branch away, ...).  When a temporary is flushed, every
   earlier pending one that conflicts with it is flushed first, so values
   that do not commute keep their order.  Temporaries S uses are folded in.
2. In the resulting statement, each node's operands must commute pairwise
   (the invariant that lets C evaluate them in any order).  An operand that
   conflicts with a later sibling is hoisted into a fresh local `$hN`
   assigned just before the statement; hoisting keeps Wasm's left-to-right
   order.  `select` becomes C's `?:`, which evaluates only one arm, so arms
   that write or trap are hoisted too.
3. A temporary used more than once (the values of `br_if`), or any of
   several results of one call, is always a local.

Design decision: "conflict" is the single predicate `effects.conflicts`;
this pass never looks at what an operator is, only at its effect.  Effects
of rebuilt nodes are widened (unioned with what was folded in), never
recomputed, so they stay conservative.
"""

from __future__ import annotations

from collections import Counter

from wastrel.ir import nodes as n
from wastrel.ir.effects import Effect, conflicts
from wastrel.passes.annotate_effects import union
from wastrel.passes.framework import declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set, operands, type_of, with_operands
from wastrel.ir.wasm import Module


@declare_pass("flush-temps", takes="effects", gives="flushed")
def flush_temps(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Flusher(f, program.wasm).run())


def _temp_uses(node: n.Node, counts: Counter[int]) -> None:
    if isinstance(node, n.TempRef):
        counts[node.id] += 1
    for child in node.children():
        _temp_uses(child, counts)


class _Flusher:
    def __init__(self, func: n.Function, module: Module):
        self.func = func
        self.module = module
        self.locals = LocalAllocator(func, "h")
        self.uses: Counter[int] = Counter()
        for stmt in func.body:
            _temp_uses(stmt, self.uses)

    def run(self) -> n.Function:
        return self.locals.finish(self.body(self.func.body))

    def foldable(self, let: n.Let) -> bool:
        return len(let.temps) == 1 and self.uses[let.temps[0]] == 1

    # -- statement lists ---------------------------------------------------------

    def body(self, stmts: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        pending: list[n.Let] = []
        for stmt in stmts:
            stmt = self.nested(stmt)
            used: Counter[int] = Counter()
            for operand in operands(stmt):
                _temp_uses(operand, used)
            folded = [p for p in pending if p.temps[0] in used]
            effect = stmt.effect | union([p.value for p in folded])  # type: ignore[operator]
            flushed = self.must_flush(pending, folded, effect)
            for p in pending:
                if id(p) in flushed:
                    out.append(local_set(p.temps[0], p.value))
            substitutions = {p.temps[0]: p.value for p in folded if id(p) not in flushed}
            pending = [p for p in pending if id(p) not in flushed and p not in folded]
            prelude, stmt = self.sequence(self.resolve(stmt, substitutions))
            out.extend(prelude)
            if isinstance(stmt, n.Let):
                if self.foldable(stmt):
                    pending.append(stmt)
                elif len(stmt.temps) == 1:
                    out.append(local_set(stmt.temps[0], stmt.value))
                else:
                    out.append(n.MultiSet(stmt.temps, stmt.value, effect=stmt.effect))
            else:
                out.append(stmt)
        out.extend(local_set(p.temps[0], p.value) for p in pending)
        return tuple(out)

    @staticmethod
    def must_flush(pending: list[n.Let], folded: list[n.Let], effect: Effect) -> set[int]:
        flushed = {id(p) for p in pending if p not in folded and conflicts(p.value.effect, effect)}  # type: ignore[arg-type]
        for i in reversed(range(len(pending))):
            if id(pending[i]) in flushed:
                later = pending[i].value.effect
                for earlier in pending[:i]:
                    if conflicts(earlier.value.effect, later):  # type: ignore[arg-type]
                        flushed.add(id(earlier))
        return flushed

    def nested(self, stmt: n.Stmt) -> n.Stmt:
        match stmt:
            case n.Block(body=body) | n.Loop(body=body):
                return _replace_body(stmt, body=self.body(body))
            case n.If(then=then, else_=els):
                return _replace_body(stmt, then=self.body(then), else_=self.body(els))
        return stmt

    # -- expressions -----------------------------------------------------------

    def resolve(self, node: n.Node, substitutions: dict[int, n.Expr]) -> n.Node:
        """Fold the given temporaries in; the others are locals from now on."""
        if isinstance(node, n.TempRef):
            if node.id in substitutions:
                return substitutions[node.id]
            return n.LocalGet(node.id, effect=node.effect)
        old = operands(node)
        if not old:
            return node
        new = [self.resolve(o, substitutions) for o in old]
        if all(a is b for a, b in zip(new, old)):
            return node
        return with_operands(node, new).with_effect(node.effect | union(new))

    def sequence(self, node: n.Node) -> tuple[list[n.Stmt], n.Node]:
        """Hoist operands until the operands of every node commute pairwise."""
        old = operands(node)
        if not old:
            return [], node
        prelude: list[n.Stmt] = []
        done: list[n.Expr] = []
        is_select = isinstance(node, n.Op) and node.op == "select"
        for operand in old:
            before, operand = self.sequence(operand)  # type: ignore[assignment]
            effect = union(before) | operand.effect  # type: ignore[operator]
            for j, earlier in enumerate(done):
                if isinstance(earlier, n.Const):
                    continue
                must = is_select and j < 2 and not earlier.effect.is_pure  # type: ignore[union-attr]
                if must or conflicts(earlier.effect, effect):  # type: ignore[arg-type]
                    done[j] = self.hoist(earlier, prelude)
            prelude.extend(before)
            done.append(operand)
        if not prelude and all(a is b for a, b in zip(done, old)):
            return [], node
        return prelude, with_operands(node, done)

    def hoist(self, expr: n.Expr, prelude: list[n.Stmt]) -> n.Expr:
        local = self.locals.new(type_of(expr, self.locals.type_of, self.module))
        prelude.append(local_set(local, expr))
        return local_get(local)


def _replace_body(stmt: n.Stmt, **bodies: tuple[n.Stmt, ...]) -> n.Stmt:
    from dataclasses import replace

    return replace(stmt, **bodies)
