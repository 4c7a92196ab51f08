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

from dataclasses import replace

from wastrel.ir import nodes as n
from wastrel.ir.shapes import BODY
from wastrel.passes.framework import declare_pass, map_functions
from wastrel.passes.helpers import LocalAllocator, local_get, local_set, operands, type_of, with_operands

MAX_DEPTH = 100


@declare_pass("limit-expression-depth", takes="flushed", gives="flushed", requires="sequence-operands")
def limit_expression_depth(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Limiter(f, program).run())


class _Limiter:
    def __init__(self, func: n.Function, program: n.Program):
        self.func = func
        self.module = program.wasm
        self.locals = LocalAllocator(func, "h")

    def run(self) -> n.Function:
        if not self.locals_needed(self.func.body):
            return self.func
        return self.locals.finish(self.body(self.func.body))

    def locals_needed(self, body: tuple[n.Stmt, ...]) -> bool:
        """Whether any expression is too deep (most functions: no, at once)."""
        for s in body:
            for o in operands(s):
                if _height(o, MAX_DEPTH) >= MAX_DEPTH:
                    return True
            for b in _bodies(s).values():
                if self.locals_needed(b):
                    return True
        return False

    def body(self, stmts: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        out: list[n.Stmt] = []
        for s in stmts:
            prelude: list[n.Stmt] = []
            old = operands(s)
            new = [self.bounded_operands(o, prelude) for o in old]
            if any(a is not b for a, b in zip(new, old)):
                s = with_operands(s, new)
            bodies = _bodies(s)
            if bodies:
                s = replace(s, **{name: self.body(b) for name, b in bodies.items()})
            out += prelude
            out.append(s)
        return tuple(out)

    def bounded_operands(self, expr: n.Expr, prelude: list[n.Stmt]) -> n.Expr:
        """`expr` with every operand less than MAX_DEPTH deep."""
        old = operands(expr)
        new = [self.bounded(o, prelude)[0] for o in old]
        return with_operands(expr, new) if any(a is not b for a, b in zip(new, old)) else expr  # type: ignore[return-value]

    def bounded(self, expr: n.Expr, prelude: list[n.Stmt]) -> tuple[n.Expr, int]:
        """`expr` less than MAX_DEPTH deep, and its depth; deeper parts are
        assigned to locals in `prelude`."""
        old = operands(expr)
        if not old:
            return expr, 1
        new: list[n.Expr] = []
        depth = 0
        for o in old:
            o, d = self.bounded(o, prelude)
            new.append(o)
            depth = max(depth, d)
        if any(a is not b for a, b in zip(new, old)):
            expr = with_operands(expr, new)  # type: ignore[assignment]
        if depth + 1 < MAX_DEPTH:
            return expr, depth + 1
        local = self.locals.new(type_of(expr, self.locals.type_of, self.module))
        prelude.append(local_set(local, expr))
        return local_get(local), 1


def _bodies(stmt: n.Stmt) -> dict[str, tuple[n.Stmt, ...]]:
    """The statement lists a statement holds (a block's body, an if's arms)."""
    return {name: getattr(stmt, name) for name, kind in stmt.kinds if kind == BODY}


def _height(expr: n.Expr, cap: int) -> int:
    """How deep `expr` nests, counted up to `cap` (no need to go further)."""
    if cap <= 1:
        return 1
    return 1 + max((_height(o, cap - 1) for o in operands(expr)), default=0)
