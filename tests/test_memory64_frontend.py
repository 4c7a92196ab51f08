"""The frontend's memory64 (64-bit memories and tables) and multi-memory:
the decoder, the encoder and the text reader, on modules of our own, on
random ones and on the spec suite's scripts.

wasm-tools is the reference, as in tests/test_simd_frontend.py: a text it
parses into a binary must decode into the module the text reader reads from
the same text (offsets aside), and must encode back to the same bytes (when
nothing is named: the decoder keeps the names of functions, locals and
globals only).  The spec's memory64 and multi-memory scripts must read as
`wasm-tools json-from-wast` reads them, with every module in them checked
as tests/test_text_spec.py checks modules (`check_script`), and each binary
wasm-tools makes of their modules must decode, encode and decode again into
the same module.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from tests import test_text_spec as text_spec
from tests.test_simd_frontend import HEADER, WASM_TOOLS, body, check_round_trip, error, wat
from wastrel.frontend import WasmError, decode_module
from wastrel.frontend.encode import encode_module, without_offsets
from wastrel.frontend.text import read_module_text
from wastrel.ir.wasm import Data, Import, Instr, Limits, MemoryType, TableType

U64_MAX = (1 << 64) - 1


def check_same_module(text: str) -> None:
    """wasm-tools' binary of `text` decodes to what the text reader reads, and
    encodes into a binary that decodes to it again (a weaker
    `check_round_trip`, for texts with names the decoder does not keep or
    that wasm-tools encodes differently)."""
    module = without_offsets(decode_module(wat(text)))
    assert without_offsets(read_module_text(text)) == module
    assert without_offsets(decode_module(encode_module(module))) == module

# -- text: types and fields ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "memory"),
    [
        ("(memory 1)", MemoryType(Limits(1))),
        ("(memory i32 1 2)", MemoryType(Limits(1, 2))),
        ("(memory i64 1 2)", MemoryType(Limits(1, 2), "i64")),
        ("(memory i64 0xffff_ffff_ffff_ffff)", MemoryType(Limits(U64_MAX), "i64")),
        ("(memory 0x1_0000_0000)", MemoryType(Limits(1 << 32))),  # too large for i32: invalid, not malformed
        ("(memory i64 (data))", MemoryType(Limits(0, 0), "i64")),
        ("(memory i64 (data \"ab\" \"c\"))", MemoryType(Limits(1, 1), "i64")),
    ],
)
def test_memory_types(field: str, memory: MemoryType) -> None:
    text = f"(module {field})"
    assert read_module_text(text).memories == (memory,)
    check_round_trip(text)


@pytest.mark.parametrize(
    ("field", "table"),
    [
        ("(table 1 funcref)", TableType("funcref", Limits(1))),
        ("(table i32 1 2 externref)", TableType("externref", Limits(1, 2))),
        ("(table i64 1 2 funcref)", TableType("funcref", Limits(1, 2), "i64")),
        ("(table i64 0xffff_ffff_ffff_ffff funcref)", TableType("funcref", Limits(U64_MAX), "i64")),
        ("(table 0x1_0000_0000 funcref)", TableType("funcref", Limits(1 << 32))),  # invalid, not malformed
        ("(table i64 funcref (elem))", TableType("funcref", Limits(0, 0), "i64")),
        ("(table i64 funcref (elem 0 0))", TableType("funcref", Limits(2, 2), "i64")),
        ("(table i64 funcref (elem (ref.func 0)))", TableType("funcref", Limits(1, 1), "i64")),
    ],
)
def test_table_types(field: str, table: TableType) -> None:
    text = f"(module (func) {field})"
    assert [t.type for t in read_module_text(text).tables] == [table]
    check_same_module(text)  # wasm-tools writes the table index of an inline (elem ...), the encoder does not


def test_inline_segments_of_64_bit_memories_and_tables_start_at_an_i64() -> None:
    module = read_module_text('(module (func $f) (memory i64 (data "x")) (table i64 funcref (elem $f)))')
    assert [(i.op, i.args) for i in module.datas[0].offset_expr or ()] == [("i64.const", (0,))]
    assert [(i.op, i.args) for i in module.elems[0].offset_expr or ()] == [("i64.const", (0,))]


def test_imports() -> None:
    text = """(module
      (import "m" "a" (memory i64 1))
      (import "m" "b" (table i64 0 10 externref))
      (memory (import "m" "c") i64 2 3)
      (table (import "m" "d") i64 4 funcref))"""
    assert [(i.name, i.desc) for i in read_module_text(text).imports] == [
        ("a", MemoryType(Limits(1), "i64")),
        ("b", TableType("externref", Limits(0, 10), "i64")),
        ("c", MemoryType(Limits(2, 3), "i64")),
        ("d", TableType("funcref", Limits(4), "i64")),
    ]
    check_round_trip(text)


def test_data_segments_name_their_memory() -> None:
    text = """(module (memory 1) (memory $m i64 1) (memory $n 1)
      (data (memory $m) (i64.const 8) "a")
      (data (memory 2) (offset (i32.const 1)) "b")
      (data 1 (i64.const 2) "c")
      (data $m (i32.const 3) "d"))"""  # the last names the segment: memory 0
    module = read_module_text(text)
    datas = [(d.memory, d.offset_expr[0].op if d.offset_expr else None, d.init) for d in module.datas]
    assert datas == [(1, "i64.const", b"a"), (2, "i32.const", b"b"), (1, "i64.const", b"c"), (0, "i32.const", b"d")]
    check_same_module(text)


# -- text: instructions ----------------------------------------------------------------------

MEMORIES = "(memory $a 1) (memory $b i64 1) (memory $c 1)"


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("i32.load", (2, 0, 0)),
        ("i32.load 1", (2, 0, 1)),
        ("i32.load $c", (2, 0, 2)),
        ("i64.load8_u $b offset=7 align=1", (0, 7, 1)),
        ("f64.load 2 align=4", (2, 0, 2)),
        ("i32.load offset=0xffff_ffff_ffff_ffff", (2, U64_MAX, 0)),  # beyond i32 memory's: invalid, not malformed
        ("i32.load align=0x8000_0000_0000_0000", (63, 0, 0)),
        ("i64.store32 $b offset=4294967296", (2, 1 << 32, 1)),
        ("v128.load $b", (4, 0, 1)),
        ("v128.load8_lane $b offset=3 15", (0, 3, 1, 15)),
        ("v128.store64_lane 2 1", (3, 0, 2, 1)),
        ("v128.load32_lane 1", (2, 0, 0, 1)),  # a lone integer: the lane
        ("memory.size", (0,)),
        ("memory.size $b", (1,)),
        ("memory.grow 2", (2,)),
        ("memory.fill $c", (2,)),
        ("memory.copy", (0, 0)),
        ("memory.copy $b $a", (1, 0)),
        ("memory.copy 2 1", (2, 1)),
        ("memory.init $d", (0, 0)),
        ("memory.init $b $d", (0, 1)),  # memory first, then the segment
        ("memory.init 2 0", (0, 2)),
    ],
)
def test_memory_instructions(text: str, args: tuple) -> None:
    module = f'(module {MEMORIES} (data $d "") (func {text}))'
    assert body(module)[0] == (text.split()[0], args)
    check_same_module(module)


def test_memory_instructions_round_trip() -> None:
    text = """(module (memory 1) (memory i64 2) (data "x")
      (func (param i32 i64)
        (i32.store 1 offset=0x1_0000_0000 align=2 (local.get 1) (i32.load 0 offset=8 (local.get 0)))
        (v128.store16_lane 1 offset=2 align=1 3 (local.get 1) (v128.load 1 (local.get 1)))
        (drop (memory.grow 1 (memory.size 1)))
        (memory.copy 0 1 (local.get 0) (local.get 1) (i32.const 0))
        (memory.fill 1 (local.get 1) (i32.const 0) (i64.const 1))
        (memory.init 1 0 (local.get 1) (i32.const 0) (i32.const 1))))"""
    check_round_trip(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(i32.load offset=0x1_0000_0000_0000_0000 (i32.const 0))", "u64 constant out of range"),
        ("(i32.load align=0x1_0000_0000_0000_0000 (i32.const 0))", "u64 constant out of range"),
        ("(i32.load align=3 (i32.const 0))", "alignment must be a power of two"),
        ("(i32.load $z (i32.const 0))", "unknown memory $z"),
        ("(memory.size $z)", "unknown memory $z"),
        ("(memory.copy $a (i32.const 0) (i32.const 0) (i32.const 0))", "expected a memory index"),
        ("(memory.init $a $z (i32.const 0) (i32.const 0) (i32.const 0))", "unknown data $z"),
        ("(i32.load offset=1 $a (i32.const 0))", "unexpected token"),  # the memory comes first
    ],
)
def test_malformed_instructions(text: str, message: str) -> None:
    err = error(f"(module {MEMORIES} (func {text} drop))")
    assert err.kind == "malformed" and message in err.message, err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(memory i64 0x1_0000_0000_0000_0000)", "u64 constant out of range"),
        ("(memory 0 0x1_0000_0000_0000_0000)", "u64 constant out of range"),
        ("(table i64 0x1_0000_0000_0000_0000 funcref)", "u64 constant out of range"),
        ("(memory i128 1)", "expected a minimum size"),
        ("(memory i64 i64 1)", "expected a minimum size"),
        ("(table i64 i32 1 funcref)", "expected a reference type"),
    ],
)
def test_malformed_types(text: str, message: str) -> None:
    err = error(f"(module {text})")
    assert err.kind == "malformed" and message in err.message, err


def test_shared_memories_are_unsupported() -> None:
    assert error("(module (memory i64 1 2 shared))").kind == "unsupported"


# -- the binary format -------------------------------------------------------------------------


def section(sid: int, payload: bytes) -> bytes:
    return bytes([sid, len(payload)]) + payload


def memories_module(*memtypes: bytes, code: bytes = b"", data_count: bool = False) -> bytes:
    """A module with the given memories and, if `code` is given, one function
    [] -> [] whose body (without locals) it is."""
    out = HEADER
    if code:
        out += section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00")
    out += section(5, bytes([len(memtypes)]) + b"".join(memtypes))
    if data_count:
        out += section(12, b"\x01")
    if code:
        out += section(10, b"\x01" + bytes([len(code) + 1]) + b"\x00" + code)
    if data_count:
        out += section(11, b"\x01\x01\x00")  # one passive segment, empty
    return out


@pytest.mark.parametrize(
    ("limits", "memory"),
    [
        (b"\x00\x01", MemoryType(Limits(1))),
        (b"\x01\x01\x02", MemoryType(Limits(1, 2))),
        (b"\x04\x01", MemoryType(Limits(1), "i64")),
        (b"\x05\x00\x80\x80\x04", MemoryType(Limits(0, 1 << 16), "i64")),
        (b"\x04" + b"\xff" * 9 + b"\x01", MemoryType(Limits(U64_MAX), "i64")),
        (b"\x00\x80\x80\x80\x80\x10", MemoryType(Limits(1 << 32))),  # u64 limits for i32 too: invalid, not malformed
        (b"\x00\x82\x80\x80\x80\x80\x00", MemoryType(Limits(2))),  # 6 bytes: too long for a u32, not for a u64
    ],
)
def test_binary_memory_types(limits: bytes, memory: MemoryType) -> None:
    data = memories_module(limits)
    module = decode_module(data)
    assert module.memories == (memory,)
    assert decode_module(encode_module(module)) == module


def test_binary_table_types() -> None:
    tables = b"\x70\x04\x01" + b"\x6f\x05\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01" + b"\x70\x01\x00\x01"
    data = HEADER + section(4, b"\x03" + tables)
    module = decode_module(data)
    assert [t.type for t in module.tables] == [
        TableType("funcref", Limits(1), "i64"),
        TableType("externref", Limits(0, U64_MAX), "i64"),
        TableType("funcref", Limits(0, 1)),
    ]
    assert encode_module(module) == data


def test_binary_imports() -> None:
    imports = b"\x02\x01m\x01a\x02\x05\x01\x02" + b"\x01m\x01b\x01\x70\x04\x03"
    data = HEADER + section(2, imports)
    assert [i.desc for i in decode_module(data).imports] == [
        MemoryType(Limits(1, 2), "i64"),
        TableType("funcref", Limits(3), "i64"),
    ]
    assert encode_module(decode_module(data)) == data


@pytest.mark.parametrize(
    ("limits", "kind", "message"),
    [
        (b"\x02\x01", "unsupported", "threads"),
        (b"\x03\x01\x01", "unsupported", "threads"),
        (b"\x06\x01", "unsupported", "threads"),
        (b"\x07\x01\x01", "unsupported", "threads"),
        (b"\x08\x01", "malformed", "malformed limits flags"),
        (b"\x84\x00\x01", "malformed", "malformed limits flags"),  # the flags are a byte, not a LEB128
        (b"\x04" + b"\xff" * 9 + b"\x02", "malformed", "integer too large"),  # 2**64
        (b"\x04" + b"\x80" * 10 + b"\x00", "malformed", "integer representation too long"),
        (b"\x05\x01", "malformed", "unexpected end"),
    ],
)
def test_malformed_binary_limits(limits: bytes, kind: str, message: str) -> None:
    with pytest.raises(WasmError) as info:
        decode_module(memories_module(limits))
    assert info.value.kind == kind and message in info.value.message, info.value


@pytest.mark.parametrize(
    ("code", "instr"),
    [
        (b"\x28\x02\x03", ("i32.load", (2, 3, 0))),
        (b"\x28\x42\x01\x03", ("i32.load", (2, 3, 1))),  # flag 64: a memory index follows the alignment
        (b"\x29\x7f\x02" + b"\xff" * 9 + b"\x01", ("i64.load", (63, U64_MAX, 2))),
        (b"\x36\x40\x00\x00", ("i32.store", (0, 0, 0))),  # memory 0 written out
        (b"\x2a\x3f\x80\x80\x80\x80\x10", ("f32.load", (63, 1 << 32, 0))),  # beyond i32: invalid, not malformed
        (b"\x3f\x02", ("memory.size", (2,))),
        (b"\x40\x81\x00", ("memory.grow", (1,))),  # a u32 now, not a zero byte
        (b"\xfc\x0b\x01", ("memory.fill", (1,))),
        (b"\xfc\x0a\x02\x01", ("memory.copy", (2, 1))),
        (b"\xfc\x08\x00\x02", ("memory.init", (0, 2))),
        (b"\xfd\x00\x44\x02\x05", ("v128.load", (4, 5, 2))),
        (b"\xfd\x5b\x40\x01\x00\x01", ("v128.store64_lane", (0, 0, 1, 1))),
    ],
)
def test_binary_memory_instructions(code: bytes, instr: tuple) -> None:
    data = memories_module(b"\x00\x01", b"\x04\x01", b"\x00\x00", code=code + b"\x0b", data_count=True)
    module = decode_module(data)
    assert [(i.op, i.args) for i in module.funcs[0].body] == [instr, ("end", ())]
    assert without_offsets(decode_module(encode_module(module))) == without_offsets(module)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (b"\x28\x80\x01\x00", "malformed memop flags"),
        (b"\x28\xc2\x01\x00\x00", "malformed memop flags"),  # 64 + 128 + 2
        (b"\x28\x02" + b"\xff" * 9 + b"\x02", "integer too large"),  # offset 2**64
        (b"\x28\x02" + b"\x80" * 10 + b"\x00", "integer representation too long"),
        (b"\x28\x42\x80\x80\x80\x80\x10\x00", "integer too large"),  # memory 2**32
        (b"\x28\x42", "unexpected end"),
        (b"\x3f\x80\x80\x80\x80\x10", "integer too large"),
        (b"\xfc\x0a\x00", "unexpected end"),
    ],
)
def test_malformed_memory_instructions(code: bytes, message: str) -> None:
    with pytest.raises(WasmError) as info:
        decode_module(memories_module(b"\x00\x01", code=code))
    assert info.value.kind == "malformed" and message in info.value.message, info.value


def test_encoder_writes_a_memory_index_only_when_not_0() -> None:
    data = memories_module(b"\x00\x01", b"\x04\x01", code=b"\x41\x00\x28\x02\x00\x1a\x42\x00\x28\x42\x01\x04\x1a\x0b")
    module = decode_module(data)
    assert [i.args for i in module.funcs[0].body if i.op == "i32.load"] == [(2, 0, 0), (2, 4, 1)]
    assert encode_module(module) == data


def test_data_segments_of_other_memories() -> None:
    data = HEADER + section(5, b"\x02\x00\x01\x04\x01") + section(11, b"\x02\x02\x01\x42\x07\x0b\x01x" + b"\x00\x41\x00\x0b\x00")
    module = decode_module(data)
    assert [without_offsets(module).datas[i] for i in (0, 1)] == [
        Data("active", b"x", 1, (Instr("i64.const", (7,)),)),
        Data("active", b"", 0, (Instr("i32.const", (0,)),)),
    ]
    assert encode_module(module) == data


# -- random modules ---------------------------------------------------------------------------

SMITH_OPTIONS = [
    "--max-memories", "4", "--max-tables", "4", "--memory64-enabled", "true",
    *(f"--{feature}-enabled=false" for feature in (
        "relaxed-simd", "threads", "shared-everything-threads", "gc", "tail-call", "exceptions",
        "custom-page-sizes", "wide-arithmetic", "extended-const", "custom-descriptors", "compact-imports",
    )),
]  # fmt: skip


def _wasm_tools(*args: str, stdin: bytes) -> bytes:
    return subprocess.run([WASM_TOOLS, *args], input=stdin, capture_output=True, check=True).stdout


@pytest.mark.parametrize("seed", range(16))
def test_random_module(seed: int) -> None:
    """A random module with several memories and tables, 64-bit ones among
    them: its binary decodes, and encodes into one that decodes into the same
    module; its text (flat or folded) reads into the module wasm-tools parses
    it into."""
    wasm = _wasm_tools("smith", *SMITH_OPTIONS, stdin=random.Random(seed).randbytes(4000))
    module = without_offsets(decode_module(wasm))
    assert without_offsets(decode_module(encode_module(module))) == module
    text = _wasm_tools("print", *(["--fold-instructions"] if seed % 2 else []), stdin=wasm)
    reference = decode_module(_wasm_tools("parse", "-", stdin=text))
    assert without_offsets(read_module_text(text)) == without_offsets(reference)


# -- the spec suite ----------------------------------------------------------------------------

SUITE = text_spec.SUITE

# The scripts of the memory64 and multi-memory proposals (the multi-memory
# ones are the numbered variants of the core scripts): those of level wasm3 in
# spec-levels.json whose modules all validate with `wasm-tools validate
# --features wasm2,memory64,multi-memory`, and table_init64.wast.
MEMORY64_SCRIPTS = (
    "address64.wast", "align64.wast", "binary_leb128_64.wast", "bulk64.wast", "call_indirect64.wast",
    "endianness64.wast", "float_memory64.wast", "load64.wast", "memory64-imports.wast", "memory64.wast",
    "memory_copy64.wast", "memory_fill64.wast", "memory_grow64.wast", "memory_init64.wast",
    "memory_redundancy64.wast", "memory_trap64.wast", "table64.wast", "table_copy64.wast", "table_fill64.wast",
    "table_get64.wast", "table_grow64.wast", "table_init64.wast", "table_set64.wast", "table_size64.wast",
)
MULTI_MEMORY_SCRIPTS = (
    "address0.wast", "address1.wast", "align0.wast", "binary0.wast", "data0.wast", "data_drop0.wast",
    "exports0.wast", "float_exprs0.wast", "float_exprs1.wast", "float_memory0.wast", "imports0.wast",
    "imports1.wast", "imports2.wast", "imports3.wast", "imports4.wast", "linking1.wast", "linking2.wast",
    "linking3.wast", "load0.wast", "load1.wast", "load2.wast", "memory-multi.wast", "memory_copy0.wast",
    "memory_copy1.wast", "memory_fill0.wast", "memory_grow.wast", "memory_init0.wast", "memory_size0.wast",
    "memory_size1.wast", "memory_size2.wast", "memory_size_import.wast", "memory_trap0.wast",
    "memory_trap1.wast", "simd_memory-multi.wast", "start0.wast", "store0.wast", "store1.wast", "store2.wast",
    "table_copy_mixed.wast", "traps0.wast",
)  # fmt: skip
SCRIPTS = [name for name in MEMORY64_SCRIPTS + MULTI_MEMORY_SCRIPTS if (SUITE / name).is_file()]

# (script, line of the module in the script) -> why that check cannot pass.
KNOWN_FAILURES: dict[tuple[str, int], str] = {}


@pytest.mark.skipif(not SCRIPTS, reason=f"no spec suite at {SUITE}")
@pytest.mark.parametrize("script", SCRIPTS)
def test_spec_script(script: str, tmp_path: Path) -> None:
    text_spec.check_script(script, tmp_path, KNOWN_FAILURES)


@pytest.mark.skipif(not SCRIPTS, reason=f"no spec suite at {SUITE}")
@pytest.mark.parametrize("script", SCRIPTS)
def test_spec_binaries_encode_back(script: str, tmp_path: Path) -> None:
    """Every binary wasm-tools makes of the script's modules (and of the
    assert_invalid ones) that decodes encodes into one that decodes into the
    same module."""
    text_spec._convert(script, tmp_path)
    failures = []
    for path in sorted(tmp_path.glob("*.wasm")):
        try:
            module = decode_module(path.read_bytes())
        except WasmError:
            continue  # malformed, or a feature beyond wastrel's: test_spec_script says which may be
        if without_offsets(decode_module(encode_module(module))) != without_offsets(module):
            failures.append(path.name)
    assert not failures, failures
