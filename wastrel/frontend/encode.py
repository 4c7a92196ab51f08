"""Binary encoder: an L-wasm `Module` -> the bytes of a `.wasm` file.

Takes a `Module` (from the decoder or the text reader) and gives a binary
that decodes back to the same module, offsets aside: `decode_module(
encode_module(m))` equals `m` up to `without_offsets`.  Sections come in the
binary format's order, empty ones left out; the data count section is
written when `Module.data_count` is set; the `name` section holds the names
`Module.names` keeps; the other custom sections follow, in their order.

Instructions are encoded from the decoder's own opcode tables, each
immediate by the writer that mirrors the decoder's reader for it, so the two
cannot drift apart.  A block type is written as the first type index with
its signature when it needs one; a memarg's memory index only when it is
not 0 (as wasm-tools writes it).  `instruction_offsets` gives where each
instruction of a function body lands, which the branch hint section needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from wastrel.frontend.decode import (
    CATCH_KINDS,
    FB_OPCODES,
    FC_OPCODES,
    FD_OPCODES,
    HEAP_CODES,
    MAGIC,
    PACKED_CODES,
    OPCODES,
    REF,
    REF_NULL,
    VALTYPE_CODES,
    VERSION,
    _Reader,
)
from wastrel.ir.types import FUNC_INDEX_ELEMS, Heap, ref_type
from wastrel.ir.wasm import (
    FINAL,
    CompositeType,
    Data,
    FieldType,
    StructType,
    Elem,
    Export,
    Func,
    FuncType,
    Global,
    GlobalType,
    Import,
    Instr,
    Limits,
    MemoryType,
    Module,
    Names,
    Table,
    TableType,
    Tag,
)

_TYPE_BYTES = {t: bytes([code]) for code, t in VALTYPE_CODES.items()}
_HEAP_BYTES = {heap: bytes([code]) for code, heap in HEAP_CODES.items()}
_PACKED_BYTES = {packed: bytes([code]) for code, packed in PACKED_CODES.items()}


def valtype(t: str) -> bytes:
    """A value type: its one-byte code, or `(ref null? ht)` in full."""
    code = _TYPE_BYTES.get(t)
    if code is not None:
        return code
    ref = ref_type(t)
    assert ref is not None, t
    return bytes([REF_NULL if ref.nullable else REF]) + heaptype(ref.heap)


def heaptype(heap: Heap) -> bytes:
    return sleb(heap) if isinstance(heap, int) else _HEAP_BYTES[heap]
EXTERN_KIND_BYTES = {"func": b"\x00", "table": b"\x01", "memory": b"\x02", "global": b"\x03", "tag": b"\x04"}


# -- primitive values ---------------------------------------------------------------


def u32(value: int) -> bytes:
    """Unsigned LEB128."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(value: int) -> bytes:
    """Signed LEB128."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def name(text: str) -> bytes:
    data = text.encode("utf-8")
    return u32(len(data)) + data


def vec(items: list[bytes] | tuple[bytes, ...]) -> bytes:
    return u32(len(items)) + b"".join(items)


def valtypes(types: tuple[str, ...]) -> bytes:
    return vec([valtype(t) for t in types])


def limits(lim: Limits, address_type: str = "i32") -> bytes:
    """Flags (bit 0: a maximum follows; bit 2: an i64 address type), then
    the minimum and the maximum."""
    flags = (4 if address_type == "i64" else 0) | (0 if lim.max is None else 1)
    return bytes([flags]) + u32(lim.min) + (b"" if lim.max is None else u32(lim.max))


def tabletype(t: TableType) -> bytes:
    return valtype(t.elem) + limits(t.limits, t.address_type)


def memtype(t: MemoryType) -> bytes:
    return limits(t.limits, t.address_type)


def globaltype(t: GlobalType) -> bytes:
    return valtype(t.type) + (b"\x01" if t.mutable else b"\x00")


# -- instructions ---------------------------------------------------------------------

Writer = Callable[["_Code", tuple], bytes]


def _u32s(code: _Code, args: tuple) -> bytes:
    return b"".join(u32(a) for a in args)


def _memarg(code: _Code, args: tuple) -> bytes:
    """(align, offset, memidx): the memory index after the alignment (with
    flag 64) unless it is 0."""
    align, offset, memidx = args[:3]
    if memidx:
        return u32(align | 0x40) + u32(memidx) + u32(offset)
    return u32(align) + u32(offset)


def _blocktype(code: _Code, args: tuple) -> bytes:
    functype: FuncType = args[0]
    if not functype.params and not functype.results:
        return b"\x40"
    if not functype.params and len(functype.results) == 1:
        return valtype(functype.results[0])
    return sleb(code.type_index(functype))


def _try_table(code: _Code, args: tuple) -> bytes:
    catches = [bytes([CATCH_KINDS.index(c.kind)]) + (u32(c.tag) if c.tag is not None else b"") + u32(c.depth) for c in args[1]]
    return _blocktype(code, args[:1]) + vec(catches)


def _cast_branch(code: _Code, args: tuple) -> bytes:
    depth, first, second = args
    flags = int(ref_type(first).nullable) | int(ref_type(second).nullable) << 1  # type: ignore[union-attr]
    return bytes([flags]) + u32(depth) + _heaptype(code, (first,)) + _heaptype(code, (second,))


def _br_table(code: _Code, args: tuple) -> bytes:
    return vec([u32(d) for d in args[0]]) + u32(args[1])


def _signed(code: _Code, args: tuple) -> bytes:
    return sleb(args[0])


def _f32(code: _Code, args: tuple) -> bytes:
    return args[0].to_bytes(4, "little")


def _f64(code: _Code, args: tuple) -> bytes:
    return args[0].to_bytes(8, "little")


def _lane(code: _Code, args: tuple) -> bytes:
    return bytes(args)


def _memarg_lane(code: _Code, args: tuple) -> bytes:
    return _memarg(code, args) + bytes([args[3]])


def _v128(code: _Code, args: tuple) -> bytes:
    return args[0].to_bytes(16, "little")


def _shuffle(code: _Code, args: tuple) -> bytes:
    return bytes(args[0])


def _select_types(code: _Code, args: tuple) -> bytes:
    return valtypes(args[0])


def _heaptype(code: _Code, args: tuple) -> bytes:
    ref = ref_type(args[0])
    assert ref is not None
    return heaptype(ref.heap)


# The writer for each of the decoder's immediate readers.
WRITERS: dict[Any, Writer] = {
    _Reader.index: _u32s,
    _Reader.two_indices: _u32s,
    _Reader.memarg: _memarg,
    _Reader.data_drop: _u32s,
    _Reader.memory_init: _u32s,
    _Reader.blocktype: _blocktype,
    _Reader.br_table: _br_table,
    _Reader.try_table: _try_table,
    _Reader.type_data: _u32s,
    _Reader.non_null_type: _heaptype,
    _Reader.nullable_type: _heaptype,
    _Reader.cast_branch: _cast_branch,
    _Reader.i32_const: _signed,
    _Reader.i64_const: _signed,
    _Reader.f32_const: _f32,
    _Reader.f64_const: _f64,
    _Reader.select_types: _select_types,
    _Reader.ref_null: _heaptype,
    _Reader.lane: _lane,
    _Reader.memarg_lane: _memarg_lane,
    _Reader.v128_const: _v128,
    _Reader.shuffle: _shuffle,
}


def _encodings() -> dict[str, tuple[bytes, Writer | None]]:
    """Opcode bytes and immediate writer of every instruction name."""
    table: dict[str, tuple[bytes, Writer | None]] = {}
    for code, (op, reader) in OPCODES.items():
        if op == "select" and reader is not None:
            continue  # typed select: see _Code.instr
        table[op] = (bytes([code]), WRITERS[reader] if reader else None)
    for prefix, prefixed in ((b"\xfb", FB_OPCODES), (b"\xfc", FC_OPCODES), (b"\xfd", FD_OPCODES)):
        for sub, (op, reader) in prefixed.items():
            if reader is not _Reader.nullable_type:  # ref.test, ref.cast: see _Code.instr
                table[op] = (prefix + u32(sub), WRITERS[reader] if reader else None)
    return table


ENCODINGS = _encodings()
TYPED_SELECT = (b"\x1c", _select_types)
# ref.test and ref.cast of a nullable type have opcodes of their own.
NULLABLE_CASTS = {op: (b"\xfb" + u32(sub), _heaptype) for sub, (op, reader) in FB_OPCODES.items() if reader is _Reader.nullable_type}


class _Code:
    """Encodes instructions of one module (block types need its types)."""

    def __init__(self, module: Module) -> None:
        self.types = module.types
        self._first: dict[FuncType, int] = {}
        for index, functype in enumerate(module.types):
            self._first.setdefault(functype, index)

    def type_index(self, functype: FuncType) -> int:
        index = self._first.get(functype)
        if index is None:
            raise ValueError(f"block type {functype} is not in the module's type section")
        return index

    def instr(self, instr: Instr) -> bytes:
        if instr.op in ("ref.test", "ref.cast") and ref_type(instr.args[0]).nullable:  # type: ignore[union-attr]
            opcode, writer = NULLABLE_CASTS[instr.op]
        else:
            opcode, writer = TYPED_SELECT if instr.op == "select" and instr.args else ENCODINGS[instr.op]
        return opcode + writer(self, instr.args) if writer else opcode

    def expr(self, instrs: tuple[Instr, ...]) -> bytes:
        """A constant expression and its `end`."""
        return b"".join(self.instr(i) for i in instrs) + b"\x0b"

    def locals(self, types: tuple[str, ...]) -> bytes:
        runs: list[list] = []
        for t in types:
            if runs and runs[-1][1] == t:
                runs[-1][0] += 1
            else:
                runs.append([1, t])
        return vec([u32(n) + valtype(t) for n, t in runs])

    def body(self, func: Func) -> bytes:
        return self.locals(func.locals) + b"".join(self.instr(i) for i in func.body)


def instruction_offsets(module: Module, func: Func) -> list[int]:
    """The offset of each instruction of `func` from the start of its body
    (its locals declaration), as the binary would have it."""
    code = _Code(module)
    offsets = []
    at = len(code.locals(func.locals))
    for instr in func.body:
        offsets.append(at)
        at += len(code.instr(instr))
    return offsets


# -- sections -------------------------------------------------------------------------


def _functype(t: FuncType) -> bytes:
    return b"\x60" + valtypes(t.params) + valtypes(t.results)


def _rec_group(module: Module, group: range) -> bytes:
    """A type, or `rec` and a group's types (unless it is one type alone)."""
    if len(group) == 1:
        return _sub_type(module, group.start)
    return b"\x4e" + vec([_sub_type(module, i) for i in group])


