"""The frontend's SIMD: every instruction of `wastrel.ir.simd` through the
decoder, the encoder and the text reader, v128 types, v128 values and
patterns in scripts, and the spec suite's SIMD scripts.

wasm-tools is the reference: a text it parses into a binary must decode
into the module the text reader reads from the same text (offsets aside),
and must encode back to the same bytes.  The spec's SIMD scripts (Wasm 2.0
SIMD and Wasm 3.0 relaxed SIMD) must read as `wasm-tools json-from-wast`
reads them, command by command, and each module in them as the text
reader of tests/test_text_spec.py is checked (same module as wasm-tools'
binary; assert_malformed texts rejected).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests import test_text_spec as text_spec
from wastrel.frontend import WasmError, decode_module
from wastrel.frontend.encode import encode_module, without_offsets
from wastrel.frontend.text import read_module_text, read_script
from wastrel.frontend.text.script import AssertReturn, Either, Invoke, NanPattern, V128Pattern, Value
from wastrel.ir.simd import LANES, SIMD_OPS, SimdOp, lane_count
from wastrel.ir.wasm import FuncType, GlobalType, Instr

WASM_TOOLS = Path(sys.executable).parent / "wasm-tools"  # installed with the venv's Python
HEADER = b"\0asm\x01\0\0\0"


def wat(text: str) -> bytes:
    """The binary wasm-tools makes of a .wat text (not validated)."""
    return subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, check=True).stdout


def check_round_trip(text: str) -> None:
    """wasm-tools' binary of `text` decodes to what the text reader reads, and
    encodes back to the same bytes."""
    binary = wat(text)
    decoded = decode_module(binary)
    assert encode_module(decoded) == binary
    assert without_offsets(read_module_text(text)) == without_offsets(decoded)


def body(text: str) -> list[tuple[str, tuple]]:
    """The instructions (op, args) of the text module's only function."""
    return [(i.op, i.args) for i in read_module_text(text).funcs[0].body]


def error(text: str) -> WasmError:
    with pytest.raises(WasmError) as info:
        read_module_text(text)
    return info.value


# -- every instruction ----------------------------------------------------------------------


def _immediates(op: SimdOp, rnd: random.Random) -> str:
    """Random text immediates for `op` (sometimes none where they are optional);
    a memarg may name one of the module's two memories."""
    memarg = " ".join(
        part
        for part, given in (
            (rnd.choice(["0", "1"]), rnd.random() < 0.5),
            (f"offset={rnd.randrange(1 << rnd.choice([32, 64]))}", rnd.random() < 0.7),
            (f"align={1 << rnd.randrange(5)}", rnd.random() < 0.7),
        )
        if given
    )
    if op.immediate == "memarg":
        return memarg
    if op.immediate in ("memarg_lane", "lane"):
        lane = str(rnd.randrange(lane_count(op)))
        return f"{memarg} {lane}" if op.immediate == "memarg_lane" else lane
    if op.immediate == "shuffle":
        return " ".join(str(rnd.randrange(32)) for _ in range(16))
    if op.immediate == "v128":
        shape = rnd.choice(sorted(LANES))
        width = 128 // LANES[shape]
        if shape[0] == "f":
            lanes = [rnd.choice(["nan", "-nan", "inf", "-0", "0x1.8p3", "1e-40", "nan:0x7", "12.5"]) for _ in range(LANES[shape])]
        else:
            lanes = [str(rnd.randrange(-(1 << (width - 1)), 1 << width)) for _ in range(LANES[shape])]
        return f"{shape} {' '.join(lanes)}"
    return ""


def all_simd_text(seed: int) -> str:
    rnd = random.Random(seed)
    instrs = "\n    ".join(f"{op.name} {_immediates(op, rnd)}" for op in SIMD_OPS)
    return f"(module (memory 1) (memory i64 1)\n  (func (param v128 i32) (result v128) (local f32 v128)\n    {instrs}))"


@pytest.mark.parametrize("seed", range(4))
def test_every_instruction_round_trips(seed: int) -> None:
    check_round_trip(all_simd_text(seed))


