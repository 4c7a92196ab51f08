"""Types of the text format: items -> L-wasm types.

Takes a `Cursor` placed on a type (or the list of one) and gives the L-wasm
value type string, `FuncType`, `Limits`, `TableType`, `MemoryType` or
`GlobalType` it stands for; a type use (`(type x)? (param ...)* (result
...)*`) is given as a `TypeUse`, still unresolved, since resolving it needs
the module (see `elaborate`).

A table or memory type starts with its address type, `i32` (the default)
or `i64` (memory64); its limits are u64s whatever the address type (an i32
type's range is the validator's to check), as in Wasm 3.0.

A reference type may name a type index (`(ref $t)`): the module's type
`Space` resolves it, and every type reader takes that space.

Types of later proposals (GC, shared memories, custom page sizes) raise
`WasmError` of kind "unsupported"; anything else that is not a type is "malformed".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lark import Token

from wastrel.frontend.errors import WasmError
from wastrel.frontend.text.cursor import Cursor, unexpected
from wastrel.frontend.text.sexpr import Item, SList, fail
from wastrel.ir.types import SHORTHANDS, Heap, is_ref, reference
from wastrel.ir.wasm import (
    FINAL,
    VALTYPES,
    ArrayType,
    CompositeType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    StructType,
    SubType,
    TableType,
)

if TYPE_CHECKING:
    from wastrel.frontend.text.context import Space

HEAPTYPES = ("func", "extern", "exn", "nofunc", "noextern", "noexn", "any", "eq", "i31", "struct", "array", "none")
PACKED = ("i8", "i16")


def _unsupported(feature: str, where: Item) -> WasmError:
    return fail(f"unsupported feature: {feature}", where, kind="unsupported")


def valtype(item: Item, types: Space | None) -> str:
    """A value type: a keyword, or `(ref null? heaptype)`; `types` resolves
    the names of type indices (None: there are none, as in a script)."""
    if isinstance(item, Token) and item.type == "KEYWORD":
        if item in VALTYPES or item in SHORTHANDS:
            return str(item)
    elif isinstance(item, SList) and item.head() == "ref":
        inner = Cursor(item, 1)
        nullable = inner.take_keyword("null") is not None
        heap = heaptype(inner.next("a heap type"), types)
        inner.end()
        return reference(nullable, heap)
    raise unexpected(item, "a value type")


def heaptype(item: Item, types: Space | None) -> Heap:
    """A heap type: an abstract one's name, or a type index."""
    if isinstance(item, Token) and item.type == "KEYWORD":
        if item in HEAPTYPES:
            return str(item)
    if isinstance(item, Token) and item.type in ("ID", "NUM"):
        if types is None:
            raise fail(f"unknown type {item}", item)
        return types.resolve(item)
    raise unexpected(item, "a heap type")


def reftype(item: Item, types: Space | None) -> str:
    t = valtype(item, types)
    if not is_ref(t):
        raise unexpected(item, "a reference type")
    return t


def valtypes(cur: Cursor, types: Space | None) -> list[str]:
    """Value types up to the end of the list."""
    out = []
    while not cur.done():
        out.append(valtype(cur.next("a value type"), types))
    return out


def declarations(lst: SList, types: Space) -> list[tuple[Token | None, str]]:
    """`(param $x t)` or `(param t*)` (or the same with `local`): the
    (identifier, type) pairs they declare."""
    cur = Cursor(lst, 1)
    name = cur.take_id()
    if name is not None:
        pair = [(name, valtype(cur.next("a value type"), types))]
        cur.end()
        return pair
    return [(None, t) for t in valtypes(cur, types)]


@dataclass
class TypeUse:
    """`(type x)? (param ...)* (result ...)*` as written; `inline` says whether
    any `param` or `result` list was given."""

    ref: Token | None
    params: list[tuple[Token | None, str]]
    results: list[str]
    inline: bool
    where: Item

    def signature(self) -> FuncType:
        return FuncType(tuple(t for _, t in self.params), tuple(self.results))


