"""pass: fold-i32-add : flushed -> flushed

Folds an `i32.add` of two constants into one constant: a plug-in, as a
student writes one (`wastrel-passes --plugin examples/passes/fold_i32_add.py`).

    (i32.add (i32.const a) (i32.const b))  =>  (i32.const a+b, wrapped to 32 bits)
"""

from wastrel.ir.nodes import Const, Op
from wastrel.passes.framework import Rewriter, declare_rewrite


@declare_rewrite("fold-i32-add", "flushed", requires="fold-temps")
class FoldI32Add(Rewriter):
    def leave_Op(self, op: Op) -> Op | Const:
        match op:
            case Op("i32.add", (Const(value=int(a)), Const(value=int(b)))):
                return Const("i32", (a + b + 2**31) % 2**32 - 2**31, effect=op.effect)
        return op