def test_every_instruction_decodes_by_its_table_entry() -> None:
    instrs = decode_module(wat(all_simd_text(0))).funcs[0].body
    assert [i.op for i in instrs] == [op.name for op in SIMD_OPS] + ["end"]
    kinds = {op.name: op.immediate for op in SIMD_OPS}
    arity = {"none": 0, "memarg": 3, "memarg_lane": 4, "lane": 1, "v128": 1, "shuffle": 1}
    assert all(len(i.args) == arity[kinds[i.op]] for i in instrs[:-1])


# -- immediates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("v128.load", (4, 0, 0)),  # natural alignment: 16 bytes
        ("v128.load8x8_s offset=3", (3, 3, 0)),
        ("v128.load8_splat", (0, 0, 0)),
        ("v128.load32_zero align=2", (1, 0, 0)),
        ("v128.load16_lane 7", (1, 0, 0, 7)),  # a lone integer is the lane index
        ("v128.load16_lane 0 7", (1, 0, 0, 7)),  # memory 0, lane 7
        ("v128.load16_lane 1 7", (1, 0, 1, 7)),  # memory 1, lane 7
        ("v128.load64_lane offset=8 1", (3, 8, 0, 1)),
        ("v128.load64_lane 0 align=1 1", (0, 0, 0, 1)),
        ("v128.load64_lane 1 align=1 1", (0, 0, 1, 1)),
        ("v128.store8_lane 0 offset=1 align=1 15", (0, 1, 0, 15)),
        ("v128.store8_lane 1 offset=1 align=1 15", (0, 1, 1, 15)),
        ("v128.store offset=0xffff_ffff_ffff_ffff", (4, (1 << 64) - 1, 0)),
        ("i8x16.extract_lane_u 0x0f", (15,)),
        ("f64x2.replace_lane 255", (255,)),  # a lane the shape lacks: invalid, not malformed
        ("v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255", (0xFF << 120 | 0xFF,)),
        ("v128.const i16x8 1 2 3 4 5 6 7 -32768", (0x8000_0007_0006_0005_0004_0003_0002_0001,)),
        ("v128.const i32x4 0xffffffff -1 0 1_0", (0xA_0000_0000_FFFF_FFFF_FFFF_FFFF,)),
        ("v128.const i64x2 -9223372036854775808 0xffffffffffffffff", (0xFFFF_FFFF_FFFF_FFFF_8000_0000_0000_0000,)),
        ("v128.const f32x4 1 -0 nan:0x1 -inf", (0xFF80_0000_7F80_0001_8000_0000_3F80_0000,)),
        ("v128.const f64x2 0x1p-1074 nan", (0x7FF8_0000_0000_0000_0000_0000_0000_0001,)),
        ("i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255", (tuple(range(15)) + (255,),)),
    ],
)
def test_text_immediates(text: str, args: tuple) -> None:
    module = f"(module (memory 1) (memory 1) (func {text} drop))"
    assert body(module)[0] == (text.split()[0], args)
    check_round_trip(module)


def test_memory_named_before_a_lane_index() -> None:
    text = "(module (memory 1) (memory $m 1) (func v128.load64_lane $m 1 drop))"
    assert body(text)[0] == ("v128.load64_lane", (3, 0, 1, 1))