def _sub_type(module: Module, index: int) -> bytes:
    sub = module.subtype(index)
    composite = _composite_type(module.types[index])
    if sub == FINAL:
        return composite
    return (b"\x4f" if sub.final else b"\x50") + vec([u32(t) for t in sub.supertypes]) + composite


def _composite_type(t: CompositeType) -> bytes:
    if isinstance(t, FuncType):
        return _functype(t)
    if isinstance(t, StructType):
        return b"\x5f" + vec([_field_type(f) for f in t.fields])
    return b"\x5e" + _field_type(t.element)


def _field_type(f: FieldType) -> bytes:
    storage = _PACKED_BYTES[f.storage] if f.storage in _PACKED_BYTES else valtype(f.storage)
    return storage + (b"\x01" if f.mutable else b"\x00")


def _import(code: _Code, i: Import) -> bytes:
    desc = i.desc
    if isinstance(desc, TableType):
        encoded = tabletype(desc)
    elif isinstance(desc, MemoryType):
        encoded = memtype(desc)
    elif isinstance(desc, GlobalType):
        encoded = globaltype(desc)
    elif i.kind == "tag":
        encoded = b"\x00" + u32(desc)  # attribute 0: an exception
    else:
        encoded = u32(desc)
    return name(i.module) + name(i.name) + EXTERN_KIND_BYTES[i.kind] + encoded


