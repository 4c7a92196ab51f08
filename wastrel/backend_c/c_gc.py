"""C for GC's instructions (WasmGC) and the types they need.

A struct type is a C struct of its own, its fields after the header
(runtime/wastrel.h, `w_object`):

    (type $point (struct (field $x f64) (field $y f64)))
        =>  typedef struct w_struct_point { const w_rtt *rtt; double x; double y; } w_struct_point;

(names from the name section, else the type's index and `f<k>`), with
packed fields as `uint8_t`/`uint16_t` and every reference as a `void *`.  Arrays share the runtime's layout (`w_array`, elements from
W_ARRAY_DATA) and its functions for each element representation
(`w_array_get_i32`, `w_array_set_ref`, ...).  Every struct and array type
has a run-time type, `w_rtt_<index>`, with the display of its supertypes'
ids that makes a cast two comparisons.

The functions here take their operands as C text, so that c-print's
constant expressions (globals, element segments) use them too.  An
operation whose trap must come after its operands' effects evaluates them
first, in a statement expression, when `ordered` says they have any.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wastrel.backend_c.names import C_TYPE_OF
from wastrel.ir.types import ABSTRACT_HEAPS, is_ref, ref_type
from wastrel.ir.wasm import ArrayType, FieldType, StructType

if TYPE_CHECKING:
    from wastrel.backend_c.context import ModuleContext

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_PACKED = {"i8": "uint8_t", "i16": "uint16_t"}
_SIGNED = {"i8": "int8_t", "i16": "int16_t"}
#: The runtime's constant for each abstract heap type a cast may name.
_HEAP = {
    "any": "W_HEAP_ANY", "func": "W_HEAP_ANY", "extern": "W_HEAP_ANY", "exn": "W_HEAP_ANY",
    "eq": "W_HEAP_EQ", "i31": "W_HEAP_I31", "struct": "W_HEAP_STRUCT", "array": "W_HEAP_ARRAY",
    "none": "W_HEAP_NONE", "nofunc": "W_HEAP_NONE", "noextern": "W_HEAP_NONE", "noexn": "W_HEAP_NONE",
}  # fmt: skip


def storage_c_type(storage: str) -> str:
    """The C type a field or element is stored as."""
    if storage in _PACKED:
        return _PACKED[storage]
    return "void *" if is_ref(storage) else C_TYPE_OF[storage]


def suffix(storage: str) -> str:
    """The runtime's name for an element representation (w_array_get_<suffix>)."""
    return "ref" if is_ref(storage) else storage


def stored(storage: str, text: str) -> str:
    """A value as it is stored: references as `void *`."""
    if not is_ref(storage):
        return text
    primary = _IDENTIFIER.fullmatch(text) or text.startswith("({") and text.endswith("})")
    return f"(void *){text}" if primary else f"(void *)({text})"


def loaded(field: FieldType, op: str, text: str) -> str:
    """A packed field or element read as an i32, signed or not."""
    if field.storage not in _PACKED:
        return text
    if op.endswith("_s"):
        return f"(uint32_t)({_SIGNED[field.storage]}){text}"
    return f"(uint32_t){text}"


# -- the types ----------------------------------------------------------------------


def struct_typedef(ctx: ModuleContext, index: int) -> str:
    t = ctx.module.types[index]
    assert isinstance(t, StructType)
    name = ctx.struct_name(index)
    fields = "".join(f" {_declaration(storage_c_type(f.storage), ctx.field_name(index, k))};" for k, f in enumerate(t.fields))
    return f"typedef struct {name} {{ const w_rtt *rtt;{fields} }} {name};"


def rtt_definitions(ctx: ModuleContext, index: int) -> list[tuple[str, str, str]]:
    """The run-time type of struct or array type `index`: (C type,
    declarator, initialiser) of its display, its reference fields' offsets
    and the `w_rtt`."""
    t = ctx.module.types[index]
    rtt = ctx.rtt(index)
    chain = ctx.supertype_chain(index)
    out = [("const uint32_t", f"{rtt}_display[{len(chain)}]", "{" + ", ".join(map(str, chain)) + "}")]
    head = f"{ctx.type_id(index)}, {len(chain) - 1}, {rtt}_display"
    if isinstance(t, StructType):
        name = ctx.struct_name(index)
        refs = [f"offsetof({name}, {ctx.field_name(index, k)})" for k, f in enumerate(t.fields) if is_ref(f.storage)]
        if refs:
            out.append(("const uint32_t", f"{rtt}_refs[{len(refs)}]", "{" + ", ".join(refs) + "}"))
        out.append(("const w_rtt", rtt, f"{{{head}, W_RTT_STRUCT, 0, 0, sizeof({name}), {len(refs)}, {f'{rtt}_refs' if refs else 'NULL'}}}"))
    else:
        assert isinstance(t, ArrayType)
        storage = t.element.storage
        size = f"sizeof({storage_c_type(storage)})"
        out.append(("const w_rtt", rtt, f"{{{head}, W_RTT_ARRAY, {size}, {int(is_ref(storage))}, 0, 0, NULL}}"))
    return out


# -- the instructions ---------------------------------------------------------------