def test_v128_types_everywhere() -> None:
    text = """(module
      (type (func (param v128) (result v128 v128)))
      (import "m" "g" (global v128))
      (global (mut v128) (v128.const i64x2 1 2))
      (func (param v128) (result v128) (local v128 i32)
        (block (result v128) (local.get 0))
        (block (type 0) (i32x4.add (v128.const i32x4 0 0 0 0)) (drop))
        (select (result v128) (local.get 1) (i32.const 0))))"""
    module = read_module_text(text)
    assert module.types[0] == FuncType(("v128",), ("v128", "v128"))
    assert module.globals[0].type == GlobalType("v128", True)
    assert module.globals[0].init == (Instr("v128.const", (2 << 64 | 1,), module.globals[0].init[0].offset),)
    assert module.funcs[0].locals == ("v128", "i32")
    assert module.funcs[0].body[0].args == (FuncType((), ("v128",)),)
    check_round_trip(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)", "i8 constant out of range"),
        ("(v128.const i16x8 -32769 0 0 0 0 0 0 0)", "i16 constant out of range"),
        ("(v128.const i32x4 0x100000000 0 0 0)", "i32 constant out of range"),
        ("(v128.const f32x4 0x1p128 0 0 0)", "f32 constant out of range"),
        ("(v128.const f64x2 nan:0x10_0000_0000_0000 0)", "NaN payload out of range"),
        ("(v128.const i32x4 0 0 0)", "wrong number of lane literals"),
        ("(v128.const i32x4 0 0 0 0 0)", "wrong number of lane literals"),
        ("(v128.const i64x2)", "wrong number of lane literals"),
        ("(v128.const f32x4 .0 .0 .0 .0)", "malformed f32 constant"),
        ("(v128.const i8x16 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x 0x)", "malformed i8 constant"),
        ("(v128.const 0 0 0 0)", "expected a shape"),
        ("(v128.const i32x2 0 0)", "expected a shape"),
        ("(i8x16.extract_lane_s -1 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))", "unexpected token"),
        ("(i8x16.extract_lane_s 256 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))", "i8 constant out of range"),
        ("(f32x4.extract_lane nan (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))", "unexpected token"),
        ("(i32x4.extract_lane (local.get 0))", "expected a lane index"),
        ("(i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (local.get 0) (local.get 0))", "invalid lane length"),
        ("(i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 (local.get 0) (local.get 0))", "invalid lane length"),
        ("(i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 256 (local.get 0) (local.get 0))", "i8 constant out of range"),
        ("(v128.load8_lane (local.get 0) (local.get 0))", "expected a lane index"),
        ("(v128.load align=3 (i32.const 0))", "alignment must be a power of two"),
        ("(i8x16.add_sat (local.get 0) (local.get 0))", "unknown operator"),
    ],
)
def test_malformed_text(text: str, message: str) -> None:
    err = error(f"(module (memory 1) (func (param v128) {text} drop))")
    assert err.kind == "malformed" and message in err.message, err
    assert err.line == 1


# -- the binary format -------------------------------------------------------------------------


def func_module(code: bytes) -> bytes:
    """A module with a memory and one function [] -> [] of body `code` (no locals)."""
    code = b"\x00" + code
    sections = [(1, b"\x01\x60\x00\x00"), (3, b"\x01\x00"), (5, b"\x01\x00\x01"), (10, b"\x01" + bytes([len(code)]) + code)]
    return HEADER + b"".join(bytes([sid, len(payload)]) + payload for sid, payload in sections)


def test_binary_immediates() -> None:
    lanes = bytes(range(16))
    code = (
        b"\xfd\x8c\x00" + lanes  # v128.const, its opcode in a 2-byte LEB128
        + b"\xfd\x0d" + lanes[::-1]  # i8x16.shuffle
        + b"\xfd\x15\xff"  # i8x16.extract_lane_s 255: invalid, not malformed
        + b"\xfd\x54\x00\x80\x01\x0f"  # v128.load8_lane align=1 offset=128 lane 15
        + b"\xfd\x55\x41\x02\x03\x07"  # v128.load16_lane align=2 memory 2 offset=3 lane 7
        + b"\xfd\x80\x02"  # i8x16.relaxed_swizzle (256)
        + b"\x0b"
    )  # fmt: skip
    instrs = [(i.op, i.args) for i in decode_module(func_module(code)).funcs[0].body]
    assert instrs == [
        ("v128.const", (int.from_bytes(lanes, "little"),)),
        ("i8x16.shuffle", (tuple(range(15, -1, -1)),)),
        ("i8x16.extract_lane_s", (255,)),
        ("v128.load8_lane", (0, 128, 0, 15)),
        ("v128.load16_lane", (1, 3, 2, 7)),
        ("i8x16.relaxed_swizzle", ()),
        ("end", ()),
    ]


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        (b"\xfd\x9a\x01\x0b", "malformed", "illegal opcode 0xfd 154"),  # opcode 154 is not assigned
        (b"\xfd\x94\x02\x0b", "malformed", "illegal opcode 0xfd 276"),  # past the relaxed ones
        (b"\xfd\x0c" + bytes(15), "malformed", "unexpected end"),
        (b"\xfd\x0d" + bytes(8), "malformed", "unexpected end"),
        (b"\xfd\x15", "malformed", "unexpected end"),
        (b"\xfd\x00\x80\x01\x00\x0b", "malformed", "malformed memop flags"),
        (b"\xfd\x54\x40\x80\x80\x80\x80\x10\x00\x00\x0b", "malformed", "integer too large"),  # memory 2**32
    ],
)
def test_malformed_binary(code: bytes, kind: str, message: str) -> None:
    with pytest.raises(WasmError) as info:
        decode_module(func_module(code))
    assert info.value.kind == kind and message in info.value.message, info.value


