"""Helpers shared by several passes (like Chez Scheme's np-help.ss).

* `LocalAllocator`: adds locals to a function as a pass goes.
* `local_get`, `local_set`: the two forms passes add most, with effects.
* `type_of(expr, ...)`: the Wasm type of a single-valued expression.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from wastrel.ir import nodes as n
from wastrel.ir.effects import Effect, local_bit
from wastrel.ir.gc import NAMES as GC_NAMES
from wastrel.ir.ops import numeric_result_type
from wastrel.ir.types import non_null, reference
from wastrel.ir.wasm import Module


def local_get(index: int) -> n.LocalGet:
    return n.LocalGet(index, effect=Effect(reads=local_bit(index)))


def local_set(index: int, value: n.Expr) -> n.LocalSet:
    """An assignment, with its effect."""
    return n.LocalSet(index, value, effect=value.effect | Effect(writes=local_bit(index)))  # type: ignore[operator]


class LocalAllocator:
    """Collects the locals a pass adds to one function."""

    def __init__(self, func: n.Function, prefix: str):
        self.func = func
        self.prefix = prefix
        self.types: list[str] = []
        self.names: list[str] = []
        taken = set(func.local_names)
        self.counter = 0
        self.taken = taken

    def new(self, type_: str) -> int:
        while True:
            self.counter += 1
            name = f"{self.prefix}{self.counter}"
            if name not in self.taken:
                break
        self.taken.add(name)
        self.types.append(type_)
        self.names.append(name)
        return len(self.func.local_types) + len(self.types) - 1

    def type_of(self, index: int) -> str:
        base = len(self.func.local_types)
        return self.func.local_types[index] if index < base else self.types[index - base]

    def finish(self, body: tuple[n.Stmt, ...]) -> n.Function:
        return replace(self.func.add_locals(self.types, self.names), body=body)


def type_of(expr: n.Expr, local_type: Callable[[int], str], module: Module) -> str:
    """The Wasm type of a single-valued expression."""
    match expr:
        case n.Const(type=t):
            return t
        case n.LocalGet(index=i) | n.LocalTee(index=i) | n.TempRef(id=i):
            return local_type(i)
        case n.GlobalGet(index=i):
            return module.global_types()[i].type
        case n.Call(func=f):
            return module.func_type(f).results[0]
        case n.CallIndirect(type_index=t) | n.CallRef(type_index=t):
            return module.types[t].results[0]
        case n.Op(op="select", args=args):
            return type_of(args[0], local_type, module)
        case n.Op(op="table.get", imm=imm):
            return module.table_types()[imm[0]].elem
        case n.Op(op="ref.func"):
            return "funcref"
        case n.Op(op="memory.size" | "memory.grow", imm=imm):
            return module.memory_types()[imm[0]].address_type
        case n.Op(op="table.size" | "table.grow", imm=imm):
            return module.table_types()[imm[0]].address_type
        case n.Op(op="ref.as_non_null" | "any.convert_extern" | "extern.convert_any"):
            return _reference_type(expr, local_type, module)
        case n.Op(op=op, imm=imm) if op in GC_NAMES:
            return _gc_type(op, imm, module)
        case n.Op(op=op) if op.startswith("ref."):
            return "i32"
        case n.Op(op=op):
            return numeric_result_type(op)
    raise TypeError(f"no type for {expr!r}")


def _reference_type(expr: n.Op, local_type: Callable[[int], str], module: Module) -> str:
    """ref.as_non_null: its operand's type, not null; a conversion: the other hierarchy's top."""
    if expr.op == "any.convert_extern":
        return "anyref"
    if expr.op == "extern.convert_any":
        return "externref"
    return non_null(type_of(expr.args[0], local_type, module))


def _gc_type(op: str, imm: tuple, module: Module) -> str:
    """The type of a GC instruction's value."""
    if op.startswith(("struct.new", "array.new")):
        return reference(False, imm[0])
    if op.startswith("struct.get"):
        return module.types[imm[0]].fields[imm[1]].unpacked  # type: ignore[union-attr]
    if op.startswith("array.get"):
        return module.types[imm[0]].element.unpacked  # type: ignore[union-attr]
    if op == "ref.cast":
        return imm[0]
    return "(ref i31)" if op == "ref.i31" else "i32"  # array.len, ref.test, ref.eq, i31.get_*
