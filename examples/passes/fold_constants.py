"""pass: fold-constants : tree -> tree

Exercise 1 of docs/course.md, a reference solution: constant folding.  An
i32/i64 binary operator, comparison or `eqz` whose operands are constants
becomes one constant, computed exactly as Wasm computes it:

    (i32.add (i32.const 2147483647) (i32.const 1))  =>  (i32.const -2147483648)  wraps around
    (i32.shl (i32.const 1) (i32.const 33))          =>  (i32.const 2)            the count is taken mod 32
    (i32.lt_u (i32.const -1) (i32.const 0))         =>  (i32.const 0)            -1 is 0xffffffff unsigned
    (i32.div_s (i32.const -7) (i32.const 2))        =>  (i32.const -3)           rounds toward zero
    (i32.div_s (i32.const 1) (i32.const 0))         stays: it must trap when (and if) it runs
    (i64.div_s (i64.const MIN) (i64.const -1))      stays: integer overflow, a trap too

Folding is bottom-up (`leave_Op` sees its operands already folded), so
`(i32.mul (i32.add (i32.const 1) (i32.const 2)) (i32.const 4))` becomes
`(i32.const 12)` in one walk.

Design decision: the tree language, because folding looks at values only.
No effects exist yet: annotate-effects, which runs next, computes the
effect of whatever this pass leaves (a folded `i32.div_s` loses its
`{t:div,ovf}` by itself).  `Const.value` holds i32/i64 constants as signed
numbers; the arithmetic is done on the unsigned bit pattern and turned back.
"""

from __future__ import annotations

from wastrel.ir.nodes import Const, Expr, Op
from wastrel.ir.ops import numeric_result_type
from wastrel.passes.framework import Rewriter, declare_rewrite

WIDTH = {"i32": 32, "i64": 64}


def signed(bits: int, width: int) -> int:
    """The bit pattern `bits` (taken mod 2**width) read as a signed number."""
    bits &= (1 << width) - 1
    return bits - (1 << width) if bits >> (width - 1) else bits


def divide_toward_zero(a: int, b: int) -> int:
    """Wasm's (and C's) signed division; Python's `//` rounds toward minus infinity."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def fold(op: str, a: int, b: int) -> int | None:
    """The result of the binary operator `op` (e.g. "i32.rem_s") on the constants
    `a` and `b`, as a signed number; None if `op` is not folded here or would trap."""
    kind, _, name = op.partition(".")
    width = WIDTH.get(kind)
    if width is None:
        return None
    mask = (1 << width) - 1
    ua, ub = a & mask, b & mask  # the same bits, read unsigned
    sa, sb = signed(a, width), signed(b, width)  # ... and read signed
    count = ub % width  # shifts and rotations take their count mod the width
    match name:
        case "add":
            result = ua + ub
        case "sub":
            result = ua - ub
        case "mul":
            result = ua * ub
        case "and":
            result = ua & ub
        case "or":
            result = ua | ub
        case "xor":
            result = ua ^ ub
        case "shl":
            result = ua << count
        case "shr_u":
            result = ua >> count
        case "shr_s":
            result = sa >> count  # Python's >> of a negative number shifts in ones
        case "rotl":
            result = (ua << count) | (ua >> (width - count))
        case "rotr":
            result = (ua >> count) | (ua << (width - count))
        case "div_u" | "rem_u" if ub == 0:
            return None  # integer divide by zero: leave it to trap at run time
        case "div_u":
            result = ua // ub
        case "rem_u":
            result = ua % ub
        case "div_s" if sb == 0 or (sa == -(1 << (width - 1)) and sb == -1):
            return None  # divide by zero, or MIN / -1 (integer overflow): both trap
        case "div_s":
            result = divide_toward_zero(sa, sb)
        case "rem_s" if sb == 0:
            return None  # MIN rem_s -1 does not trap: it is 0, as below
        case "rem_s":
            result = sa - sb * divide_toward_zero(sa, sb)  # the sign of the dividend
        case "eq" | "ne" | "lt_s" | "lt_u" | "gt_s" | "gt_u" | "le_s" | "le_u" | "ge_s" | "ge_u":
            return int(compare(name, sa, sb, ua, ub))  # an i32: 1 or 0
        case _:
            return None
    return signed(result, width)


def compare(name: str, sa: int, sb: int, ua: int, ub: int) -> bool:
    """A comparison, on the signed or the unsigned reading as its name says."""
    x, y = (ua, ub) if name.endswith("_u") else (sa, sb)
    match name.split("_")[0]:
        case "eq":
            return x == y
        case "ne":
            return x != y
        case "lt":
            return x < y
        case "gt":
            return x > y
        case "le":
            return x <= y
    return x >= y  # ge


@declare_rewrite("fold-constants", "tree", optional=True)
class FoldConstants(Rewriter):
    """Folds i32/i64 arithmetic and comparisons of constants (exercise 1 of docs/course.md)."""

    def leave_Op(self, op: Op) -> Expr:
        match op:
            case Op(name, (Const(value=int(a)), Const(value=int(b)))):
                value = fold(name, a, b)
            case Op("i32.eqz" | "i64.eqz", (Const(value=int(a)),)):
                value = int(a == 0)
            case _:
                return op
        return op if value is None else Const(numeric_result_type(op.op), value)