def _global(code: _Code, g: Global) -> bytes:
    return globaltype(g.type) + code.expr(g.init)


def _export(code: _Code, e: Export) -> bytes:
    return name(e.name) + EXTERN_KIND_BYTES[e.kind] + u32(e.index)


def _elem(code: _Code, e: Elem) -> bytes:
    """The element segment, with function indices where it can."""
    indices = e.type == FUNC_INDEX_ELEMS and all(len(x) == 1 and x[0].op == "ref.func" for x in e.init)
    if indices:
        items = vec([u32(x[0].args[0]) for x in e.init])
    else:
        items = vec([code.expr(x) for x in e.init])
    if e.mode == "active":
        assert e.offset_expr is not None
        offset = code.expr(e.offset_expr)
        if e.table == 0 and (indices or e.type == "funcref"):
            return (b"\x00" if indices else b"\x04") + offset + items
        kind = b"\x00" if indices else valtype(e.type)
        return (b"\x02" if indices else b"\x06") + u32(e.table) + offset + kind + items
    flags = 1 if e.mode == "passive" else 3
    if indices:
        return bytes([flags]) + b"\x00" + items
    return bytes([flags | 4]) + valtype(e.type) + items


def _table(code: _Code, t: Table) -> bytes:
    if t.init is None:
        return tabletype(t.type)
    return b"\x40\x00" + tabletype(t.type) + code.expr(t.init)