# -- scripts ------------------------------------------------------------------------------------


def test_script_values_and_patterns() -> None:
    (ret,) = read_script(
        '(assert_return (invoke "f" (v128.const i16x8 -1 1 0 0 0 0 0 0) (v128.const f64x2 1 -0))'
        "  (v128.const i64x2 -1 0) (v128.const f32x4 nan:canonical 1 nan:arithmetic -nan)"
        "  (either (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) (v128.const f64x2 0 nan:canonical)))"
    )
    assert isinstance(ret, AssertReturn) and isinstance(ret.action, Invoke)
    assert ret.action.args == (Value("v128", 0x1_FFFF), Value("v128", 1 << 127 | 0x3FF0 << 48))
    assert ret.expected == (
        Value("v128", (1 << 64) - 1),
        V128Pattern("f32x4", (NanPattern("f32", "canonical"), 0x3F80_0000, NanPattern("f32", "arithmetic"), 0xFFC0_0000)),
        Either((Value("v128", int.from_bytes(bytes(range(1, 17)), "little")), V128Pattern("f64x2", (0, NanPattern("f64", "canonical"))))),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('(invoke "f" (v128.const f32x4 nan:canonical 0 0 0))', "malformed f32 constant"),
        ('(invoke "f" (v128.const i8x16 0))', "wrong number of lane literals"),
        ('(assert_return (invoke "f") (v128.const i32x4 nan:canonical 0 0 0))', "wrong number of lane literals"),
        ('(assert_return (invoke "f") (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))', "i8 constant out of range"),
    ],
)
def test_malformed_script_values(text: str, message: str) -> None:
    with pytest.raises(WasmError, match=message):
        read_script(text)


# -- the spec suite ----------------------------------------------------------------------------

SUITE = text_spec.SUITE
RELAXED = ("i8x16_relaxed_swizzle.wast", "i16x8_relaxed_q15mulr_s.wast", "i32x4_relaxed_trunc.wast")
SCRIPTS = sorted(p.name for p in SUITE.glob("simd_*.wast")) + [
    name for name in RELAXED + tuple(sorted(p.name for p in SUITE.glob("relaxed_*.wast"))) if (SUITE / name).is_file()
]


def _value_json(v: object) -> dict:
    """wasm-tools' JSON of a value, v128 values as one 128-bit number (see
    `_their_json`), for test_text_spec's `_command_json`."""
    if isinstance(v, Value) and v.type == "v128":
        return {"type": "v128", "value": str(v.value)}
    if isinstance(v, V128Pattern):
        lanes = [f"nan:{lane.kind}" if isinstance(lane, NanPattern) else str(lane) for lane in v.lanes]
        return {"type": "v128", "lane_type": v.shape.partition("x")[0], "value": lanes}
    return ORIGINAL_VALUE_JSON(v)  # type: ignore[arg-type]


ORIGINAL_VALUE_JSON = text_spec._value_json


def _their_json(json_value: object) -> object:
    """wasm-tools' JSON with every v128 value as its lanes' unsigned bit
    patterns, one 128-bit number if no lane is a NaN pattern."""
    if isinstance(json_value, list):
        return [_their_json(v) for v in json_value]
    if not isinstance(json_value, dict):
        return json_value
    out = {key: _their_json(v) for key, v in json_value.items()}
    if out.get("type") != "v128":
        return text_spec._unsigned_ints(out)
    width = int(out["lane_type"][1:])
    lanes = [lane if lane.startswith("nan") else int(lane) % (1 << width) for lane in out["value"]]
    if any(isinstance(lane, str) for lane in lanes):
        return out | {"value": [str(lane) for lane in lanes]}
    return {"type": "v128", "value": str(sum(lane << (i * width) for i, lane in enumerate(lanes)))}


@pytest.mark.skipif(not SCRIPTS, reason=f"no spec suite at {SUITE}")
@pytest.mark.parametrize("script", SCRIPTS)
def test_spec_script(script: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_spec, "_value_json", _value_json)
    text_spec.check_script(script, tmp_path, {}, _their_json)
