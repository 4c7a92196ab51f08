"""pass: reduce-strength : effects -> effects

Exercise 3 of docs/course.md, a reference solution: strength reduction.
Multiplication, division and remainder by a power of two 2**k become
shifts and masks (shown for i32; i64 is the same with 64):

    (i32.mul x (i32.const 2**k))    =>  (i32.shl x (i32.const k))        also (i32.mul (i32.const 2**k) x)
    (i32.div_u x (i32.const 2**k))  =>  (i32.shr_u x (i32.const k))
    (i32.rem_u x (i32.const 2**k))  =>  (i32.and x (i32.const 2**k-1))
    (i32.div_s x (i32.const 2**k))  =>  (i32.shr_s (i32.add x B) (i32.const k))          when x is pure
    (i32.rem_s x (i32.const 2**k))  =>  (i32.sub x (i32.and (i32.add x B) (i32.const -2**k)))   when x is pure
        where B = (i32.shr_u (i32.shr_s x (i32.const 31)) (i32.const 32-k)),
        which is 2**k-1 when x < 0 and 0 otherwise

Signed division rounds toward zero, a shift toward minus infinity: -7/2 is
-3 but -7>>1 is -4.  Adding 2**k-1 to a negative x first makes the shift
round toward zero.  That needs x three times over, so x must be pure
(evaluating it again changes nothing and gives the same value); otherwise
the division is left alone.  k = 0 is its own case everywhere (x * 1 and
x / 1 are x, x % 1 is 0): the shift by 32-k = 32 in B would be a shift by
0, since Wasm takes shift counts mod 32.  A negative divisor (-2**k, and
2**31 as i32, which is -2**31 signed) is left alone.

Design decision: the effects language, ahead of the passes that make the
`flushed` language.  "Is x pure?" needs effects; and those passes, which
run after this one, decide how C evaluates what it built (a pending
temporary `t1` that is now read three times becomes a local).  Each new
node needs its effect (the effects language requires one on every node;
wastrel says so if one is missing): its operands' effects and its
operator's own.  They are narrower than before (`i32.div_u` by 8 can no
longer trap), which is correct: a shift cannot.  The parents keep their
old, wider effects: that is allowed (an effect may claim more than the
node does, never less).
"""

from __future__ import annotations

from wastrel.ir.effects import PURE
from wastrel.ir.nodes import Const, Expr, Op
from wastrel.ir.ops import op_effect
from wastrel.passes.framework import Rewriter, declare_rewrite

WIDTH = {"i32": 32, "i64": 64}


def new_op(name: str, *args: Expr) -> Op:
    """A new operator node, with its effect: its operands' and its own."""
    effect = op_effect(name)
    for arg in args:
        effect = effect | arg.effect
    return Op(name, args, effect=effect)


def new_const(type_: str, value: int) -> Const:
    width = WIDTH[type_]
    value &= (1 << width) - 1
    return Const(type_, value - (1 << width) if value >> (width - 1) else value, effect=PURE)


def log2(value: int, width: int) -> int | None:
    """k if the constant's bit pattern is 2**k, else None."""
    bits = value & ((1 << width) - 1)
    return bits.bit_length() - 1 if bits and bits & (bits - 1) == 0 else None


@declare_rewrite("reduce-strength", "effects", requires="annotate-effects", optional=True)
class ReduceStrength(Rewriter):
    """Turns products, quotients and remainders by powers of two into shifts and masks."""

    def leave_Op(self, op: Op) -> Expr:
        match op:
            case Op(name, (x, Const(value=int(c)))) if name[:4] in ("i32.", "i64."):
                pass
            case Op("i32.mul" | "i64.mul" as name, (Const(value=int(c)), x)):
                pass  # the constant commutes with anything: we may put it second
            case _:
                return op
        type_, _, what = name.partition(".")
        width = WIDTH[type_]
        k = log2(c, width)
        if k is None:
            return op
        if k == 0 and what in ("mul", "div_u", "div_s"):
            return x  # x * 1 = x / 1 = x
        match what:
            case "mul":
                return new_op(f"{type_}.shl", x, new_const(type_, k))
            case "div_u":
                return new_op(f"{type_}.shr_u", x, new_const(type_, k))
            case "rem_u" | "rem_s" if k == 0:
                return new_op(f"{type_}.and", x, new_const(type_, 0))  # x % 1 = 0, x still evaluated
            case "rem_u":
                return new_op(f"{type_}.and", x, new_const(type_, c - 1))
            case "div_s" | "rem_s" if k < width - 1 and x.effect.is_pure:
                sign = new_op(f"{type_}.shr_s", x, new_const(type_, width - 1))  # -1 or 0
                rounded = new_op(f"{type_}.add", x, new_op(f"{type_}.shr_u", sign, new_const(type_, width - k)))
                if what == "div_s":
                    return new_op(f"{type_}.shr_s", rounded, new_const(type_, k))
                return new_op(f"{type_}.sub", x, new_op(f"{type_}.and", rounded, new_const(type_, -(1 << k))))
        return op
