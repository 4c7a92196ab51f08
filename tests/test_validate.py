"""Tests of the validator (wastrel.frontend.validate).

Modules are written as .wat snippets and turned into binaries with
`wasm-tools parse`, which does not validate, so invalid modules can be
written in text too; a few modules are built directly in L-wasm.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from wastrel.frontend import WasmError, decode_module, validate_module
from wastrel.ir.wasm import Func, FuncType, Instr, Limits, MemoryType, Module

WASM_TOOLS = Path(sys.executable).parent / "wasm-tools"  # installed with the venv's Python


def wat(text: str) -> bytes:
    """The binary of a .wat module (not validated)."""
    return subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, check=True).stdout


def invalid(text: str) -> WasmError:
    module = decode_module(wat(text))
    with pytest.raises(WasmError) as info:
        validate_module(module)
    return info.value


VALID = {
    "empty": "(module)",
    "arithmetic": """(module (func (param i32 i64) (result f64)
        (f64.convert_i64_s (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1)))))""",
    "multi-value block": """(module (func (result i32 i64)
        (block (result i32 i64) (i32.const 1) (i64.const 2))))""",
    "block params": """(module (type $t (func (param i32) (result i32)))
        (func (result i32) (i32.const 1) (block (type $t) (i32.const 2) (i32.add))))""",
    "loop params and branch": """(module (type $t (func (param i32) (result i32)))
        (func (result i32) (local i32)
          (i32.const 10) (loop (type $t) (i32.const 1) (i32.sub) (local.tee 0) (br_if 0 (local.get 0)))))""",
    "if with params": """(module (type $t (func (param i32) (result i32)))
        (func (param i32) (result i32)
          (local.get 0) (if (type $t) (local.get 0) (then (i32.const 1) (i32.add)) (else))))""",
    "if without else, no results": "(module (func (param i32) (if (local.get 0) (then nop))))",
    "br_table same arity": """(module (func (param i32) (result i32)
        (block (result i32) (block (result i32) (br_table 0 1 (i32.const 7) (local.get 0))))))""",
    "unreachable then anything": "(module (func (result i32) unreachable i32.add))",
    "unreachable select": "(module (func (result i32) unreachable select))",
    "unreachable select with one operand": "(module (func (result f64) unreachable f64.const 1 i32.const 0 select))",
    "unreachable br_table of different types": """(module (func
        (block (result f32) (block (result i64) unreachable br_table 0 1 1) drop f32.const 0) drop))""",
    "br leaves garbage": "(module (func (result i32) (block (result i32) (i64.const 2) (i32.const 1) (br 0))))",
    "return polymorphic": "(module (func (result i32) (return (i32.const 1)) (f32.add) (i32.trunc_f32_s)))",
    "nested unreachable": "(module (func (result i32) (block (result i32) unreachable) (i32.const 0) i32.add))",
    "br_if keeps label types": "(module (func (result i32) (block (result i32) unreachable (br_if 0) (i32.eqz))))",
    "select typed reference": """(module (func (result externref)
        (select (result externref) (ref.null extern) (ref.null extern) (i32.const 1))))""",
    "references": """(module (table $t 1 funcref) (table $e 1 externref) (func $f)
        (elem declare func $f)
        (func (result i32) (ref.is_null (ref.func $f)))
        (func (param externref) (table.set $e (i32.const 0) (local.get 0))
          (drop (table.grow $t (ref.null func) (i32.const 1)))
          (table.fill $e (i32.const 0) (local.get 0) (i32.const 1))))""",
    "ref.func declared by an export": '(module (func $f (export "f")) (func (drop (ref.func $f))))',
    "ref.func declared by a global": "(module (func $f) (global funcref (ref.func $f)) (func (drop (ref.func $f))))",
    "ref.func in global initializer needs no declaration": "(module (func $f) (global funcref (ref.func $f)))",
    "bulk memory": """(module (memory 1) (data $d "abc")
        (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d)
          (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))
          (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))))""",
    "bulk tables": """(module (table $t 2 funcref) (table $u 2 funcref) (func $f) (elem $e func $f)
        (func (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 1)) (elem.drop $e)
          (table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 1))))""",
    "call_indirect on table 1": """(module (type $v (func (param i32))) (table 0 externref) (table 1 funcref)
        (func (call_indirect 1 (type $v) (i32.const 5) (i32.const 0))))""",
    "constant expressions": """(module (import "m" "g" (global $g i32)) (import "m" "h" (global $h externref))
        (memory 1) (table 1 externref) (table $f 1 funcref) (func $x)
        (global i32 (global.get $g)) (global externref (global.get $h))
        (data (global.get $g) "x") (elem (table 0) (global.get $g) externref (global.get $h))
        (elem (table $f) (i32.const 0) func $x))""",
    "loads and stores": """(module (memory 1) (func (param i32)
        (i64.store32 align=4 (local.get 0) (i64.load8_u align=1 (local.get 0)))
        (f64.store align=8 (local.get 0) (f64.load (local.get 0)))))""",
    "memory limits at the maximum": "(module (memory 65536 65536))",
    "start function": "(module (func $s) (start $s))",
    "mutable global": "(module (global $g (mut i64) (i64.const 0)) (func (global.set $g (i64.const 1))))",
    "saturating truncation and sign extension": """(module (func (param f32) (result i64)
        (i64.extend16_s (i64.trunc_sat_f32_u (local.get 0)))))""",
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid(text: str) -> None:
    validate_module(decode_module(wat(text)))


INVALID = {
    "result type": ("(module (func (result i32) i64.const 1))", "type mismatch"),
    "empty stack": ("(module (func (result i32) i32.const 1 i32.add))", "type mismatch"),
    "value left over": ("(module (func i32.const 1))", "type mismatch"),
    "block leaves too many": ("(module (func (block (i32.const 1))))", "type mismatch"),
    "block takes from outside": ("(module (func (i32.const 1) (block (drop))))", "type mismatch"),
    "if without else changing types": (
        """(module (type $t (func (param i32) (result i64)))
             (func (i32.const 1) (i32.const 0) (if (type $t) (then unreachable)) drop))""",
        "type mismatch",
    ),
    "if arms differ": (
        "(module (func (result i32) (if (result i32) (i32.const 0) (then (i32.const 1)) (else (i64.const 1)))))",
        "type mismatch",
    ),
    "if condition": ("(module (func (if (i64.const 0) (then))))", "type mismatch"),
    "br value": ("(module (func (result i32) (block (result i32) (br 0 (f32.const 0)))))", "type mismatch"),
    "loop label takes params": (
        "(module (type $t (func (param i32))) (func (i32.const 0) (loop (type $t) (drop) (br 0))))",
        "type mismatch",
    ),
    "br_table arity": (
        "(module (func (block (result i32) (block (br_table 0 1 (i32.const 0) (i32.const 0))) (i32.const 0))drop))",
        "type mismatch",
    ),
    "unknown label": ("(module (func (br 1)))", "unknown label 1"),
    "unknown label in br_table": ("(module (func (br_table 0 3 (i32.const 0))))", "unknown label 3"),
    "unknown local": ("(module (func (param i32) (local i64) (drop (local.get 5))))", "unknown local 5"),
    "local type": ("(module (func (local f32) (local.set 0 (i32.const 0))))", "type mismatch"),
    "unknown global": ("(module (func (drop (global.get 0))))", "unknown global 0"),
    "immutable global": (
        "(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))",
        "global is immutable",
    ),
    "unknown function": ("(module (func (call 3)))", "unknown function 3"),
    "call arguments": ("(module (func $f (param i32)) (func (call $f (i64.const 0))))", "type mismatch"),
    "unknown type": ("(module (table 1 funcref) (func (call_indirect (type 9) (i32.const 0))))", "unknown type 9"),
    "unknown table": ("(module (type (func)) (func (call_indirect (type 0) (i32.const 0))))", "unknown table 0"),
    "call_indirect externref table": (
        "(module (type (func)) (table 1 externref) (func (call_indirect (type 0) (i32.const 0))))",
        "type mismatch",
    ),
    "unknown memory": ("(module (func (drop (i32.load (i32.const 0)))))", "unknown memory 0"),
    "memory.size without memory": ("(module (func (drop (memory.size))))", "unknown memory 0"),
    "alignment": (
        "(module (memory 1) (func (drop (i32.load16_s align=4 (i32.const 0)))))",
        "alignment must not be larger than natural",
    ),
    "store alignment": (
        "(module (memory 1) (func (i64.store align=16 (i32.const 0) (i64.const 0))))",
        "alignment must not be larger than natural",
    ),
    "untyped select of references": (
        "(module (func (drop (select (ref.null func) (ref.null func) (i32.const 1)))))",
        "type mismatch",
    ),
    "untyped select of different types": (
        "(module (func (drop (select (i32.const 0) (i64.const 0) (i32.const 1)))))",
        "type mismatch",
    ),
    "typed select of two types": (
        "(module (func (drop (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 1)))))",
        "invalid result arity",
    ),
    "ref.is_null of a number": ("(module (func (drop (ref.is_null (i32.const 0)))))", "type mismatch"),
    "undeclared function reference": (
        "(module (func $f) (func (drop (ref.func $f))))",
        "undeclared function reference",
    ),
    "ref.func unknown function": ("(module (global funcref (ref.func 5)))", "unknown function 5"),
    "table.set type": (
        "(module (table 1 funcref) (func (table.set 0 (i32.const 0) (ref.null extern))))",
        "type mismatch",
    ),
    "table.copy types": (
        """(module (table 1 funcref) (table 1 externref)
             (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))""",
        "type mismatch",
    ),
    "table.init types": (
        "(module (table 1 funcref) (elem externref) (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))",
        "type mismatch",
    ),
    "unknown elem segment": ("(module (func (elem.drop 0)))", "unknown elem segment 0"),
    "unknown data segment": ("(module (memory 1) (func (data.drop 0)))", "unknown data segment 0"),
    "memory.init without memory": (
        '(module (data "") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))',
        "unknown memory 0",
    ),
    "non-constant global initializer": (
        "(module (global i32 (i32.div_u (i32.const 1) (i32.const 2))))",
        "constant expression required",
    ),
    "extended constant of the wrong type": (
        "(module (global i32 (i32.add (i32.const 1) (i64.const 2))))",
        "type mismatch",
    ),
    "global initializer type": ("(module (global i32 (i64.const 0)))", "type mismatch"),
    "global initializer empty": ("(module (global i32))", "type mismatch"),
    "global.get of a later global": (
        "(module (global i32 (global.get 1)) (global i32 (i32.const 0)))",
        "unknown global 1",
    ),
    "global.get of a mutable defined global": (
        "(module (global (mut i32) (i32.const 0)) (global i32 (global.get 0)))",
        "constant expression required",
    ),
    "global.get of a mutable import": (
        '(module (import "m" "g" (global (mut i32))) (global i32 (global.get 0)))',
        "constant expression required",
    ),
    "data offset of a mutable global": (
        '(module (memory 1) (global (mut i32) (i32.const 0)) (data (global.get 0) ""))',
        "constant expression required",
    ),
    "memory64 offset above 2^32 in a 32-bit memory": (
        "(module (memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0)))))",
        "offset out of range",
    ),
    "memory64 address of the wrong type": (
        "(module (memory i64 1) (func (drop (i32.load (i32.const 0)))))",
        "type mismatch",
    ),
    "memory.copy length between i32 and i64 memories": (
        "(module (memory $a 1) (memory $b i64 1) (func (memory.copy $b $a (i64.const 0) (i32.const 0) (i64.const 0))))",
        "type mismatch",
    ),
    "data offset type": ('(module (memory 1) (data (i64.const 0) ""))', "type mismatch"),
    "data without memory": ('(module (data (i32.const 0) ""))', "unknown memory 0"),
    "elem without table": ("(module (func $f) (elem (i32.const 0) $f))", "unknown table 0"),
    "elem type vs table type": ("(module (table 1 externref) (func $f) (elem (i32.const 0) $f))", "type mismatch"),
    "elem item type": ("(module (elem externref (ref.null func)))", "type mismatch"),
    "memory too large": ("(module (memory 65537))", "memory size must be at most 65536 pages"),
    "memory max too large": ("(module (memory 0 65537))", "memory size must be at most 65536 pages"),
    "memory min above max": ("(module (memory 2 1))", "size minimum must not be greater than maximum"),
    "table min above max": ("(module (table 2 1 funcref))", "size minimum must not be greater than maximum"),
    "imported memory limits": (
        '(module (import "m" "m" (memory 3 2)))',
        "size minimum must not be greater than maximum",
    ),
    "start function type": ("(module (func $s (param i32)) (start $s))", "start function must have type [] -> []"),
    "unknown start function": ("(module (start 2))", "unknown function 2"),
    "duplicate export": (
        '(module (func) (memory 1) (export "a" (func 0)) (export "a" (memory 0)))',
        "duplicate export name",
    ),
    "export unknown global": ('(module (export "g" (global 0)))', "unknown global 0"),
    "import unknown type": ('(module (import "m" "f" (func (type 3))))', "unknown type 3"),
}


@pytest.mark.parametrize(("text", "message"), INVALID.values(), ids=INVALID.keys())
def test_invalid(text: str, message: str) -> None:
    err = invalid(text)
    assert err.kind == "invalid"
    assert message in err.message
    assert str(err).startswith("invalid: ") and "\n" not in str(err)


def test_error_offset_is_the_instruction() -> None:
    data = wat("(module (func (result i32) (i32.const 1) (f32.const 2) (i32.add)))")
    module = decode_module(data)
    add = next(i for i in module.funcs[0].body if i.op == "i32.add")
    with pytest.raises(WasmError) as info:
        validate_module(module)
    assert info.value.offset == add.offset and data[add.offset] == 0x6A


def _one_func(*body: Instr, results: tuple[str, ...] = (), local_types: tuple[str, ...] = ()) -> Module:
    """An L-wasm module as the text frontend might give it."""
    return Module(types=(FuncType((), results),), funcs=(Func(0, local_types, body),))


def test_else_without_if() -> None:
    module = _one_func(Instr("block", (FuncType(),)), Instr("else"), Instr("end"), Instr("end"))
    with pytest.raises(WasmError, match="else without a matching if"):
        validate_module(module)


def test_missing_final_end() -> None:
    with pytest.raises(WasmError, match="must end with end"):
        validate_module(_one_func(Instr("nop")))


def test_instructions_after_final_end() -> None:
    with pytest.raises(WasmError, match="after the function's final end"):
        validate_module(_one_func(Instr("end"), Instr("nop")))


def test_v128_locals_and_simd_operands() -> None:
    ok = _one_func(Instr("local.get", (0,)), Instr("i8x16.extract_lane_u", (15,)), Instr("end"), results=("i32",), local_types=("v128",))
    validate_module(ok)
    wrong_operand = _one_func(Instr("i32.const", (1,)), Instr("i8x16.abs"), Instr("drop"), Instr("end"))
    with pytest.raises(WasmError, match="type mismatch"):
        validate_module(wrong_operand)


@pytest.mark.parametrize(
    "instr, message",
    [
        (Instr("i8x16.extract_lane_u", (16,)), "invalid lane index"),
        (Instr("i64x2.extract_lane", (2,)), "invalid lane index"),
        (Instr("i8x16.shuffle", (tuple(range(15)) + (32,),)), "invalid lane index"),
    ],
)
def test_simd_lane_indices(instr: Instr, message: str) -> None:
    body = [Instr("local.get", (0,)), *([Instr("local.get", (0,))] if "shuffle" in instr.op else []), instr, Instr("drop"), Instr("end")]
    with pytest.raises(WasmError, match=message):
        validate_module(_one_func(*body, local_types=("v128",)))


def test_simd_memory_alignment() -> None:
    memory = (MemoryType(Limits(1)),)
    natural = Module(types=(FuncType(),), funcs=(Func(0, (), (Instr("i32.const", (0,)), Instr("v128.load64_splat", (3, 0, 0)), Instr("drop"), Instr("end"))),), memories=memory)
    validate_module(natural)
    too_big = replace(natural, funcs=(Func(0, (), (Instr("i32.const", (0,)), Instr("v128.load64_splat", (4, 0, 0)), Instr("drop"), Instr("end"))),))
    with pytest.raises(WasmError, match="alignment must not be larger than natural"):
        validate_module(too_big)


def test_wasm3_memories_and_constants_are_valid() -> None:
    """Invalid in Wasm 2.0, valid in 3.0: several memories, 64-bit ones, and
    constant expressions with arithmetic and defined globals."""
    valid = """(module (import "m" "m" (memory 1)) (memory $big i64 1) (global $g i64 (i64.const 8))
      (global i64 (i64.mul (global.get $g) (i64.const 2)))
      (data (memory $big) (i64.add (global.get $g) (i64.const 1)) "x")
      (func (result i64) (i64.load $big offset=4294967296 (memory.size $big))))"""
    validate_module(decode_module(wat(valid)))


def test_unknown_instruction() -> None:
    with pytest.raises(WasmError, match=r"unknown instruction i32\.frobnicate"):
        validate_module(_one_func(Instr("i32.frobnicate"), Instr("end")))


def test_valid_module_built_directly() -> None:
    module = _one_func(
        Instr("i32.const", (1,)), Instr("i32.const", (2,)), Instr("i32.add"), Instr("end"), results=("i32",)
    )
    validate_module(module)
