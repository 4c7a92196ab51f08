"""The validation rules of GC's instructions (Wasm 3.0), for the validator.

`GcInstructions` is a part of `validate._FuncValidator`: its methods use
the operand stack (`pop`, `pop_vals`, `stack`), the labels and the module
context the same way the other instructions do.  Packed fields (i8, i16)
are read and written as i32; a field or element must be mutable to be
set; `ref.test`, `ref.cast` and the casting branches take a reference of
the same hierarchy as the type they test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from wastrel.ir.types import ABSTRACT_HEAPS, defaultable, difference, is_ref, ref_type, reference
from wastrel.ir.wasm import ArrayType, FieldType, Instr, StructType

if TYPE_CHECKING:
    from wastrel.frontend.validate import ValType, _Context


class GcInstructions:
    """struct.*, array.*, i31, casts, conversions, ref.eq (a base class of
    `validate._FuncValidator`, whose `ctx`, `stack`, `offset`, `fail`,
    `pop`, `pop_vals` and `label` they use)."""

    ctx: _Context
    stack: list[ValType]
    offset: int
    fail: Callable[[str], NoReturn]
    pop: Callable[..., ValType]
    pop_vals: Callable[[tuple[str, ...]], list[ValType]]
    label: Callable[[int], tuple[str, ...]]

    # -- the types named ---------------------------------------------------------

    def struct(self, index: int) -> StructType:
        definition = self.ctx.defined(index, self.offset)
        if not isinstance(definition, StructType):
            self.fail(f"type mismatch: type {index} is not a struct type")
        return definition

    def array(self, index: int) -> ArrayType:
        definition = self.ctx.defined(index, self.offset)
        if not isinstance(definition, ArrayType):
            self.fail(f"type mismatch: type {index} is not an array type")
        return definition

    def field(self, ins: Instr) -> FieldType:
        fields = self.struct(ins.args[0]).fields
        if ins.args[1] >= len(fields):
            self.fail(f"unknown field {ins.args[1]}")
        return fields[ins.args[1]]

    def check_read(self, ins: Instr, field: FieldType) -> None:
        """get_s and get_u read packed fields only, get the others."""
        packed = field.storage in ("i8", "i16")
        if packed != ins.op.endswith(("_s", "_u")):
            self.fail(f"type mismatch: {ins.op} of a field of {field.storage}")

    def mutable(self, field: FieldType, what: str) -> None:
        if not field.mutable:
            self.fail(f"immutable {what}")

    # -- structs ---------------------------------------------------------------------

    def struct_new(self, ins: Instr) -> None:
        fields = self.struct(ins.args[0]).fields
        if ins.op == "struct.new_default":
            if not all(defaultable(f.unpacked) for f in fields):
                self.fail("type mismatch: struct.new_default of a field without a default value")
        else:
            self.pop_vals(tuple(f.unpacked for f in fields))
        self.stack.append(reference(False, ins.args[0]))

    def struct_get(self, ins: Instr) -> None:
        field = self.field(ins)
        self.check_read(ins, field)
        self.pop(reference(True, ins.args[0]))
        self.stack.append(field.unpacked)

    def struct_set(self, ins: Instr) -> None:
        field = self.field(ins)
        self.mutable(field, "field")
        self.pop_vals((reference(True, ins.args[0]), field.unpacked))

    # -- arrays ------------------------------------------------------------------------

    def array_new(self, ins: Instr) -> None:
        element = self.array(ins.args[0]).element
        match ins.op:
            case "array.new":
                self.pop_vals((element.unpacked, "i32"))
            case "array.new_default":
                if not defaultable(element.unpacked):
                    self.fail("type mismatch: array.new_default of elements without a default value")
                self.pop("i32")
            case "array.new_fixed":
                self.pop_vals((element.unpacked,) * ins.args[1])
            case "array.new_data":
                self.data_elements(element, ins.args[1])
                self.pop_vals(("i32", "i32"))
            case "array.new_elem":
                self.elem_elements(element, ins.args[1])
                self.pop_vals(("i32", "i32"))
        self.stack.append(reference(False, ins.args[0]))

    def data_elements(self, element: FieldType, data: int) -> None:
        """Elements read from a data segment must be numbers or vectors."""
        if is_ref(element.storage):
            self.fail("type mismatch: array of references from a data segment")
        self.ctx.data(data, self.offset)

    def elem_elements(self, element: FieldType, elem: int) -> None:
        if not self.ctx.subtype(self.ctx.elem(elem, self.offset), element.storage):
            self.fail("type mismatch: element segment of another type than the array's elements")

    def array_get(self, ins: Instr) -> None:
        element = self.array(ins.args[0]).element
        self.check_read(ins, element)
        self.pop_vals((reference(True, ins.args[0]), "i32"))
        self.stack.append(element.unpacked)

    def array_set(self, ins: Instr) -> None:
        element = self.array(ins.args[0]).element
        self.mutable(element, "array")
        self.pop_vals((reference(True, ins.args[0]), "i32", element.unpacked))

    def array_len(self, ins: Instr) -> None:
        self.pop("arrayref")
        self.stack.append("i32")

    def array_fill(self, ins: Instr) -> None:
        element = self.array(ins.args[0]).element
        self.mutable(element, "array")
        self.pop_vals((reference(True, ins.args[0]), "i32", element.unpacked, "i32"))

    def array_copy(self, ins: Instr) -> None:
        dst, src = (self.array(index).element for index in ins.args)
        self.mutable(dst, "array")
        packed = ("i8", "i16")
        if (dst.storage in packed or src.storage in packed) and dst.storage != src.storage or not self.ctx.subtype(src.storage, dst.storage):
            self.fail("type mismatch: array.copy between arrays of unrelated elements")
        self.pop_vals((reference(True, ins.args[0]), "i32", reference(True, ins.args[1]), "i32", "i32"))

    def array_init(self, ins: Instr) -> None:
        element = self.array(ins.args[0]).element
        self.mutable(element, "array")
        if ins.op == "array.init_data":
            self.data_elements(element, ins.args[1])
        else:
            self.elem_elements(element, ins.args[1])
        self.pop_vals((reference(True, ins.args[0]), "i32", "i32", "i32"))

    # -- casts, i31, conversions ------------------------------------------------------

    def top(self, t: str) -> str:
        """The top reference type of `t`'s hierarchy (anyref, funcref, ...)."""
        ref = ref_type(t)
        assert ref is not None
        if isinstance(ref.heap, int):
            definition = self.ctx.defined(ref.heap, self.offset)
            return "anyref" if isinstance(definition, (StructType, ArrayType)) else "funcref"
        return ABSTRACT_HEAPS[ref.heap] + "ref"

    def ref_test(self, ins: Instr) -> None:
        self.ctx.check_type(ins.args[0], self.offset)
        self.pop(self.top(ins.args[0]))
        self.stack.append("i32")

    def ref_cast(self, ins: Instr) -> None:
        self.ctx.check_type(ins.args[0], self.offset)
        self.pop(self.top(ins.args[0]))
        self.stack.append(ins.args[0])

    def br_on_cast(self, ins: Instr) -> None:
        """Branch with the reference cast to `to` (br_on_cast) or with it as
        it was, when the cast fails (br_on_cast_fail); the other case stays."""
        depth, first, to = ins.args
        for t in (first, to):
            self.ctx.check_type(t, self.offset)
        if not self.ctx.subtype(to, first):
            self.fail(f"type mismatch: br_on_cast to {to}, not a subtype of {first}")
        labels = self.label(depth)
        if not labels or not is_ref(labels[-1]):
            self.fail(f"type mismatch: {ins.op} needs a label of a reference type")
        rest = difference(first, to)
        taken, stays = (to, rest) if ins.op == "br_on_cast" else (rest, to)
        if not self.ctx.subtype(taken, labels[-1]):
            self.fail(f"type mismatch: {ins.op} gives {taken} to a label of {labels[-1]}")
        self.pop(first)
        self.pop_vals(labels[:-1])
        self.stack.extend(labels[:-1])
        self.stack.append(stays)

    def convert(self, ins: Instr) -> None:
        """any.convert_extern, extern.convert_any: the same nullability."""
        source, target = ("externref", "any") if ins.op == "any.convert_extern" else ("anyref", "extern")
        t = self.pop(source)
        nullable = t is None or ref_type(t).nullable  # type: ignore[union-attr]
        self.stack.append(reference(nullable, target))

    def ref_i31(self, ins: Instr) -> None:
        self.pop("i32")
        self.stack.append("(ref i31)")

    def i31_get(self, ins: Instr) -> None:
        self.pop("i31ref")
        self.stack.append("i32")

    def ref_eq(self, ins: Instr) -> None:
        self.pop_vals(("eqref", "eqref"))
        self.stack.append("i32")


G = GcInstructions
GC_HANDLERS = {
    "struct.new": G.struct_new, "struct.new_default": G.struct_new,
    "struct.get": G.struct_get, "struct.get_s": G.struct_get, "struct.get_u": G.struct_get, "struct.set": G.struct_set,
    "array.new": G.array_new, "array.new_default": G.array_new, "array.new_fixed": G.array_new,
    "array.new_data": G.array_new, "array.new_elem": G.array_new,
    "array.get": G.array_get, "array.get_s": G.array_get, "array.get_u": G.array_get, "array.set": G.array_set,
    "array.len": G.array_len, "array.fill": G.array_fill, "array.copy": G.array_copy,
    "array.init_data": G.array_init, "array.init_elem": G.array_init,
    "ref.test": G.ref_test, "ref.cast": G.ref_cast, "br_on_cast": G.br_on_cast, "br_on_cast_fail": G.br_on_cast,
    "any.convert_extern": G.convert, "extern.convert_any": G.convert,
    "ref.i31": G.ref_i31, "i31.get_s": G.i31_get, "i31.get_u": G.i31_get, "ref.eq": G.ref_eq,
}  # fmt: skip
del G
