"""pass: fold-temps : effects -> flushed

Decides, for each pending temporary, whether it becomes a C local or is
folded into its single use.

    (let (t1) e) ... S[t1]       =>  ... S[e]            when e commutes with everything
                                                          evaluated between its definition and its use
    (let (t1) e) S' ... S[t1]    =>  (local.set $t1 e) S' ... S[(local.get $t1)]
                                                          when S' conflicts with e ("flushing" t1)
    (let (t1 t2) (call ...))     =>  (local.set ($t1 $t2) (call ...))

Rules, walking each statement list in order with a list of pending `let`s:

1. Before statement S, flush every pending temporary that S does not use
   and whose value conflicts with S (S writes what it reads, both may trap
   differently, S may branch away, ...).  When a temporary is flushed, every
   earlier pending one that conflicts with it is flushed first, so values
   that do not commute keep their order.  Temporaries S uses are folded in.
2. A temporary used more than once (the values of `br_if`), or any of
   several results of one call, is always a local.

Folding may put operands side by side that C would evaluate in any order:
`sequence-operands`, next, puts them in Wasm's.

Design decision: "conflict" is the single predicate `effects.conflicts`;
this pass never looks at what an operator is, only at its effect.  Effects
of rebuilt nodes are widened (unioned with what was folded in), never
recomputed, so they stay conservative.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce
from operator import or_

from wastrel.ir import nodes as n
from wastrel.ir.effects import Effect, conflicts, local_bit
from wastrel.passes.annotate_effects import union
from wastrel.passes.framework import Rewriter, declare_pass, map_functions
from wastrel.passes.helpers import local_set


@declare_pass("fold-temps", takes="effects", gives="flushed", local=True)
def fold_temps(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Folder(f).rewrite(f))


def _temp_uses(body: tuple[n.Stmt, ...]) -> Counter[int]:
    """How many times each temporary is referred to.  The temporaries are
    what the `let`s bind, and only a statement whose effect reads one of
    them can refer to one (effects are unions): so the function is walked
    statement by statement, and only those statements' own operands node
    by node."""
    statements: list[n.Stmt] = []
    temps = 0
    pending: list[n.Node] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, n.Stmt):  # (an expression holds no statement)
            statements.append(node)
            if type(node) is n.Let:
                temps |= reduce(or_, map(local_bit, node.temps))  # type: ignore[attr-defined]
            pending.extend(node.children())
    return Counter(_temp_refs([o for s in statements if s.effect.reads & temps for o in s.operands()]))  # type: ignore[union-attr]


def _temp_refs(nodes: list[n.Node] | tuple[n.Node, ...]) -> list[int]:
    """The temporaries the nodes refer to, once per reference (a walk by
    exact class, over every node: the pass's hottest loop)."""
    refs: list[int] = []
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if type(node) is n.TempRef:
            refs.append(node.id)  # type: ignore[attr-defined]
        else:
            pending.extend(node.children())
    return refs


class _Folder(Rewriter):
    """Statements are rewritten one list at a time (`rewrite_body`), where
    the pending `let`s are; expressions only where a temporary is used."""

    removes = frozenset({n.Let, n.TempRef})

    def __init__(self, func: n.Function):
        self.uses = _temp_uses(func.body)
        # The effect bits of reading the temporaries: a statement whose
        # effect reads none of them refers to none (effects are unions).
        self.temp_reads = reduce(or_, map(local_bit, self.uses), 0)

    visit_Expr = Rewriter.keep_expression
    visit_Let = visit_TempRef = Rewriter.keep_expression  # rewrite_body decides

    def rewrite_body(self, stmts: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        pending: list[n.Let] = []
        for stmt in stmts:
            stmt = self.rewrite(stmt)
            used = set(_temp_refs(stmt.operands())) if stmt.effect.reads & self.temp_reads else set()  # type: ignore[union-attr]
            if pending:
                folded = [p for p in pending if p.temps[0] in used]
                flushed = _must_flush(pending, folded, stmt.effect | union([p.value for p in folded]))  # type: ignore[operator]
                out += [local_set(p.temps[0], p.value) for p in pending if id(p) in flushed]
                if used:
                    stmt = _resolve(stmt, {p.temps[0]: p.value for p in folded if id(p) not in flushed})
                pending = [p for p in pending if id(p) not in flushed and p not in folded]
            elif used:  # (nothing pending: the temporaries it uses are locals by now)
                stmt = _resolve(stmt, {})
            if not isinstance(stmt, n.Let):
                out.append(stmt)
            elif len(stmt.temps) == 1 and self.uses[stmt.temps[0]] == 1:
                pending.append(stmt)
            elif len(stmt.temps) == 1:
                out.append(local_set(stmt.temps[0], stmt.value))
            else:
                out.append(n.MultiSet(stmt.temps, stmt.value, effect=stmt.effect))
        out += [local_set(p.temps[0], p.value) for p in pending]
        return tuple(out)


def _must_flush(pending: list[n.Let], folded: list[n.Let], effect: Effect) -> set[int]:
    """The ids of the pending lets to assign before a statement of `effect`."""
    flushed = {id(p) for p in pending if p not in folded and conflicts(p.value.effect, effect)}  # type: ignore[arg-type]
    for i in reversed(range(len(pending))):
        if id(pending[i]) in flushed:
            later = pending[i].value.effect
            for earlier in pending[:i]:
                if conflicts(earlier.value.effect, later):  # type: ignore[arg-type]
                    flushed.add(id(earlier))
    return flushed


def _resolve(node: n.Node, substitutions: dict[int, n.Expr]) -> n.Node:
    """Fold the given temporaries in; the others are locals from now on."""
    if isinstance(node, n.TempRef):
        if node.id in substitutions:
            return substitutions[node.id]
        return n.LocalGet(node.id, effect=node.effect)
    old = node.operands()
    if not old:
        return node
    new = [_resolve(o, substitutions) for o in old]
    if all(a is b for a, b in zip(new, old)):
        return node
    return node.with_operands(new).with_effect(node.effect | union(new))
