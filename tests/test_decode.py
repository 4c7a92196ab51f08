"""Tests of the binary decoder (wastrel.frontend.decode).

Well-formed modules come from .wat snippets through `wasm-tools parse`;
malformed ones are written byte by byte with the small builders below.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wastrel.frontend import WasmError, decode_module
from wastrel.ir.wasm import (
    Data,
    Elem,
    Export,
    FuncType,
    GlobalType,
    Import,
    Instr,
    Limits,
    MemoryType,
    TableType,
)

WASM_TOOLS = Path(sys.executable).parent / "wasm-tools"  # installed with the venv's Python
HEADER = b"\0asm\x01\0\0\0"


def wat(text: str) -> bytes:
    """The binary of a .wat module (not validated)."""
    return subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, check=True).stdout


def leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid]) + leb(len(payload)) + payload


def vec(*items: bytes) -> bytes:
    return leb(len(items)) + b"".join(items)


def func_module(body: bytes, locals_: bytes = b"\x00", *, before_code: bytes = b"", after_code: bytes = b"") -> bytes:
    """A module with one function of type [] -> [] (type 0), whose body is
    `locals_` then `body` (which must include the final end)."""
    code = locals_ + body
    return (
        HEADER
        + section(1, vec(b"\x60\x00\x00"))
        + section(3, vec(b"\x00"))
        + before_code
        + section(10, vec(leb(len(code)) + code))
        + after_code
    )


def body_of(data: bytes) -> tuple[Instr, ...]:
    return decode_module(data).funcs[-1].body


def ops(data: bytes) -> list[tuple[str, tuple]]:
    return [(i.op, i.args) for i in body_of(data)]


def malformed(data: bytes) -> WasmError:
    with pytest.raises(WasmError) as info:
        decode_module(data)
    return info.value


# -- well-formed modules --------------------------------------------------------


def test_empty_module() -> None:
    m = decode_module(HEADER)
    assert m.types == () and m.funcs == () and m.start is None and m.data_count is None


def test_module_fields() -> None:
    m = decode_module(
        wat("""
        (module
          (type $t (func (param i32 i64) (result f32)))
          (import "env" "f" (func (type $t)))
          (import "env" "t" (table 1 2 externref))
          (import "env" "m" (memory 1))
          (import "env" "g" (global (mut f64)))
          (table 3 funcref)
          (global $c i32 (i32.const 7))
          (func $start)
          (func (type $t) (local i32 i32) (local f64) f32.const 0)
          (export "start" (func $start))
          (export "c" (global $c))
          (start $start))
        """)
    )
    assert m.types == (FuncType(("i32", "i64"), ("f32",)), FuncType())
    assert [(i.module, i.name, i.kind, i.desc) for i in m.imports] == [
        ("env", "f", "func", 0),
        ("env", "t", "table", TableType("externref", Limits(1, 2))),
        ("env", "m", "memory", MemoryType(Limits(1))),
        ("env", "g", "global", GlobalType("f64", True)),
    ]
    assert [t.type for t in m.tables] == [TableType("funcref", Limits(3))]
    assert m.globals[0].type == GlobalType("i32") and m.globals[0].init == (
        Instr("i32.const", (7,), m.globals[0].init[0].offset),
    )
    assert [f.type_index for f in m.funcs] == [1, 0]
    assert m.funcs[1].locals == ("i32", "i32", "f64")
    assert [(e.name, e.kind, e.index) for e in m.exports] == [("start", "func", 1), ("c", "global", 1)]
    assert m.start == 1


def test_offsets_point_at_their_bytes() -> None:
    data = wat("""
        (module (import "a" "b" (func)) (memory 1) (global i32 (i32.const 1))
          (func (export "f") (local i32) (local.set 0 (i32.add (i32.const 1) (i32.const 2))))
          (data (i32.const 0) "x"))
    """)
    m = decode_module(data)
    for ins in m.funcs[0].body:
        assert data[ins.offset] == {"i32.const": 0x41, "i32.add": 0x6A, "local.set": 0x21, "end": 0x0B}[ins.op]
    assert data[m.imports[0].offset : m.imports[0].offset + 2] == b"\x01a"  # the module name
    assert data[m.exports[0].offset : m.exports[0].offset + 2] == b"\x01f"
    assert data[m.globals[0].offset] == 0x7F  # its value type
    assert data[m.datas[0].offset] == 0x00  # its flags
    assert m.funcs[0].offset < m.funcs[0].body[0].offset


def test_block_types() -> None:
    data = wat("""
        (module (type $pair (func (param i32) (result i32 i64)))
          (func
            block end
            loop (result f64) unreachable end drop
            i32.const 0 if (type $pair) unreachable else unreachable end drop drop))
    """)
    blocks = [i.args[0] for i in body_of(data) if i.op in ("block", "loop", "if")]
    assert blocks == [FuncType(), FuncType((), ("f64",)), FuncType(("i32",), ("i32", "i64"))]


def test_block_type_index_must_exist() -> None:
    err = malformed(func_module(b"\x02\x05\x0b\x0b"))
    assert err.kind == "invalid" and "unknown type 5" in err.message


def test_immediates() -> None:
    data = wat("""
        (module (type $v (func)) (memory 1) (table $t 2 funcref) (table $u 1 externref)
          (elem $e func $f) (data $d "abc") (global $g (mut i32) (i32.const 0))
          (func $f (param i32) (local i64)
            (br_table 0 0 0 (local.get 0))
            (call_indirect $t (type $v) (i32.const 0))
            (call_indirect $u (type $v) (i32.const 0))
            (drop (i64.load8_s offset=12 align=1 (i32.const 0)))
            (i32.store offset=4 (i32.const 0) (global.get $g))
            (drop (memory.grow (memory.size)))
            (drop (select (result funcref) (ref.null func) (ref.func $f) (i32.const 1)))
            (drop (ref.is_null (table.get $u (i32.const 0))))
            (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
            (data.drop $d)
            (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
            (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0))
            (elem.drop $e)
            (table.copy $t $t (i32.const 0) (i32.const 0) (i32.const 0))
            (drop (table.grow $u (ref.null extern) (i32.const 1)))
            (drop (table.size $u))
            (table.fill $u (i32.const 0) (ref.null extern) (i32.const 1))
            (drop (i32.trunc_sat_f64_u (f64.const 1)))))
    """)
    found = [(op, args) for op, args in ops(data) if args and not op.endswith("const") and op != "local.get"]
    assert found == [
        ("br_table", ((0, 0), 0)),
        ("call_indirect", (0, 0)),
        ("call_indirect", (0, 1)),
        ("i64.load8_s", (0, 12, 0)),
        ("global.get", (0,)),
        ("i32.store", (2, 4, 0)),
        ("memory.size", (0,)),
        ("memory.grow", (0,)),
        ("ref.null", ("funcref",)),
        ("ref.func", (0,)),
        ("select", (("funcref",),)),
        ("table.get", (1,)),
        ("memory.init", (0, 0)),
        ("data.drop", (0,)),
        ("memory.copy", (0, 0)),
        ("table.init", (0, 0)),
        ("elem.drop", (0,)),
        ("table.copy", (0, 0)),
        ("ref.null", ("externref",)),
        ("table.grow", (1,)),
        ("table.size", (1,)),
        ("ref.null", ("externref",)),
        ("table.fill", (1,)),
    ]
    assert ("i32.trunc_sat_f64_u", ()) in ops(data)


def test_table_init_and_copy_immediates_keep_binary_order() -> None:
    body = b"\xfc\x0c\x03\x01\xfc\x0e\x02\x04\xfc\x0d\x03\x0b"  # table.init 1 3; table.copy 2 4; elem.drop 3
    assert ops(func_module(body))[:3] == [("table.init", (3, 1)), ("table.copy", (2, 4)), ("elem.drop", (3,))]


@pytest.mark.parametrize(
    ("encoding", "value"),
    [
        (b"\x41\x00", 0),
        (b"\x41\x7f", -1),
        (b"\x41\x3f", 63),
        (b"\x41\x40", -64),
        (b"\x41\xff\xff\xff\xff\x07", 2**31 - 1),
        (b"\x41\x80\x80\x80\x80\x78", -(2**31)),
        (b"\x41\x80\x80\x80\x80\x00", 0),  # padded, still 5 bytes
        (b"\x41\xff\xff\xff\xff\x7f", -1),  # padded with sign bits
        (b"\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", 2**63 - 1),
        (b"\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", -(2**63)),
        (b"\x43\x01\x00\xc0\x7f", 0x7FC00001),  # a NaN with a payload
        (b"\x44\x00\x00\x00\x00\x00\x00\xf0\xbf", 0xBFF0000000000000),  # -1.0
    ],
)
def test_constants(encoding: bytes, value: int) -> None:
    assert body_of(func_module(encoding + b"\x1a\x0b"))[0].args == (value,)


def test_instruction_offsets_and_prefixed_opcodes() -> None:
    body = b"\x43\x00\x00\x80\x3f\xfc\x00\x1a\x0b"  # f32.const 1; i32.trunc_sat_f32_s; drop
    data = func_module(body)
    instrs = body_of(data)
    assert [i.op for i in instrs] == ["f32.const", "i32.trunc_sat_f32_s", "drop", "end"]
    assert [data[i.offset] for i in instrs] == [0x43, 0xFC, 0x1A, 0x0B]


@pytest.mark.parametrize(
    ("flags", "payload", "expected"),
    [
        # function indices: (ref func), never null (Wasm 3.0)
        (0, b"\x41\x01\x0b" + vec(b"\x00"), ("active", "(ref func)", 0, True)),
        (1, b"\x00" + vec(b"\x00"), ("passive", "(ref func)", 0, False)),
        (2, b"\x01\x41\x01\x0b\x00" + vec(b"\x00"), ("active", "(ref func)", 1, True)),
        (3, b"\x00" + vec(b"\x00"), ("declarative", "(ref func)", 0, False)),
        (4, b"\x41\x01\x0b" + vec(b"\xd2\x00\x0b"), ("active", "funcref", 0, True)),
        (5, b"\x6f" + vec(b"\xd0\x6f\x0b"), ("passive", "externref", 0, False)),
        (6, b"\x01\x41\x01\x0b\x70" + vec(b"\xd2\x00\x0b"), ("active", "funcref", 1, True)),
        (7, b"\x70" + vec(b"\xd0\x70\x0b"), ("declarative", "funcref", 0, False)),
    ],
)
def test_element_segment_encodings(flags: int, payload: bytes, expected: tuple) -> None:
    data = func_module(b"\x0b", before_code=section(9, vec(leb(flags) + payload)))
    elem = decode_module(data).elems[0]
    assert (elem.mode, elem.type, elem.table, elem.offset_expr is not None) == expected
    assert len(elem.init) == 1 and len(elem.init[0]) == 1
    assert elem.init[0][0].op in ("ref.func", "ref.null")
    if elem.offset_expr is not None:
        assert [(i.op, i.args) for i in elem.offset_expr] == [("i32.const", (1,))]


def test_data_segments_and_data_count() -> None:
    data = wat("""(module (memory 1) (data (i32.const 8) "ab") (data "cd")
                    (func (data.drop 1)))""")
    m = decode_module(data)
    assert m.data_count == 2
    active, passive = m.datas
    assert (active.mode, active.init, active.memory) == ("active", b"ab", 0)
    assert [(i.op, i.args) for i in active.offset_expr or ()] == [("i32.const", (8,))]
    assert passive == Data("passive", b"cd", offset=passive.offset)


def test_data_segment_with_explicit_memory_index() -> None:
    data = HEADER + section(5, vec(b"\x00\x01")) + section(11, vec(b"\x02\x00\x41\x00\x0b" + vec(b"z")))
    assert decode_module(data).datas[0].init == b"z"


def test_names_and_custom_sections() -> None:
    data = wat("""(module $mod (@custom "hello" "payload")
                    (global $gl i32 (i32.const 0)) (func $fn (param $p i32) (local $l i64)))""")
    m = decode_module(data)
    assert m.names.module == "mod"
    assert m.names.funcs == {0: "fn"}
    assert m.names.locals == {0: {0: "p", 1: "l"}}
    assert m.names.globals == {0: "gl"}
    assert ("hello", b"payload") in m.customs
    assert all(name != "name" for name, _ in m.customs)


def test_malformed_name_section_is_ignored() -> None:
    bad_names = section(0, b"\x04name" + b"\x01\x05\x01\x00\x09ab")  # a name longer than its subsection
    m = decode_module(func_module(b"\x0b", after_code=bad_names))
    assert m.names.funcs == {} and m.names.module is None


def test_custom_sections_anywhere() -> None:
    custom = section(0, b"\x01x" + b"data")
    data = HEADER + custom + section(1, vec(b"\x60\x00\x00")) + custom + section(3, vec(b"\x00"))
    data += section(10, vec(b"\x02\x00\x0b")) + custom
    m = decode_module(data)
    assert len(m.funcs) == 1 and m.customs == (("x", b"data"),) * 3


def test_exports_and_imports_keep_utf8_names() -> None:
    m = decode_module(wat('(module (import "m\u00e9" "\u263a" (func)) (export "\U0001f600" (func 0)))'))
    assert (m.imports[0].module, m.imports[0].name) == ("m\u00e9", "\u263a")
    assert m.exports == (Export("\U0001f600", "func", 0, m.exports[0].offset),)
    assert isinstance(m.imports[0], Import)


def test_passive_elem_and_bulk_imports() -> None:
    m = decode_module(wat("(module (func $f) (elem declare func $f) (elem funcref (ref.null func)))"))
    assert m.elems[0] == Elem("declarative", "(ref func)", m.elems[0].init, offset=m.elems[0].offset)
    assert m.elems[1].mode == "passive"


# -- malformed modules -------------------------------------------------------------

TYPE_SECTION = section(1, vec(b"\x60\x00\x00"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "unexpected end"),
        (b"\0as", "unexpected end"),
        (b"\0asn\x01\0\0\0", "magic header not detected"),
        (b"\0asm\x01\0", "unexpected end"),
        (b"\0asm\x02\0\0\0", "unknown binary version"),
        (HEADER + b"\x0e\x00", "malformed section id"),
        (HEADER + b"\x01\x05\x01\x60", "length out of bounds"),
        (HEADER + b"\x01\x05\x01\x60\x00\x00\x00", "section size mismatch"),
        (HEADER + b"\x01\x02\x02\x60", "unexpected end of section or function"),
        (HEADER + TYPE_SECTION + TYPE_SECTION, "unexpected content after last section"),
        (HEADER + section(3, vec()) + TYPE_SECTION, "unexpected content after last section"),
        (HEADER + section(12, b"\x00") + section(9, vec()), "unexpected content after last section"),
        (HEADER + section(1, b"\x01\x60\x80\x80\x80\x80\x80\x00\x00"), "integer representation too long"),
        (HEADER + section(1, b"\x01\x60\x80\x80\x80\x80\x10\x00"), "integer too large"),
        (HEADER + section(1, b"\x01\x61\x00\x00"), "malformed function type"),
        (HEADER + section(1, b"\x01\x60\x01\x7a\x00"), "malformed value type"),
        (HEADER + section(2, vec(b"\x01a\x01b\x05\x00")), "malformed import kind"),
        (HEADER + section(2, vec(b"\x01a\x01b\x03\x7f\x02")), "malformed mutability"),
        (HEADER + section(2, vec(b"\x01\xffa\x01b\x00\x00")), "malformed UTF-8 encoding"),
        (HEADER + section(2, vec(b"\x02\xed\xa0\x01b\x00\x00")), "malformed UTF-8 encoding"),  # a surrogate
        (HEADER + section(0, b"\x02\xc0\x80"), "malformed UTF-8 encoding"),  # overlong
        (HEADER + section(0, b"\x05ab"), "length out of bounds"),
        (HEADER + section(5, vec(b"\x08\x00")), "malformed limits flags"),
        (HEADER + section(4, vec(b"\x70\x81\x00\x00")), "malformed limits flags"),
        (HEADER + section(4, vec(b"\x7f\x00\x00")), "malformed reference type"),
        (HEADER + section(7, vec(b"\x01a\x05\x00")), "malformed export kind"),
        (HEADER + section(9, vec(b"\x08")), "malformed elements segment kind"),
        (HEADER + section(9, vec(b"\x01\x01\x00")), "malformed element kind"),
        (HEADER + section(11, vec(b"\x03")), "malformed data segment kind"),
        (HEADER + section(12, b"\x01"), "data count and data section have inconsistent lengths"),
        (HEADER + TYPE_SECTION + section(3, vec(b"\x00")), "function and code section have inconsistent lengths"),
        (HEADER + TYPE_SECTION + section(10, vec(b"\x02\x00\x0b")), "function and code section have inconsistent"),
        (func_module(b"\x0b", locals_=b"\x02\xff\xff\xff\xff\x0f\x7f\x02\x7e"), "too many locals"),
        (func_module(b"\x01"), "unexpected end of section or function"),  # no final end
        (func_module(b"\x0b\x01"), "section size mismatch"),  # bytes after it
        (func_module(b"\x02\x40\x0b"), "unexpected end"),  # the block's end is not the function's
        (func_module(b"\x27\x0b"), "illegal opcode 0x27"),
        (func_module(b"\xff\x0b"), "illegal opcode 0xff"),
        (func_module(b"\xfc\x12\x0b"), "illegal opcode 0xfc 18"),
        (func_module(b"\x41\x00\x28\x80\x01\x00\x1a\x0b"), "malformed memop flags"),
        (func_module(b"\x41\x80\x80\x80\x80\x80\x00\x1a\x0b"), "integer representation too long"),
        (func_module(b"\x41\x80\x80\x80\x80\x70\x1a\x0b"), "integer too large"),  # not sign bits
        (func_module(b"\x41\xff\xff\xff\xff\x0f\x1a\x0b"), "integer too large"),  # 2**32 - 1 as s32
        (func_module(b"\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01\x1a\x0b"), "integer too large"),
        (func_module(b"\x02\x7a\x0b\x0b"), "malformed value type"),
        (func_module(b"\x02\x50\x0b\x0b"), "malformed value type"),  # a negative type index
        (func_module(b"\xd0\x7f\x1a\x0b"), "malformed heap type"),
        (func_module(b"\xfc\x09\x00\x0b"), "data count section required"),
        (func_module(b"\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\x0b"), "data count section required"),
    ],
)
def test_malformed(data: bytes, message: str) -> None:
    err = malformed(data)
    assert err.kind == "malformed"
    assert message in err.message
    assert err.offset is not None and 0 <= err.offset <= len(data)
    assert str(err).startswith(f"malformed: {err.message} (at byte 0x")
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("encoded", "value"),
    [
        (b"\x3f", 63), (b"\x40", -64), (b"\xc0\x00", 64), (b"\xbf\x7f", -65), (b"\xff\x3f", 8191),
        (b"\x80\x40", -8192), (b"\x80\xc0\x00", 8192), (b"\xff\xff\xff\xff\x07", 2**31 - 1),
        (b"\x80\x80\x80\x80\x78", -(2**31)), (b"\xff\x7f", -1),  # (two bytes where one would do)
    ],
)  # fmt: skip
def test_i32_const_in_one_two_or_more_bytes(encoded: bytes, value: int) -> None:
    assert ops(func_module(b"\x41" + encoded + b"\x1a\x0b"))[0] == ("i32.const", (value,))


@pytest.mark.parametrize(
    ("instr", "expected"),
    [
        (b"\x20\x05", ("local.get", (5,))),
        (b"\x20\x80\x00", ("local.get", (0,))),  # two bytes where one would do
        (b"\x20\x85\x01", ("local.get", (133,))),
        (b"\x20\x80\x80\x01", ("local.get", (16384,))),
        (b"\x28\x02\x7f", ("i32.load", (2, 127, 0))),
        (b"\x28\x02\x80\x01", ("i32.load", (2, 128, 0))),
        (b"\x28\x42\x01\x10", ("i32.load", (2, 16, 1))),  # a memory index after the flags
        (b"\x28\x82\x00\x10", ("i32.load", (2, 16, 0))),  # flags in two bytes
        (b"\x42\xff\x00", ("i64.const", (127,))),
    ],
)
def test_immediates_in_one_or_more_bytes(instr: bytes, expected: tuple[str, tuple]) -> None:
    assert ops(func_module(instr + b"\x0b"))[0] == expected


def test_leb_error_points_at_the_integer() -> None:
    data = HEADER + section(1, b"\x01\x60\x80\x80\x80\x80\x80\x00\x00")
    assert malformed(data).offset == len(HEADER) + 4  # id, size, count, 0x60


@pytest.mark.parametrize(
    ("data", "feature"),
    [
        (HEADER + section(5, vec(b"\x03\x01\x01")), "threads"),
        (HEADER + section(5, vec(b"\x07\x01\x01")), "threads"),
        (func_module(b"\xfe\x03\x00\x0b"), "threads"),
    ],
)
def test_unsupported_features(data: bytes, feature: str) -> None:
    err = malformed(data)
    assert err.kind == "unsupported"
    assert err.message.startswith("unsupported feature: ") and feature in err.message


def test_accepts_bytes_like_input() -> None:
    data = func_module(b"\x0b")
    assert decode_module(bytearray(data)) == decode_module(memoryview(data)) == decode_module(data)


def test_error_string_is_one_line_with_offset() -> None:
    assert str(WasmError("malformed", "unexpected end of section", 0x1F)) == (
        "malformed: unexpected end of section (at byte 0x1f)"
    )
    assert str(WasmError("invalid", "type mismatch")) == "invalid: type mismatch"
    with pytest.raises(ValueError):
        WasmError("bogus", "x")
