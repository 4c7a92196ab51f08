"""Facts about Wasm operators that several passes need: result types, arity
of the generic `Op`/`Perform` forms, and each operator's own effect.

One operator is not Wasm's: `i64.mul_high_u`, the high 64 bits of the
unsigned 128-bit product of two i64s (pure), which recognize-helpers puts in
the body of a recognised `__multi3`."""

from __future__ import annotations

from wastrel.ir import effects as fx
from wastrel.ir.effects import GLOBAL, Effect

_TEST_SUFFIXES = {"eqz", "eq", "ne", "lt", "lt_s", "lt_u", "gt", "gt_s", "gt_u", "le", "le_s", "le_u", "ge", "ge_s", "ge_u"}


def is_comparison(op: str) -> bool:
    return op.partition(".")[2] in _TEST_SUFFIXES


def numeric_result_type(op: str) -> str:
    """The result type of a numeric operator or load (`i64.eqz` -> i32)."""
    if is_comparison(op):
        return "i32"
    return op.split(".", 1)[0]


def is_load(op: str) -> bool:
    return ".load" in op


def is_store(op: str) -> bool:
    return ".store" in op


# Operators that may trap, and how.
_DIVISION = {"div_s", "div_u", "rem_s", "rem_u"}


def op_effect(op: str) -> Effect:
    """The effect of applying `op` itself, not counting its operands."""
    prefix, _, name = op.partition(".")
    if prefix in ("i32", "i64", "f32", "f64"):
        if is_load(op):
            return Effect(reads=GLOBAL, traps=fx.TRAP_MEMORY)
        if is_store(op):
            return Effect(writes=GLOBAL, traps=fx.TRAP_MEMORY)
        if prefix in ("i32", "i64") and name in _DIVISION:
            traps = fx.TRAP_DIVIDE | (fx.TRAP_OVERFLOW if name == "div_s" else 0)
            return Effect(traps=traps)
        if name.startswith("trunc_f"):
            return Effect(traps=fx.TRAP_OVERFLOW | fx.TRAP_CONVERSION)
        return fx.PURE
    return _OTHER_EFFECTS[op]


_OTHER_EFFECTS: dict[str, Effect] = {
    "select": fx.PURE,
    "ref.null": fx.PURE,
    "ref.func": fx.PURE,
    "ref.is_null": fx.PURE,
    "memory.size": Effect(reads=GLOBAL),
    "memory.grow": Effect(reads=GLOBAL, writes=GLOBAL),
    "memory.fill": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_MEMORY),
    "memory.copy": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_MEMORY),
    "memory.init": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_MEMORY),
    "data.drop": Effect(writes=GLOBAL),
    "table.get": Effect(reads=GLOBAL, traps=fx.TRAP_TABLE),
    "table.set": Effect(writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.size": Effect(reads=GLOBAL),
    "table.grow": Effect(reads=GLOBAL, writes=GLOBAL),
    "table.fill": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.copy": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "table.init": Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_TABLE),
    "elem.drop": Effect(writes=GLOBAL),
}

CALL_EFFECT = Effect(reads=GLOBAL, writes=GLOBAL, traps=fx.TRAP_ANY)
CALL_INDIRECT_EFFECT = CALL_EFFECT

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
}

_BINARY = {
    "add", "sub", "mul", "div", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor",
    "shl", "shr_s", "shr_u", "rotl", "rotr", "min", "max", "copysign", "mul_high_u",
}  # fmt: skip


def numeric_arity(op: str) -> int:
    name = op.split(".", 1)[1]
    if name in _BINARY or (is_comparison(op) and name != "eqz"):
        return 2
    return 1