def typeuse(cur: Cursor, where: Item, types: Space, *, named_params: bool = True) -> TypeUse:
    """A type use; `named_params` says whether its parameters may have
    identifiers (those of functions may, those of blocks and call_indirect
    not)."""
    ref = None
    type_list = cur.take_list("type")
    if type_list is not None:
        inner = Cursor(type_list, 1)
        ref = inner.index("a type index")
        inner.end()
    pairs: list[tuple[Token | None, str]] = []
    results: list[str] = []
    inline = False
    while (lst := cur.take_list("param")) is not None:
        declared = declarations(lst, types)
        if not named_params and declared and declared[0][0] is not None:
            raise fail("unexpected token: a parameter here cannot have an identifier", declared[0][0])
        pairs += declared
        inline = True
    while (lst := cur.take_list("result")) is not None:
        results += valtypes(Cursor(lst, 1), types)
        inline = True
    return TypeUse(ref, pairs, results, inline, where)


def subtype(lst: SList, types: Space, field_names: list[Token | None]) -> tuple[CompositeType, SubType]:
    """A type definition: `(sub final? x* comptype)`, or a composite type
    (final, without supertypes); a struct's field identifiers are appended
    to `field_names`."""
    if lst.head() != "sub":
        return composite_type(lst, types, field_names), FINAL
    cur = Cursor(lst, 1)
    final = cur.take_keyword("final") is not None
    supertypes = []
    while (ref := cur.take_index()) is not None:
        supertypes.append(types.resolve(ref))
    definition = composite_type(cur.list("(func ...), (struct ...) or (array ...)"), types, field_names)
    cur.end()
    return definition, SubType(final, tuple(supertypes))


def composite_type(lst: SList, types: Space, field_names: list[Token | None]) -> CompositeType:
    """`(func (param ...)* (result ...)*)`, `(struct (field ...)*)` or `(array fieldtype)`."""
    head = lst.head()
    cur = Cursor(lst, 1)
    if head == "func":
        use = typeuse(cur, lst, types)
        if use.ref is not None:
            raise unexpected(use.where, "(param ...) or (result ...)")
        cur.end()
        return use.signature()
    if head == "struct":
        fields: list[FieldType] = []
        while (field := cur.take_list("field")) is not None:
            inner = Cursor(field, 1)
            if (name := inner.take_id()) is not None:  # one named field
                fields.append(field_type(inner.next("a field type"), types))
                field_names.append(name)
                inner.end()
            else:
                while not inner.done():
                    fields.append(field_type(inner.next("a field type"), types))
                    field_names.append(None)
        cur.end()
        return StructType(tuple(fields))
    if head == "array":
        element = field_type(cur.next("a field type"), types)
        cur.end()
        return ArrayType(element)
    raise unexpected(lst, "(func ...), (struct ...) or (array ...)")


def field_type(item: Item, types: Space) -> FieldType:
    """`storagetype` or `(mut storagetype)`; a storage type is a value type or i8, i16."""
    if isinstance(item, SList) and item.head() == "mut":
        inner = Cursor(item, 1)
        field = field_type(inner.next("a storage type"), types)
        inner.end()
        return FieldType(field.storage, True)
    if isinstance(item, Token) and item in PACKED:
        return FieldType(str(item))
    return FieldType(valtype(item, types))


def limits(cur: Cursor) -> Limits:
    minimum = cur.unsigned(64, "a minimum size")
    return Limits(minimum, cur.take_unsigned(64))


def address_type(cur: Cursor) -> str:
    """An optional address type: `i32` (the default) or `i64`."""
    word = cur.take_keyword("i32", "i64")
    return "i32" if word is None else str(word)


def tabletype(cur: Cursor, types: Space, at: str | None = None) -> TableType:
    """A table type; `at` is its address type if the caller read it."""
    at = at or address_type(cur)
    lim = limits(cur)
    return TableType(reftype(cur.next("a reference type"), types), lim, at)


def memtype(cur: Cursor, at: str | None = None) -> MemoryType:
    """A memory type; `at` is its address type if the caller read it."""
    at = at or address_type(cur)
    lim = limits(cur)
    if (word := cur.take_keyword("shared")) is not None:
        raise _unsupported("threads (shared memory)", word)
    if (lst := cur.take_list("pagesize")) is not None:
        raise _unsupported("custom page sizes", lst)
    return MemoryType(lim, at)


def globaltype(cur: Cursor, types: Space) -> GlobalType:
    item = cur.next("a global type")
    if isinstance(item, SList) and item.head() == "mut":
        inner = Cursor(item, 1)
        t = valtype(inner.next("a value type"), types)
        inner.end()
        return GlobalType(t, True)
    return GlobalType(valtype(item, types), False)
