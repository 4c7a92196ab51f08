"""Facts about Wasm operators, in one table the validator and the passes share.

`OPERATORS` maps each operator with a fixed signature (numeric operators,
conversions, constants, loads and stores, the memory instructions, the SIMD
instructions of `ir/simd.py`) to its
operand and result types and its own effect -- what applying it may read,
write or trap on, operands not counted.  The validator checks operand types
against it (frontend/validate.py), stack-to-tree takes arities and result
types from it, annotate-effects the effects.  Operators whose types depend
on an immediate (table.get, select, ref.*) are the validator's own
business; their effects are in `op_effect` too.

One operator is not Wasm's: `i64.mul_high_u`, the high 64 bits of the
unsigned 128-bit product of two i64s (pure), which recognize-helpers puts in
the body of a recognised `__multi3`.  It is in the table with `wasm=False`,
so that the validator never accepts it from a module."""

from __future__ import annotations

from dataclasses import dataclass

from wastrel.ir import effects as fx
from wastrel.ir.effects import GLOBAL, Effect
from wastrel.ir.simd import SIMD_OPS
from wastrel.ir.wasm import NUMTYPES


@dataclass(frozen=True, slots=True)
class Operator:
    params: tuple[str, ...]
    results: tuple[str, ...]
    effect: Effect
    wasm: bool = True  # False: wastrel's own (never read from a module)


# -- the operators, family by family --------------------------------------------

_INT_UNARY = "clz ctz popcnt extend8_s extend16_s"
_INT_BINARY = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr"
_INT_COMPARE = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"
_FLOAT_UNARY = "abs neg ceil floor trunc nearest sqrt"
_FLOAT_BINARY = "add sub mul div min max copysign"
_FLOAT_COMPARE = "eq ne lt gt le ge"

# A conversion `dst.op_src[_sx]` takes a `src` to a `dst`.
CONVERSIONS = """
    i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u
    i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u
    f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
    f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32
    i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64
    i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
    i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u
""".split()

# Loads and stores: the value type and the access size in bytes.
MEMORY_ACCESS = {
    "i32.load": ("i32", 4), "i64.load": ("i64", 8), "f32.load": ("f32", 4), "f64.load": ("f64", 8),
    "i32.load8_s": ("i32", 1), "i32.load8_u": ("i32", 1), "i32.load16_s": ("i32", 2), "i32.load16_u": ("i32", 2),
    "i64.load8_s": ("i64", 1), "i64.load8_u": ("i64", 1), "i64.load16_s": ("i64", 2), "i64.load16_u": ("i64", 2),
    "i64.load32_s": ("i64", 4), "i64.load32_u": ("i64", 4),
    "i32.store": ("i32", 4), "i64.store": ("i64", 8), "f32.store": ("f32", 4), "f64.store": ("f64", 8),
    "i32.store8": ("i32", 1), "i32.store16": ("i32", 2),
    "i64.store8": ("i64", 1), "i64.store16": ("i64", 2), "i64.store32": ("i64", 4),
}  # fmt: skip

_LOAD = Effect(reads=GLOBAL, traps=fx.TRAP_MEMORY)
_STORE = Effect(writes=GLOBAL, traps=fx.TRAP_MEMORY)
_BULK_MEMORY = Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_MEMORY)
_DIVIDE = Effect(traps=fx.TRAP_DIVIDE)
_SIGNED_DIVIDE = Effect(traps=fx.TRAP_DIVIDE | fx.TRAP_OVERFLOW)  # INT_MIN / -1 overflows
_TRUNCATE = Effect(traps=fx.TRAP_OVERFLOW | fx.TRAP_CONVERSION)


def _int_effect(name: str) -> Effect:
    if name == "div_s":
        return _SIGNED_DIVIDE
    return _DIVIDE if name in ("div_u", "rem_s", "rem_u") else fx.PURE


def _table() -> dict[str, Operator]:
    ops: dict[str, Operator] = {}

    def family(params: tuple[str, ...], results: tuple[str, ...], names: list[str], effect=lambda name: fx.PURE) -> None:
        for name in names:
            ops[name] = Operator(params, results, effect(name))

    for t in ("i32", "i64"):
        unary = _INT_UNARY + (" extend32_s" if t == "i64" else "")
        family((t,), (t,), [f"{t}.{op}" for op in unary.split()])
        family((t, t), (t,), [f"{t}.{op}" for op in _INT_BINARY.split()], lambda name: _int_effect(name.split(".")[1]))
        family((t,), ("i32",), [f"{t}.eqz"])
        family((t, t), ("i32",), [f"{t}.{op}" for op in _INT_COMPARE.split()])
    for t in ("f32", "f64"):
        family((t,), (t,), [f"{t}.{op}" for op in _FLOAT_UNARY.split()])
        family((t, t), (t,), [f"{t}.{op}" for op in _FLOAT_BINARY.split()])
        family((t, t), ("i32",), [f"{t}.{op}" for op in _FLOAT_COMPARE.split()])
    for t in NUMTYPES:
        family((), (t,), [f"{t}.const"])
    for name in CONVERSIONS:
        source = next(part for part in name.split("_")[1:] if part in NUMTYPES)
        traps = "trunc_f" in name  # trunc_sat saturates instead
        ops[name] = Operator((source,), (name[:3],), _TRUNCATE if traps else fx.PURE)
    for name, (t, _size) in MEMORY_ACCESS.items():
        ops[name] = Operator(("i32", t), (), _STORE) if ".store" in name else Operator(("i32",), (t,), _LOAD)
    ops["memory.size"] = Operator((), ("i32",), Effect(reads=GLOBAL))
    ops["memory.grow"] = Operator(("i32",), ("i32",), Effect(reads=GLOBAL, writes=GLOBAL))
    family(("i32", "i32", "i32"), (), ["memory.fill", "memory.copy", "memory.init"], lambda name: _BULK_MEMORY)
    for simd in SIMD_OPS:  # wastrel/ir/simd.py: memory instructions access memory 0
        effect = _STORE if not simd.results and simd.access_bytes else _LOAD if simd.access_bytes else fx.PURE
        ops[simd.name] = Operator(simd.params, simd.results, effect)
    ops["i64.mul_high_u"] = Operator(("i64", "i64"), ("i64",), fx.PURE, wasm=False)
    return ops


