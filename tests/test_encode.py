"""Tests of the binary encoder (wastrel.frontend.encode).

The property: decoding what the encoder writes gives the module back,
offsets aside.  It is checked on every golden case and trap case (decoded
from wasm-tools' binaries), on modules covering every kind of section and
segment, and, for modules without names or custom sections, the bytes are
those wasm-tools writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import wat_to_wasm
from wastrel.frontend import decode_module
from wastrel.frontend.encode import encode_module, instruction_offsets, sleb, u32, without_offsets
from wastrel.frontend.text import read_module_text
from wastrel.ir.wasm import Elem, FuncType, Instr, Module, Names

TESTS = Path(__file__).resolve().parent
CASES = sorted((TESTS / "golden_cases").glob("*.wat")) + sorted((TESTS / "traps").glob("*.wat"))


def round_trip(module: Module) -> Module:
    return decode_module(encode_module(module))


@pytest.mark.parametrize(("value", "encoded"), [(0, b"\x00"), (127, b"\x7f"), (128, b"\x80\x01"), (624485, b"\xe5\x8e\x26"), (2**32 - 1, b"\xff\xff\xff\xff\x0f")])
def test_unsigned_leb128(value: int, encoded: bytes) -> None:
    assert u32(value) == encoded


@pytest.mark.parametrize(("value", "encoded"), [(0, b"\x00"), (-1, b"\x7f"), (63, b"\x3f"), (64, b"\xc0\x00"), (-64, b"\x40"), (-65, b"\xbf\x7f"), (-123456, b"\xc0\xbb\x78")])
def test_signed_leb128(value: int, encoded: bytes) -> None:
    assert sleb(value) == encoded


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_round_trip_of_the_test_cases(path: Path) -> None:
    module = decode_module(wat_to_wasm(path).read_bytes())
    assert without_offsets(round_trip(module)) == without_offsets(module)


EVERYTHING = r"""
(module $everything
  (type $pair (func (param i32) (result i32 i32)))
  (import "env" "f" (func $imported (param i64)))
  (import "env" "t" (table 1 2 externref))
  (import "env" "m" (memory 1))
  (import "env" "g" (global $ig (mut f64)))
  (func $main (export "main") (param $x i32) (result i32) (local $y i64) (local f32 f32 i32)
    (block $b (type $pair) (local.get $x) (local.get $x) (br $b)) drop
    (loop (result i32) (i32.const 1)) (if (then) (else nop))
    (br_table 0 0 (i32.const 0)) (i64.const -9223372036854775808) (drop)
    (f32.const nan:0x1) (drop) (f64.const -0.0) (global.set $ig)
    (call_indirect (param i64) (i64.const 1) (i32.const 0))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d)
    (table.copy (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $passive)
    (select (result f64) (f64.const 1) (f64.const 2) (i32.const 1)) drop
    (i32.load8_u offset=7 (i32.const 0)))
  (table $t 3 funcref)
  (global $g i32 (i32.const 42))
  (export "t" (table 0))
  (start $main2)
  (func $main2)
  (elem (i32.const 0) $main)
  (elem $passive func $main2)
  (elem declare funcref (ref.func $main))
  (elem (table 1) (i32.const 1) funcref (ref.null func) (ref.func $main))
  (elem (table 0) (i32.const 0) externref (ref.null extern))
  (elem externref (ref.null extern))
  (elem declare externref (ref.null extern))
  (elem (table $t) (i32.const 2) func $main2)
  (data $d "abc")
  (data (i32.const 8) "xyz")
  (@custom "extra" "bytes")
)
"""


def test_round_trip_of_every_kind_of_section_and_segment() -> None:
    module = read_module_text(EVERYTHING)
    assert len(module.elems) == 8 and module.data_count == 2 and module.customs == (("extra", b"bytes"),)
    assert without_offsets(round_trip(module)) == without_offsets(module)


@pytest.mark.parametrize(
    "text",
    [
        '(module (func (export "f") (result i32) (i32.const 42)))',
        "(module (memory 1 2) (data (i32.const 16) \"hi\") (func (i32.store offset=4 (i32.const 0) (i32.const -1))))",
        "(module (table 2 funcref) (func) (elem (i32.const 0) 0 0) (func (call_indirect (type 0) (i32.const 1))))",
    ],
)
def test_bytes_are_those_of_wasm_tools(text: str, tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text(text)
    assert encode_module(read_module_text(text)) == wat_to_wasm(source).read_bytes()


def test_names_are_written() -> None:
    names = Names(module="m", funcs={1: "b", 0: "a"}, locals={0: {0: "x"}}, globals={0: "g"})
    module = Module(types=(FuncType(("i32",)),), funcs=(), names=names)
    assert round_trip(module).names == names


def test_block_types_are_written_as_the_first_type_with_their_signature() -> None:
    module = read_module_text("(module (type (func)) (type (func (param i32))) (type (func (param i32))) (func (param i32) (block (param i32) drop)))")
    assert b"\x02\x01" in encode_module(module)  # block, type index 1
    broken = Module(funcs=module.funcs)
    with pytest.raises(ValueError, match="not in the module's type section"):
        encode_module(broken)


def test_instruction_offsets_start_at_the_body() -> None:
    module = read_module_text("(module (func (local i32 i32 i64) (i32.const 300) (local.set 0)))")
    # locals: vec of 2 runs = 5 bytes; i32.const 300 is 3 bytes; local.set 0 is 2 bytes.
    assert instruction_offsets(module, module.funcs[0]) == [5, 8, 10]


def test_elements_are_written_by_index_when_they_can() -> None:
    by_index = Elem("passive", "(ref func)", ((Instr("ref.func", (0,)),),))
    by_expression = Elem("passive", "funcref", ((Instr("ref.null", ("funcref",)),),))
    module = Module(types=(FuncType(),), funcs=read_module_text("(module (func))").funcs, elems=(by_index, by_expression))
    encoded = encode_module(module)
    # The element section: 2 segments, flags 1 (passive, by index: elemkind 0, 1 index 0),
    # then flags 5 (passive, expressions: funcref, 1 expression ref.null func end).
    assert b"\x09\x0b\x02\x01\x00\x01\x00\x05\x70\x01\xd0\x70\x0b" in encoded
    assert without_offsets(decode_module(encoded)) == without_offsets(module)


def test_without_offsets() -> None:
    module = read_module_text('(module (import "a" "b" (global i32)) (func (export "f") nop) (global i32 (i32.const 1)) (memory 1) (data (i32.const 0) "") (table 1 funcref) (elem (i32.const 0) 0))')
    stripped = without_offsets(module)
    offsets = [i.offset for i in stripped.imports + stripped.exports + stripped.globals + stripped.funcs + stripped.elems + stripped.datas]
    exprs = [f.body for f in stripped.funcs] + [g.init for g in stripped.globals] + [d.offset_expr for d in stripped.datas]
    exprs += [e.offset_expr for e in stripped.elems] + [x for e in stripped.elems for x in e.init]
    assert set(offsets) == {0} and {i.offset for expr in exprs for i in expr or ()} == {0}
    assert {i.offset for i in module.funcs[0].body} != {0}
