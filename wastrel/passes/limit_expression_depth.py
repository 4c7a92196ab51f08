"""pass: limit-expression-depth : flushed -> flushed

Bounds how deeply expressions nest, so that the C compiler never meets an
expression deeper than MAX_DEPTH operators: a 100,000-deep chain of
additions (real compilers emit them) overflows gcc's stack, and clang
refuses more than 256 nested parentheses.

    S[e]   =>   (local.set $hN e) S[(local.get $hN)]
                    for every subexpression e that is MAX_DEPTH deep,
                    innermost first, in evaluation order

Design decision: after sequence-operands, the operands of every node commute
pairwise, and what remains inside a `select` arm is pure.  So evaluating a
subexpression before the rest of its statement changes nothing but the C's
shape, and this pass needs no effect analysis at all.  Expressions of
ordinary depth (every one a person writes) are left as they are.
"""

from __future__ import annotations

from wastrel.ir import nodes as n
from wastrel.ir.wasm import Module
from wastrel.passes.framework import Rewriter, declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set, type_of

MAX_DEPTH = 100


@declare_pass("limit-expression-depth", takes="flushed", gives="flushed", requires="sequence-operands", local=True)
def limit_expression_depth(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Limiter(f, program.wasm).run())


class _Limiter(Rewriter):
    def __init__(self, func: n.Function, module: Module):
        self.func = func
        self.module = module
        self.locals = LocalAllocator(func, "h")

    def run(self) -> n.Function:
        if not _deeper_than(_expressions_of(self.func.body), MAX_DEPTH):
            return self.func  # (most functions: one look at all their expressions together)
        body = self.rewrite_body(self.func.body)
        return self.locals.finish(body) if self.locals.types else self.func

    visit_Expr = Rewriter.keep_expression  # bounded by its statement

    def visit_Stmt(self, s: n.Stmt) -> n.Stmt | tuple[n.Stmt, ...]:
        prelude: list[n.Stmt] = []
        operands = s.operands()
        if _deeper_than(operands, MAX_DEPTH):
            new = [self.bounded_operands(o, prelude) for o in operands]
            if prelude:
                s = s.with_operands(new)
        s = self.rewrite_children(s)  # the statements inside, after this one's operands
        return (*prelude, s) if prelude else s

    def bounded_operands(self, expr: n.Expr, prelude: list[n.Stmt]) -> n.Expr:
        """`expr` with every operand less than MAX_DEPTH deep."""
        old = expr.operands()
        new = [self.bounded(o, prelude)[0] for o in old]
        return expr.with_operands(new) if any(a is not b for a, b in zip(new, old)) else expr

    def bounded(self, expr: n.Expr, prelude: list[n.Stmt]) -> tuple[n.Expr, int]:
        """`expr` less than MAX_DEPTH deep, and its depth; deeper parts are
        assigned to locals in `prelude`."""
        old = expr.operands()
        if not old:
            return expr, 1
        new: list[n.Expr] = []
        depth = 0
        for o in old:
            o, d = self.bounded(o, prelude)
            new.append(o)
            depth = max(depth, d)
        if any(a is not b for a, b in zip(new, old)):
            expr = expr.with_operands(new)
        if depth + 1 < MAX_DEPTH:
            return expr, depth + 1
        local = self.locals.new(type_of(expr, self.locals.type_of, self.module))
        prelude.append(local_set(local, expr))
        return local_get(local), 1


def _expressions_of(body: tuple[n.Stmt, ...]) -> list[n.Expr]:
    """The operands of every statement in `body`, nested ones included."""
    found: list[n.Expr] = []
    pending: list[n.Node] = list(body)
    while pending:
        for child in pending.pop().children():
            (pending if isinstance(child, n.Stmt) else found).append(child)  # type: ignore[arg-type]
    return found


def _deeper_than(exprs: list[n.Expr], limit: int) -> bool:
    """Is one of `exprs` more than `limit` nodes deep?  (All together, level
    by level, building nothing: most statements are far shallower, and
    then `bounded` is not needed at all.)"""
    level: list[n.Node] = exprs  # type: ignore[assignment]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [c for node in level for c in node.children()]
    return False
