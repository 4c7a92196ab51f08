"""pass: sequence-operands : flushed -> flushed

Makes every statement safe for C, whose operands are evaluated in no
particular order, by keeping Wasm's left-to-right order where it matters.

    S[(op a b)]          =>  (local.set $h1 a) S[(op (local.get $h1) b)]
                                 when a and b conflict: C could evaluate b first
    S[(select a b c)]    =>  (local.set $h1 a) S[(select (local.get $h1) b c)]
                                 when a is not pure: C's `?:` evaluates one arm only

Rules, for each statement, innermost operands first:

1. The operands of each node must commute pairwise.  An operand that
   conflicts with a later sibling (or with what that sibling's own
   operands hoisted) is assigned to a fresh local `$hN` just before the
   statement; the hoisted assignments keep Wasm's left-to-right order.
2. `select` becomes C's `?:`, which evaluates only one arm, so arms that
   that are not pure (they write or may trap) are hoisted too.
3. Constants never need hoisting.

Design decision: the one question is `effects.conflicts`, as in
`fold-temps`; hoisting only moves a value earlier within its statement,
past nothing it conflicts with, so no other statement is looked at.
"""

from __future__ import annotations

from operator import is_

from wastrel.ir import nodes as n
from wastrel.ir.effects import conflicts
from wastrel.ir.wasm import Module
from wastrel.passes.annotate_effects import union
from wastrel.passes.framework import Rewriter, declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set, type_of


@declare_pass("sequence-operands", takes="flushed", gives="flushed", requires="fold-temps", local=True)
def sequence_operands(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Sequencer(f, program.wasm).run())


class _Sequencer(Rewriter):
    def __init__(self, func: n.Function, module: Module):
        self.func = func
        self.module = module
        self.locals = LocalAllocator(func, "h")

    def run(self) -> n.Function:
        return self.locals.finish(self.rewrite_body(self.func.body))

    visit_Expr = Rewriter.keep_expression  # a statement sequences its expressions

    def leave_Stmt(self, stmt: n.Stmt) -> n.Stmt | tuple[n.Stmt, ...]:
        prelude, stmt = self.sequence(stmt)  # type: ignore[assignment]
        return (*prelude, stmt) if prelude else stmt

    def sequence(self, node: n.Node) -> tuple[list[n.Stmt], n.Node]:
        """Hoist operands until the operands of every node commute pairwise."""
        old = node.operands()
        if not old:
            return [], node
        own = node.effect
        if own is not None and not (own.writes or own.traps or own.escapes):
            return [], node  # nothing in a pure expression conflicts, not even a select's arms
        if len(old) == 1:  # (most nodes: nothing to commute with, only inside to look at)
            operand = old[0]
            effect = operand.effect
            if effect is not None and not (effect.writes or effect.traps or effect.escapes):
                return [], node
            prelude, new = self.sequence(operand)
            return (prelude, node.with_operands([new])) if new is not operand else (prelude, node)
        prelude: list[n.Stmt] = []
        done: list[n.Expr] = []
        is_select = type(node) is n.Op and node.op == "select"  # type: ignore[attr-defined]
        for operand in old:
            effect = operand.effect
            before: list[n.Stmt] = []
            if effect is None or effect.writes or effect.traps or effect.escapes:  # (else pure: nothing to sequence within)
                before, operand = self.sequence(operand)  # type: ignore[assignment]
                if before:
                    effect = union(before) | operand.effect  # type: ignore[operator]
            for j, earlier in enumerate(done):
                if type(earlier) is n.Const:
                    continue
                first = earlier.effect
                must = is_select and j < 2 and (first.writes or first.traps or first.escapes)  # type: ignore[union-attr]
                if must or conflicts(first, effect):  # type: ignore[arg-type]
                    done[j] = self.hoist(earlier, prelude)
            prelude.extend(before)
            done.append(operand)
        if not prelude and all(map(is_, done, old)):
            return [], node
        return prelude, node.with_operands(done)

    def hoist(self, expr: n.Expr, prelude: list[n.Stmt]) -> n.Expr:
        local = self.locals.new(type_of(expr, self.locals.type_of, self.module))
        prelude.append(local_set(local, expr))
        return local_get(local)
