"""pass: times-two : effects -> effects

A WRONG pass, for docs/course.md ("Where passes go wrong"): it turns
`(i32.mul x (i32.const 2))` into `(i32.add x x)`, and makes two mistakes.

1. The new `i32.add` has no effect, which the effects language requires
   on every node: wastrel stops with "Op has no effect annotation".
2. Had it one, `x` would still run twice: wrong when `x` is a call.
   Only the second mistake would get past the language checker.
"""

from wastrel.ir.nodes import Const, Expr, Op
from wastrel.passes.framework import Rewriter, declare_rewrite


@declare_rewrite("times-two", "effects", requires="annotate-effects")
class TimesTwo(Rewriter):
    """x * 2 => x + x, without an effect (a deliberate mistake)."""

    def leave_Op(self, op: Op) -> Expr:
        match op:
            case Op("i32.mul", (x, Const(value=2))):
                return Op("i32.add", (x, x))
        return op