def _data(code: _Code, d: Data) -> bytes:
    init = u32(len(d.init)) + d.init
    if d.mode == "passive":
        return b"\x01" + init
    assert d.offset_expr is not None
    if d.memory == 0:
        return b"\x00" + code.expr(d.offset_expr) + init
    return b"\x02" + u32(d.memory) + code.expr(d.offset_expr) + init


def _name_map(names: dict[int, str]) -> bytes:
    return vec([u32(i) + name(n) for i, n in sorted(names.items())])


def _names(names: Names) -> bytes:
    out = bytearray()
    subsections = [
        (0, name(names.module) if names.module is not None else None),
        (1, _name_map(names.funcs) if names.funcs else None),
        (2, vec([u32(f) + _name_map(m) for f, m in sorted(names.locals.items())]) if names.locals else None),
        (4, _name_map(names.types) if names.types else None),
        (7, _name_map(names.globals) if names.globals else None),
        (10, vec([u32(t) + _name_map(m) for t, m in sorted(names.fields.items())]) if names.fields else None),
    ]
    for sub_id, payload in subsections:
        if payload is not None:
            out += bytes([sub_id]) + u32(len(payload)) + payload
    return bytes(out)


def _section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + u32(len(payload)) + payload


def _custom(section_name: str, payload: bytes) -> bytes:
    return _section(0, name(section_name) + payload)


def encode_module(module: Module) -> bytes:
    """The binary of `module`."""
    code = _Code(module)
    out = bytearray(MAGIC + VERSION)

    def section(sid: int, items: list[bytes]) -> None:
        if items:
            out.extend(_section(sid, vec(items)))

    section(1, [_rec_group(module, group) for group in module.rec_group_ranges()])
    section(2, [_import(code, i) for i in module.imports])
    section(3, [u32(f.type_index) for f in module.funcs])
    section(4, [_table(code, t) for t in module.tables])
    section(5, [memtype(m) for m in module.memories])
    section(13, [b"\x00" + u32(t.type_index) for t in module.tags])
    section(6, [_global(code, g) for g in module.globals])
    section(7, [_export(code, e) for e in module.exports])
    if module.start is not None:
        out += _section(8, u32(module.start))
    section(9, [_elem(code, e) for e in module.elems])
    if module.data_count is not None:
        out += _section(12, u32(module.data_count))
    bodies = [code.body(f) for f in module.funcs]
    section(10, [u32(len(b)) + b for b in bodies])
    section(11, [_data(code, d) for d in module.datas])
    if module.names != Names():
        out += _custom("name", _names(module.names))
    for section_name, payload in module.customs:
        out += _custom(section_name, payload)
    return bytes(out)


# -- comparing modules ----------------------------------------------------------------


def _no_offsets(instrs: tuple[Instr, ...]) -> tuple[Instr, ...]:
    return tuple(Instr(i.op, i.args) for i in instrs)


def without_offsets(module: Module) -> Module:
    """`module` with every offset set to 0, so that modules read from
    different sources (binary, text, encoder round trips) compare equal."""

    def offset_expr(expr: tuple[Instr, ...] | None) -> tuple[Instr, ...] | None:
        return None if expr is None else _no_offsets(expr)

    return dataclasses.replace(
        module,
        imports=tuple(dataclasses.replace(i, offset=0) for i in module.imports),
        funcs=tuple(Func(f.type_index, f.locals, _no_offsets(f.body)) for f in module.funcs),
        tables=tuple(Table(t.type, offset_expr(t.init)) for t in module.tables),
        globals=tuple(Global(g.type, _no_offsets(g.init)) for g in module.globals),
        tags=tuple(Tag(t.type_index) for t in module.tags),
        exports=tuple(dataclasses.replace(e, offset=0) for e in module.exports),
        elems=tuple(
            Elem(e.mode, e.type, tuple(_no_offsets(x) for x in e.init), e.table, offset_expr(e.offset_expr))
            for e in module.elems
        ),
        datas=tuple(Data(d.mode, d.init, d.memory, offset_expr(d.offset_expr)) for d in module.datas),
    )