OPERATORS: dict[str, Operator] = _table()

# Effects of the operators whose types the validator works out from immediates.
_OTHER_EFFECTS: dict[str, Effect] = {
    "select": fx.PURE,
    "ref.null": fx.PURE,
    "ref.func": fx.PURE,
    "ref.is_null": fx.PURE,
    "ref.as_non_null": Effect(traps=fx.TRAP_NULL),
    # exceptions (passes/stack_to_tree.py): the runtime's pending exception is global state
    "exn.pending": Effect(reads=GLOBAL),
    "exn.is": Effect(reads=GLOBAL),
    "exn.value": Effect(reads=GLOBAL),
    "exn.ref": Effect(reads=GLOBAL),
    "exn.clear": Effect(writes=GLOBAL),
    "throw": Effect(reads=GLOBAL, writes=GLOBAL),
    "throw_ref": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_NULL),
    "data.drop": Effect(writes=GLOBAL),
    "table.get": Effect(reads=GLOBAL, traps=fx.TRAP_TABLE),
    "table.set": Effect(writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.size": Effect(reads=GLOBAL),
    "table.grow": Effect(reads=GLOBAL, writes=GLOBAL),
    "table.fill": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.copy": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.init": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "elem.drop": Effect(writes=GLOBAL),
    # GC (passes/stack_to_tree.py): objects are global state; a new one is
    # no one else's, and only its allocation may fail
    "struct.new": Effect(traps=fx.TRAP_ALLOC),
    "struct.new_default": Effect(traps=fx.TRAP_ALLOC),
    "struct.get": Effect(reads=GLOBAL, traps=fx.TRAP_NULL),
    "struct.get_s": Effect(reads=GLOBAL, traps=fx.TRAP_NULL),
    "struct.get_u": Effect(reads=GLOBAL, traps=fx.TRAP_NULL),
    "struct.set": Effect(writes=GLOBAL, traps=fx.TRAP_NULL),
    "array.new": Effect(traps=fx.TRAP_ALLOC),
    "array.new_default": Effect(traps=fx.TRAP_ALLOC),
    "array.new_fixed": Effect(traps=fx.TRAP_ALLOC),
    "array.new_data": Effect(reads=GLOBAL, traps=fx.TRAP_ALLOC | fx.TRAP_MEMORY),
    "array.new_elem": Effect(reads=GLOBAL, traps=fx.TRAP_ALLOC | fx.TRAP_TABLE),
    "array.get": Effect(reads=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.get_s": Effect(reads=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.get_u": Effect(reads=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.set": Effect(writes=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.len": Effect(traps=fx.TRAP_NULL),
    "array.fill": Effect(writes=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.copy": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY),
    "array.init_data": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY | fx.TRAP_MEMORY),
    "array.init_elem": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_NULL | fx.TRAP_ARRAY | fx.TRAP_TABLE),
    "ref.test": fx.PURE,
    "ref.cast": Effect(traps=fx.TRAP_CAST),
    "ref.eq": fx.PURE,
    "ref.i31": fx.PURE,
    "i31.get_s": Effect(traps=fx.TRAP_NULL),
    "i31.get_u": Effect(traps=fx.TRAP_NULL),
    "any.convert_extern": fx.PURE,
    "extern.convert_any": fx.PURE,
}

CALL_EFFECT = Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_ANY)

# Generic instructions whose operands are all popped and which push nothing.
PERFORM_ARITY = {
    "memory.fill": 3,
    "memory.copy": 3,
    "memory.init": 3,
    "data.drop": 0,
    "table.set": 2,
    "table.fill": 3,
    "table.copy": 3,
    "table.init": 3,
    "elem.drop": 0,
    "struct.set": 2,
    "array.set": 3,
    "array.fill": 4,
    "array.copy": 5,
    "array.init_data": 4,
    "array.init_elem": 4,
}


# -- questions the passes ask -------------------------------------------------------


def op_effect(op: str) -> Effect:
    """The effect of applying `op` itself, not counting its operands."""
    info = OPERATORS.get(op)
    return info.effect if info is not None else _OTHER_EFFECTS[op]


def numeric_result_type(op: str) -> str:
    """The result type of a numeric operator or load (`i64.eqz` -> i32)."""
    return OPERATORS[op].results[0]


def numeric_arity(op: str) -> int:
    return len(OPERATORS[op].params)


def is_comparison(op: str) -> bool:
    info = OPERATORS.get(op)
    return info is not None and info.results == ("i32",) and op.partition(".")[2] in _COMPARISONS


_COMPARISONS = frozenset(["eqz", *_INT_COMPARE.split(), *_FLOAT_COMPARE.split()])


def is_load(op: str) -> bool:
    return ".load" in op


def is_store(op: str) -> bool:
    return ".store" in op
