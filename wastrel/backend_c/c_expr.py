"""C text for expressions, with as few parentheses as C's precedence allows.

i32/i64 values are `uint32_t`/`uint64_t`: wrapping arithmetic is plain C;
signed operations cast (`(int32_t)a < (int32_t)b`); shift counts are masked
(`a << (b & 31)`, folded for constant counts).  Operators without a C
equivalent (`i32.div_s`, `f64.nearest`, loads, ...) are calls to the
runtime's `w_` functions of the same name, and so are the SIMD instructions
(`i8x16.add_sat_s` is `w_i8x16_add_sat_s(a, b)`; v128 is `w_v128`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Callable

from wastrel.backend_c.c_gc import gc_value
from wastrel.backend_c.names import C_TYPE_OF, LIBM, VALUE_FIELD, body_name, c_call, from_value, memory_base
from wastrel.ir import nodes as n
from wastrel.ir.ops import MEMORY_ACCESS, is_comparison, is_load
from wastrel.ir.gc import NAMES as GC_NAMES
from wastrel.ir.simd import BY_NAME as SIMD

if TYPE_CHECKING:
    from wastrel.backend_c.context import ModuleContext

#: The GC instructions with a value that c_gc.py writes.
GC_VALUES = GC_NAMES - {"ref.eq", "any.convert_extern", "extern.convert_any", "struct.set", "array.set", "array.fill", "array.copy", "array.init_data", "array.init_elem"}

# Precedence levels (higher binds tighter).
PRIMARY, UNARY, MUL, ADD, SHIFT, REL, EQ, BITAND, BITXOR, BITOR, COND, ASSIGN = 16, 15, 13, 12, 11, 10, 9, 8, 7, 6, 3, 2

_BINARY_C = {
    "add": ("+", ADD), "sub": ("-", ADD), "mul": ("*", MUL), "div": ("/", MUL),
    "and": ("&", BITAND), "or": ("|", BITOR), "xor": ("^", BITXOR),
    "eq": ("==", EQ), "ne": ("!=", EQ),
    "lt": ("<", REL), "gt": (">", REL), "le": ("<=", REL), "ge": (">=", REL),
}  # fmt: skip

#: The operators printed `a <symbol> b` at their symbol's precedence, the
#: unsigned comparisons included (i32/i64 are unsigned in C); and/or/xor are
#: not among them (numeric: parentheses as people write them).
_INFIX = {
    **{name: c for name, c in _BINARY_C.items() if c[1] not in (BITAND, BITXOR, BITOR)},
    **{f"{name}_u": _BINARY_C[name] for name in ("lt", "gt", "le", "ge")},
}


_SIGNED = {"i32": "int32_t", "i64": "int64_t"}
_UNSIGNED = {"i32": "uint32_t", "i64": "uint64_t"}

# Conversions that are one C cast (or two).
_CASTS = {
    "i32.wrap_i64": "(uint32_t){}",
    "i64.extend_i32_u": "(uint64_t){}",
    "i64.extend_i32_s": "(uint64_t)(int32_t){}",
    "i32.extend8_s": "(uint32_t)(int8_t){}",
    "i32.extend16_s": "(uint32_t)(int16_t){}",
    "i64.extend8_s": "(uint64_t)(int8_t){}",
    "i64.extend16_s": "(uint64_t)(int16_t){}",
    "i64.extend32_s": "(uint64_t)(int32_t){}",
    "f32.convert_i32_s": "(float)(int32_t){}",
    "f32.convert_i32_u": "(float){}",
    "f32.convert_i64_s": "(float)(int64_t){}",
    "f32.convert_i64_u": "(float){}",
    "f64.convert_i32_s": "(double)(int32_t){}",
    "f64.convert_i32_u": "(double){}",
    "f64.convert_i64_s": "(double)(int64_t){}",
    "f64.convert_i64_u": "(double){}",
}


class ExprPrinter:
    def __init__(self, ctx: ModuleContext, local_names: list[str], local_types: tuple[str, ...]):
        self.ctx = ctx
        self.locals = local_names
        self.local_types = local_types
        # Each memory's base, kept in a variable by a function that accesses it.
        self.memory_base_names = [body_name(memory_base(k), local_names) for k in range(len(ctx.memories))]
        self.memory_types = ctx.module.memory_types()
        # What the printed code uses, for the function's declarations:
        self.locals_used: set[int] = set()
        self.memories_used: set[int] = set()

    def __call__(self, e: n.Expr, context: int = ASSIGN) -> str:
        """The C of `e` where an operand of precedence `context` goes:
        parenthesised if it binds more loosely."""
        text, level = _EXPRESSIONS[type(e)](self, e)
        return f"({text})" if level < context else text

    def expr(self, e: n.Expr) -> tuple[str, int]:
        """The C of `e` and its precedence level."""
        return _EXPRESSIONS[type(e)](self, e)

    def note_unprinted(self, e: n.Expr) -> None:
        """Note the locals and memories of an expression the C leaves out
        (a dropped value without effects) as if it were printed."""
        pending: list[n.Node] = [e]
        while pending:
            node = pending.pop()
            kind = type(node)
            if kind is n.LocalGet or kind is n.LocalTee:
                self.locals_used.add(node.index)  # type: ignore[attr-defined]
            elif kind is n.Op and is_load(node.op):  # type: ignore[attr-defined]
                self.memories_used.add(node.imm[2])  # type: ignore[attr-defined]
            pending.extend(node.children())

    # -- expressions, one method per class (_EXPRESSIONS) ----------------------------

    def local_get(self, e: n.LocalGet) -> tuple[str, int]:
        self.locals_used.add(e.index)
        return self.locals[e.index], PRIMARY

    def const(self, e: n.Const) -> tuple[str, int]:
        return self.ctx.constant(e.type, e.value)

    def local_tee(self, e: n.LocalTee) -> tuple[str, int]:
        self.locals_used.add(e.index)
        return f"{self.locals[e.index]} = {self(e.value, ASSIGN)}", ASSIGN

    def global_get(self, e: n.GlobalGet) -> tuple[str, int]:
        return self.ctx.globals[e.index], PRIMARY

    def call_(self, e: n.Call) -> tuple[str, int]:
        ftype = self.ctx.module.func_type(e.func)
        return c_call(self.ctx.funcs[e.func], ftype, [self(a) for a in e.args], host=e.func in self.ctx.host_funcs), PRIMARY

    def call_indirect(self, e: n.CallIndirect) -> tuple[str, int]:
        type_id = self.ctx.type_id(e.type_index)
        target = f"w_table_func(&{self.ctx.tables[e.table]}, {self(e.callee)}, {type_id})->code"
        return self.indirect_call(target, e.type_index, e.args), PRIMARY

    def call_ref(self, e: n.CallRef) -> tuple[str, int]:
        return self.indirect_call(f"w_ref_func_callee({self(e.callee)})->code", e.type_index, e.args), PRIMARY

    def indirect_call(self, target: str, type_index: int, args: tuple[n.Expr, ...]) -> str:
        """A call through a table or a reference: the lookup, which may
        trap, after the arguments -- C leaves the order of a call's function
        and arguments open, and gcc looks up first, so arguments that may
        write or trap are evaluated before it (c_call's temporaries)."""
        ordered = any(a.effect is not None and (a.effect.writes or a.effect.traps) for a in args)
        return c_call(f"(({self.ctx.signature(type_index)}){target})", self.ctx.module.types[type_index], [self(a) for a in args], ordered=ordered)

    def args(self, args: tuple[n.Expr, ...] | list[n.Expr]) -> str:
        return ", ".join(self(a) for a in args)

    def call(self, name: str, args: tuple[n.Expr, ...] | list[n.Expr]) -> tuple[str, int]:
        return f"{name}({self.args(args)})", PRIMARY

    # -- operators ---------------------------------------------------------------

    def op(self, e: n.Op) -> tuple[str, int]:
        op, args = e.op, e.args
        kind, prefix, name = _kind_of(op)
        if kind == "infix":
            symbol, level = _INFIX[name]
            return f"{self(args[0], level)} {symbol} {self(args[1], level + 1)}", level
        if kind == "numeric":
            return self.numeric(prefix, name, args)
        if kind == "simd":
            return self.simd(e), PRIMARY
        if kind == "load":
            return f"w_{prefix}_{name}({self.access(e)})", PRIMARY
        if kind == "cast":
            return _CASTS[op].format(self(args[0], UNARY)), UNARY
        if op in GC_VALUES:
            text = gc_value(self.ctx, op, e.imm, [self(a) for a in args])
            return text, UNARY if text.startswith("(uint32_t)") else PRIMARY
        return self.other(e)

    def numeric(self, prefix: str, name: str, args: tuple[n.Expr, ...]) -> tuple[str, int]:
        """An operator of i32, i64, f32 or f64 other than the infix ones."""
        is_int = prefix in ("i32", "i64")
        if name in ("and", "or", "xor"):
            symbol, level = _BINARY_C[name]
            # Mixed bitwise and other operators get parentheses, as people write them.
            return f"{self.bitwise_operand(args[0], name)} {symbol} {self.bitwise_operand(args[1], name)}", level
        if is_int:
            bits = 32 if prefix == "i32" else 64
            if name in ("lt_s", "gt_s", "le_s", "ge_s"):
                symbol, level = _BINARY_C[name[:2]]
                return f"{self.signed(prefix, args[0])} {symbol} {self.signed(prefix, args[1])}", level
            if name == "eqz":
                return f"{self(args[0], EQ)} == 0", EQ
            if name in ("shl", "shr_u", "shr_s"):
                return self.shift(prefix, name, args, bits)
        elif name == "neg":
            operand = self(args[0], UNARY)
            return (f"-({operand})" if operand.startswith("-") else f"-{operand}"), UNARY
        elif name in LIBM:
            suffix = "f" if prefix == "f32" else ""
            return self.call(LIBM[name] + suffix, args)
        return self.call(f"w_{prefix}_{name}", args)

    def signed(self, prefix: str, e: n.Expr) -> str:
        """An operand of a signed comparison: a cast, or a signed literal."""
        if isinstance(e, n.Const) and e.value is not None and abs(e.value) < 1 << 31:
            return str(e.value)
        return f"({_SIGNED[prefix]}){self(e, UNARY)}"

    def bitwise_operand(self, e: n.Expr, name: str) -> str:
        same = isinstance(e, n.Op) and e.op.partition(".")[2] == name
        return self(e, BITAND if same else UNARY)

    def shift(self, prefix: str, name: str, args: tuple[n.Expr, ...], bits: int) -> tuple[str, int]:
        value, count = args
        if isinstance(count, n.Const):
            amount = self.ctx.constant("i32", (count.value or 0) % bits)[0].rstrip("ul")
        else:
            amount = f"({self(count, BITAND)} & {bits - 1})"
        symbol = "<<" if name == "shl" else ">>"
        if name == "shr_s":
            signed = _SIGNED[prefix]
            return f"({_UNSIGNED[prefix]})(({signed}){self(value, UNARY)} >> {amount})", UNARY
        left = self(value, SHIFT)
        if isinstance(value, n.Op) and is_comparison(value.op):
            left = f"({_UNSIGNED[prefix]})({self(value)})"
        return f"{left} {symbol} {amount}", SHIFT

    def other(self, e: n.Op) -> tuple[str, int]:
        op, args, imm = e.op, e.args, e.imm
        ctx = self.ctx
        match op:
            case "select":
                return f"{self(args[2], COND + 1)} ? {self(args[0], ASSIGN)} : {self(args[1], COND)}", COND
            case "memory.size":
                size = "w_memory64_size" if self.memory_types[imm[0]].address_type == "i64" else "w_memory_size"
                return f"{size}(&{ctx.memories[imm[0]]})", PRIMARY
            case "memory.grow":
                grow = "w_memory64_grow" if self.memory_types[imm[0]].address_type == "i64" else "w_memory_grow"
                return f"{grow}(&{ctx.memories[imm[0]]}, {self(args[0])})", PRIMARY
            case "ref.eq":
                return f"{self(args[0], EQ)} == {self(args[1], EQ + 1)}", EQ
            case "any.convert_extern" | "extern.convert_any":  # the same word
                return self.expr(args[0])
            case "ref.is_null":
                return f"{self(args[0], EQ)} == NULL", EQ
            case "ref.as_non_null":
                return f"W_REF_AS_NON_NULL({self(args[0])})", PRIMARY
            case "exn.pending":
                return "W_UNLIKELY(w_pending != NULL)", PRIMARY
            case "exn.is":
                return f"w_pending->tag == &{ctx.tags[imm[0]]}", EQ
            case "exn.value":
                k, t = imm
                return from_value(t, f"w_pending->values[{k}].{VALUE_FIELD[t]}"), UNARY
            case "exn.ref":
                return "w_pending", PRIMARY
            case "ref.func":
                return f"&{ctx.func_ref(imm[0])}", UNARY
            case "table.get":
                table_type = ctx.module.table_types()[imm[0]].elem
                return f"({C_TYPE_OF[table_type]})w_table_get(&{ctx.tables[imm[0]]}, {self(args[0])})", UNARY
            case "table.size":
                if ctx.module.table_types()[imm[0]].address_type == "i64":
                    return f"(uint64_t)w_table_size(&{ctx.tables[imm[0]]})", UNARY
                return f"w_table_size(&{ctx.tables[imm[0]]})", PRIMARY
            case "table.grow":
                init, delta = args
                grow = "w_table64_grow" if ctx.module.table_types()[imm[0]].address_type == "i64" else "w_table_grow"
                return f"{grow}(&{ctx.tables[imm[0]]}, (void *){self(init, UNARY)}, {self(delta)})", PRIMARY
        raise TypeError(f"c-print: unexpected operator {op}")

    def simd(self, e: n.Op | n.Perform) -> str:
        """A SIMD instruction: a call of its runtime function with the
        operands, a memory access's base and address first, the immediate
        lane indices last (runtime/wastrel_simd.h)."""
        info = SIMD[e.op]
        args = [self(a) for a in e.args]
        if info.access_bytes:
            args = [self.access(e), *args[1:]]
        if info.immediate in ("lane", "memarg_lane"):
            args.append(str(e.imm[-1]))
        elif info.immediate == "shuffle":
            args += map(str, e.imm[0])
        return f"w_{e.op.replace('.', '_')}({', '.join(args)})"

    # -- memory ------------------------------------------------------------------

    def access(self, e: n.Op | n.Perform) -> str:
        """A memory access's first two arguments: a base pointer and an
        effective address (a uint64_t) from it.  In a 32-bit memory the
        address is unchecked (the guard region faults) and an offset stays
        apart from the Wasm address, `m0 + addr, offset`: accesses to the
        fields of one struct then share the pointer `m0 + addr` and reach
        each field as [register + offset], where `m0, addr + offset` had gcc
        keep (and spill) a pointer per field in a loop.  In a memory64,
        w_ea64 checks the address."""
        _align, offset, memory = e.imm[:3]
        self.memories_used.add(memory)
        base = self.memory_base_names[memory]
        if self.memory_types[memory].address_type == "i64":
            size = SIMD[e.op].access_bytes if e.op in SIMD else MEMORY_ACCESS[e.op][1]
            return f"{base}, w_ea64(&{self.ctx.memories[memory]}, {self(e.args[0])}, {offset}ull, {size})"
        address = e.args[0]
        if isinstance(address, n.Const):  # a static address: one number
            return f"{base}, {(address.value or 0) % (1 << 32) + offset}ull"
        if offset == 0:
            return f"{base}, {self(address)}"
        return f"{base} + {self(address, MUL)}, {offset}ull"


class ByClass(dict[type, Callable[..., Any]]):
    """The printing methods of node classes, looked up as
    `table[type(node)]` (faster than a match of class patterns, and than
    `get`); a class without one is an error."""

    def __init__(self, what: str, methods: dict[type, Callable[..., Any]]):
        super().__init__(methods)
        self.what = what

    def __missing__(self, kind: type) -> Callable[..., Any]:
        raise TypeError(f"c-print: unexpected {self.what} {kind.__name__}")


#: How each class of expression is printed (the commonest, Op, is then
#: one step away).
_EXPRESSIONS = ByClass("expression", {
    n.Op: ExprPrinter.op,
    n.LocalGet: ExprPrinter.local_get,
    n.Const: ExprPrinter.const,
    n.LocalTee: ExprPrinter.local_tee,
    n.GlobalGet: ExprPrinter.global_get,
    n.Call: ExprPrinter.call_,
    n.CallIndirect: ExprPrinter.call_indirect,
    n.CallRef: ExprPrinter.call_ref,
})


@cache
def _kind_of(op: str) -> tuple[str, str, str]:
    """How `ExprPrinter.op` prints an operator ("simd", "load", "cast",
    "infix", "numeric" or "other", tested in that order), with the parts
    of its name before and after the first dot; asked once per operator."""
    prefix, _, name = op.partition(".")
    if op in SIMD:
        return "simd", prefix, name
    if is_load(op):
        return "load", prefix, name
    if op in _CASTS:
        return "cast", prefix, name
    if prefix in ("i32", "i64", "f32", "f64"):
        if name in _INFIX and not (prefix in ("i32", "i64") and name == "div"):
            return "infix", prefix, name
        return "numeric", prefix, name
    return "other", prefix, name
