"""Tail calls run in constant stack: 10^9 mutual tail calls (return_call,
and return_call_indirect through a table) end with the right answer
instead of exhausting the stack, while an ordinary deep recursion still
exhausts it (a trap, as the spec wants).

gcc 12 has no `musttail`: a function with tail calls is compiled with
sibling-call optimisation on (W_TAIL_CALLS, runtime/wastrel.h), and gcc
then jumps instead of calling -- provided the callee needs no more stack
for its arguments than the caller was given.  No call passes arguments on
the stack (parameters beyond the registers go through `w_spill`,
backend_c/names.py), so that always holds; the last tests are such a call,
and the same with clang.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_util import wastrel

MUTUAL = """
(module
  (type $t (func (param i64) (result i32)))
  (table funcref (elem $even $odd))
  (func $even (export "even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $odd (export "odd") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 0))
      (else (return_call_indirect (type $t) (i64.sub (local.get $n) (i64.const 1)) (i32.const 0)))))
  (func $deep (export "deep") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 1))
      (else (call $deep (i64.sub (local.get $n) (i64.const 1)))))))
"""

# Two parameters tail-call nine (three on the stack) and back.
WIDER_CALLEE = """
(module
  (type $narrow_t (func (param i64 i64) (result i64)))
  (type $wide_t (func (param i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (table funcref (elem $narrow $wide))
  (func $narrow (export "narrow") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_indirect (type $wide_t)
        (local.get $n) (local.get $acc) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
        (i64.const 5) (i64.const 6) (i64.const 7) (i32.const 1)))))
  (func $wide (param $n i64) (param $acc i64) (param $a i64) (param $b i64) (param $c i64) (param $d i64)
              (param $e i64) (param $f i64) (param $g i64) (result i64)
    (return_call_indirect (type $narrow_t)
      (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $g)) (i32.const 0))))
"""


def run(tmp_path: Path, wat: str, *invocation: str, cc: str = "gcc") -> tuple[int, str, str]:
    module = tmp_path / "module.wat"
    module.write_text(wat)
    result = wastrel("run", "--cc", cc, "--invoke", *invocation[:1], module, *invocation[1:], timeout=600)
    return result.returncode, result.stdout.strip(), result.stderr.split("\n")[0]  # (the trap, without its backtrace)


@pytest.mark.parametrize("export, count, answer", [("even", "1000000000", "1"), ("odd", "999999999", "1")])
def test_a_billion_tail_calls(tmp_path: Path, export: str, count: str, answer: str) -> None:
    assert run(tmp_path, MUTUAL, export, count) == (0, answer, "")


def test_ordinary_recursion_still_exhausts_the_stack(tmp_path: Path) -> None:
    status, _, stderr = run(tmp_path, MUTUAL, "deep", "1000000000")
    assert status != 0 and stderr == "wasm trap: call stack exhausted"


def test_tail_calls_to_a_callee_with_more_arguments_than_registers(tmp_path: Path) -> None:
    """Nine i64 parameters: three past the registers, passed in w_spill, so
    that gcc can still jump (it cannot to a callee needing stack arguments)."""
    assert run(tmp_path, WIDER_CALLEE, "narrow", "10000000", "0") == (0, "70000000", "")


@pytest.mark.skipif(shutil.which("clang") is None, reason="no clang")
@pytest.mark.parametrize("wat, invocation, answer", [
    (MUTUAL, ("even", "1000000000"), "1"),
    (WIDER_CALLEE, ("narrow", "10000000", "0"), "70000000"),
])  # fmt: skip
def test_clang_too(tmp_path: Path, wat: str, invocation: tuple[str, ...], answer: str) -> None:
    """With clang, sibling calls stay on and functions without return_call
    turn them off (W_NO_TAIL_CALLS); $even and $odd, of one C type, are
    musttail calls besides."""
    assert run(tmp_path, wat, *invocation, cc="clang") == (0, answer, "")
    status, _, stderr = run(tmp_path, MUTUAL, "deep", "1000000000", cc="clang")
    assert status != 0 and stderr == "wasm trap: call stack exhausted"


# Parameters beyond the registers (w_spill): nested calls that both spill,
# mixed types, a call through a table, and a host function (WASI path_open,
# 9 parameters) called directly and through a reference (an adapter).
SPILLS = """
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (type $many_t (func (param i32 i64 f64 i32 i64 f64 i32 i64 f64 i32 f32 v128 i32) (result i64)))
  (type $open_t (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table funcref (elem $many $path_open))
  (func $many (param $a i32) (param $b i64) (param $c f64) (param $d i32) (param $e i64) (param $f f64)
              (param $g i32) (param $h i64) (param $i f64) (param $j i32) (param $k f32) (param $v v128) (param $l i32)
              (result i64)
    (i64.add
      (i64.add (i64.extend_i32_u (i32.add (local.get $a) (i32.mul (local.get $d) (i32.const 10))))
               (i64.mul (i64.add (local.get $b) (local.get $e)) (local.get $h)))
      (i64.add (i64.trunc_f64_s (f64.add (f64.add (local.get $c) (local.get $f)) (local.get $i)))
               (i64.add (i64.extend_i32_u (i32.add (i32.add (local.get $g) (local.get $j)) (local.get $l)))
                        (i64.add (i64.trunc_f32_s (local.get $k)) (i64x2.extract_lane 1 (local.get $v)))))))
  (func (export "nested") (param $x i32) (result i64)
    (call $many (local.get $x) (i64.const 2) (f64.const 3.5) (i32.const 4) (i64.const 5) (f64.const 6.25)
      (i32.wrap_i64 (call $many (i32.const 1) (i64.const 1) (f64.const 1) (i32.const 1) (i64.const 1) (f64.const 1)
        (i32.const 1) (i64.const 1) (f64.const 1) (i32.const 1) (f32.const 1) (v128.const i64x2 0 100) (local.get $x)))
      (i64.const 8) (f64.const 9.75) (i32.const 10) (f32.const 11) (v128.const i64x2 0 1000)
      (i32.wrap_i64 (call_indirect (type $many_t) (i32.const 2) (i64.const 2) (f64.const 2) (i32.const 2) (i64.const 2)
        (f64.const 2) (i32.const 2) (i64.const 2) (f64.const 2) (i32.const 2) (f32.const 2) (v128.const i64x2 0 7)
        (i32.const 2) (i32.const 0)))))
  (func (export "open_direct") (result i32)
    (call $path_open (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
      (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 64)))
  (func (export "open_indirect") (result i32)
    (call_indirect (type $open_t) (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
      (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 64) (i32.const 1))))
"""


def test_parameters_beyond_the_registers_against_wasmtime(tmp_path: Path) -> None:
    import wasmtime

    module = tmp_path / "spills.wat"
    module.write_text(SPILLS)
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    store.set_wasi(wasmtime.WasiConfig())
    instance = linker.instantiate(store, wasmtime.Module(engine, SPILLS))
    for export, args in [("nested", ["3"]), ("open_direct", []), ("open_indirect", [])]:
        expected = str(instance.exports(store)[export](store, *map(int, args)))
        assert run(tmp_path, SPILLS, export, *args) == (0, expected, "")