def gc_value(ctx: ModuleContext, op: str, imm: tuple, args: list[str]) -> str:
    """The C expression of a GC instruction that gives a value."""
    match op:
        case "struct.new":
            return struct_new(ctx, imm[0], args)
        case "struct.new_default":
            name = ctx.struct_name(imm[0])
            return f"w_gc_new(&{ctx.rtt(imm[0])}, sizeof({name}))"
        case "struct.get" | "struct.get_s" | "struct.get_u":
            field = _field(ctx, imm)
            return loaded(field, op, f"W_STRUCT({ctx.struct_name(imm[0])}, {args[0]})->{ctx.field_name(*imm)}")
        case "array.new":
            element = _element(ctx, imm[0])
            value, count = args
            return f"w_array_new_{suffix(element.storage)}(&{ctx.rtt(imm[0])}, {stored(element.storage, value)}, {count})"
        case "array.new_default":
            return f"(w_anyref)w_gc_alloc_array(&{ctx.rtt(imm[0])}, {args[0]})"
        case "array.new_fixed":
            if not args:
                return f"(w_anyref)w_gc_alloc_array(&{ctx.rtt(imm[0])}, 0)"
            element = _element(ctx, imm[0])
            values = ", ".join(stored(element.storage, a) for a in args)
            return f"w_array_new_fixed(&{ctx.rtt(imm[0])}, {len(args)}, ({storage_c_type(element.storage)}[]){{{values}}})"
        case "array.new_data":
            return f"w_array_new_data(&{ctx.rtt(imm[0])}, {ctx.data(imm[1])}, {ctx.data(imm[1])}_len, {args[0]}, {args[1]})"
        case "array.new_elem":
            return f"w_array_new_elem(&{ctx.rtt(imm[0])}, {ctx.elem(imm[1])}, {ctx.elem(imm[1])}_len, {args[0]}, {args[1]})"
        case "array.get" | "array.get_s" | "array.get_u":
            element = _element(ctx, imm[0])
            return loaded(element, op, f"w_array_get_{suffix(element.storage)}({args[0]}, {args[1]})")
        case "array.len":
            return f"w_array_len({args[0]})"
        case "ref.test" | "ref.cast":
            return cast(ctx, imm[0], args[0], "test" if op == "ref.test" else "cast")
        case "ref.i31" | "i31.get_s" | "i31.get_u":
            return f"w_{op.replace('.', '_')}({args[0]})"
        case "any.convert_extern" | "extern.convert_any":
            return args[0]
    raise TypeError(f"c-print: unexpected GC instruction {op}")


def gc_statement(ctx: ModuleContext, op: str, imm: tuple, args: list[str], ordered: bool = False) -> str:
    """The C statement of a GC instruction that gives nothing."""
    match op:
        case "struct.set":
            field = _field(ctx, imm)
            target = f"W_STRUCT({ctx.struct_name(imm[0])}, {{}})->{ctx.field_name(*imm)}"
            if ordered:  # the null check after the value's effects
                c_type = storage_c_type(field.storage)
                return f"({{ w_anyref w_r = {args[0]}; {_declaration(c_type, 'w_v')} = {stored(field.storage, args[1])}; {target.format('w_r')} = w_v; }})"
            return f"{target.format(args[0])} = {stored(field.storage, args[1])}"
        case "array.set" | "array.fill":
            element = _element(ctx, imm[0])
            values = [*args]
            values[2] = stored(element.storage, values[2])
            return f"w_{op.replace('.', '_')}_{suffix(element.storage)}({', '.join(values)})"
        case "array.copy":
            return f"w_array_copy({', '.join(args)})"
        case "array.init_data":
            return f"w_array_init_data({', '.join(args)}, {ctx.data(imm[1])}, {ctx.data(imm[1])}_len)"
        case "array.init_elem":
            return f"w_array_init_elem({', '.join(args)}, {ctx.elem(imm[1])}, {ctx.elem(imm[1])}_len)"
    raise TypeError(f"c-print: unexpected GC instruction {op}")


def struct_new(ctx: ModuleContext, index: int, args: list[str]) -> str:
    """The fields' values first (in order), then the allocation, then the stores."""
    t = ctx.module.types[index]
    assert isinstance(t, StructType)
    name = ctx.struct_name(index)
    alloc = f"w_gc_new(&{ctx.rtt(index)}, sizeof({name}))"
    if not args:
        return alloc
    temps = " ".join(f"{_declaration(storage_c_type(f.storage), f'w_f{k}')} = {stored(f.storage, a)};" for k, (f, a) in enumerate(zip(t.fields, args)))
    stores = " ".join(f"w_o->{ctx.field_name(index, k)} = w_f{k};" for k in range(len(args)))
    return f"({{ {temps} {name} *w_o = {alloc}; {stores} (w_anyref)w_o; }})"


def cast(ctx: ModuleContext, target: str, ref: str, what: str) -> str:
    """ref.test (`what` = test) or ref.cast of `ref` to the type `target`."""
    rt = ref_type(target)
    assert rt is not None
    nullable = int(rt.nullable)
    if isinstance(rt.heap, int):
        if ctx.kind(rt.heap) == "func":
            return f"w_{what}_func({ref}, {nullable}, {ctx.type_id(rt.heap)})"
        return f"w_{what}_defined({ref}, {nullable}, {len(ctx.supertype_chain(rt.heap)) - 1}, {ctx.type_id(rt.heap)})"
    assert rt.heap in ABSTRACT_HEAPS
    return f"w_{what}_abstract({ref}, {nullable}, {_HEAP[rt.heap]})"


def _declaration(c_type: str, name: str) -> str:
    return f"{c_type}{name}" if c_type.endswith("*") else f"{c_type} {name}"


def _field(ctx: ModuleContext, imm: tuple) -> FieldType:
    t = ctx.module.types[imm[0]]
    assert isinstance(t, StructType)
    return t.fields[imm[1]]


def _element(ctx: ModuleContext, index: int) -> FieldType:
    t = ctx.module.types[index]
    assert isinstance(t, ArrayType)
    return t.element
