"""WasmGC programs end to end, with the collector at work.

The spec scripts (tests/test_spec.py, also under WASTREL_GC_STRESS=1) and
golden case `gc` (against wasmtime's answers) cover the instructions; the
collector's own C tests are in tests/test_runtime.py.  Here: programs that
make the collector work -- every GC benchmark of bench/gc against wasmtime
(small sizes), objects with v128 fields (alignment), exceptions carrying
objects, a program that allocates forever in bounded memory, one that
truly runs out -- each also in stress mode where that stays fast.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import wasmtime

from tests.cli_util import wastrel

BENCH = Path(__file__).resolve().parent.parent / "bench" / "gc"


def compile_program(tmp_path: Path, source: Path | str, name: str = "m") -> Path:
    if isinstance(source, str):
        path = tmp_path / f"{name}.wat"
        path.write_text(source)
        source = path
    binary = tmp_path / f"{name}.bin"
    result = wastrel("compile", source, "-o", binary)
    assert result.returncode == 0, result.stderr
    return binary


def invoke(binary: Path, export: str, *args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, *map(str, args)],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {}), "WASTREL_OPTIONS": f"--invoke {export}"},
    )  # fmt: skip


def wasmtime_run(source: Path, export: str, *args: int) -> object:
    config = wasmtime.Config()
    config.wasm_gc = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    for name in ("start", "end"):
        linker.define_func("bench", name, wasmtime.FuncType([], []), lambda: None)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(source)))
    return instance.exports(store)[export](store, *args)


@pytest.mark.parametrize(
    "name, arg, stress_arg",
    [
        ("binary_trees", 10, 6),
        ("long_arrays", 40, 3),
        ("small_structs", 300_000, 2_000),
        ("deep_list", 100_000, 300),
        ("casts", 100, 3),
    ],
)
def test_gc_benchmarks_agree_with_wasmtime(tmp_path: Path, name: str, arg: int, stress_arg: int) -> None:
    source = BENCH / f"{name}.wat"
    binary = compile_program(tmp_path, source, name)
    for size, env in ((arg, {}), (stress_arg, {"WASTREL_GC_STRESS": "1"})):
        result = invoke(binary, "run", size, env=env)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) == wasmtime_run(source, "run", size), (size, env)


V128_OBJECTS = """
(module
  (type $cell (struct (field $tag i32) (field $v (mut v128)) (field $next (ref null $cell))))
  (type $vectors (array (mut v128)))
  (type $odd (struct (field i32)))  ;; 12 bytes: a 16-byte slot between the others
  (func (export "run") (param $n i32) (result i64)
    (local $list (ref null $cell)) (local $i i32) (local $acc v128) (local $a (ref $vectors))
    (local.set $a (array.new $vectors (v128.const i32x4 1 2 3 4) (i32.const 3)))
    (loop $make
      (drop (struct.new $odd (local.get $i)))
      (local.set $list (struct.new $cell (local.get $i) (i32x4.splat (local.get $i)) (local.get $list)))
      (drop (array.new_default $vectors (i32.and (local.get $i) (i32.const 7))))
      (br_if $make (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $done
      (loop $sum
        (br_if $done (ref.is_null (local.get $list)))
        (local.set $acc (i32x4.add (local.get $acc) (struct.get $cell $v (local.get $list))))
        (local.set $list (struct.get $cell $next (local.get $list)))
        (br $sum)))
    (local.set $acc (i32x4.add (local.get $acc) (array.get $vectors (local.get $a) (i32.const 2))))
    (i64.add (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $acc))) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $acc)))))
)
"""


def test_objects_with_vectors_are_aligned(tmp_path: Path) -> None:
    """v128 fields and elements (aligned loads and stores, 16 bytes) among
    objects of sizes that are multiples of 8 only."""
    binary = compile_program(tmp_path, V128_OBJECTS)
    source = tmp_path / "m.wat"
    for n, env in ((50_000, {}), (200, {"WASTREL_GC_STRESS": "1"})):
        result = invoke(binary, "run", n, env=env)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) == wasmtime_run(source, "run", n)


EXCEPTIONS = """
(module
  (type $box (struct (field $v i32)))
  (tag $boxed (param (ref $box)))
  (func $garbage (param $n i32)
    (loop $more
      (drop (struct.new $box (local.get $n)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func $thrower (param $v i32)
    (local $b (ref null $box))
    (local.set $b (struct.new $box (local.get $v)))
    (call $garbage (i32.const 10000))
    (throw $boxed (ref.as_non_null (local.get $b))))
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32) (local $b (ref null $box))
    (loop $again
      (block $caught (result (ref $box))
        (try_table (catch $boxed $caught) (call $thrower (local.get $n)))
        (unreachable))
      (local.set $b)
      (call $garbage (i32.const 1000))
      (local.set $sum (i32.add (local.get $sum) (struct.get $box $v (local.get $b))))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
)
"""


def test_exceptions_carry_objects_through_collections(tmp_path: Path) -> None:
    binary = compile_program(tmp_path, EXCEPTIONS)
    for n, env in ((300, {}), (3, {"WASTREL_GC_STRESS": "1"})):
        result = invoke(binary, "run", n, env=env)
        assert result.returncode == 0, result.stderr
        assert int(result.stdout) == n * (n + 1) // 2


FOREVER = """
(module
  (type $node (struct (field i64) (field (ref null $node))))
  (type $bytes (array (mut i8)))
  (global $keep (mut (ref null $node)) (ref.null $node))
  ;; n rounds of a 1000-node list (kept in a global until the next round)
  ;; and an array of 100 KB: 40 bytes + 100 KB a round, all garbage soon.
  (func (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $list (ref null $node))
    (loop $round
      (local.set $list (ref.null $node))
      (local.set $i (i32.const 1000))
      (loop $node
        (local.set $list (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $list)))
        (br_if $node (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (global.set $keep (local.get $list))
      (drop (array.new_default $bytes (i32.const 100000)))
      (br_if $round (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.wrap_i64 (struct.get $node 0 (ref.as_non_null (global.get $keep)))))
  ;; a list that only grows
  (func (export "hoard") (param $n i32)
    (loop $more
      (global.set $keep (struct.new $node (i64.extend_i32_u (local.get $n)) (global.get $keep)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
)
"""


def test_a_program_that_allocates_forever_stays_in_bounded_memory(tmp_path: Path) -> None:
    """20,000 rounds of 140 KB: 2.8 GB allocated under a 32 MiB limit."""
    binary = compile_program(tmp_path, FOREVER)
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", binary, "20000"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "WASTREL_GC_MAX_HEAP": "32M", "WASTREL_OPTIONS": "--invoke churn"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    peak_kb = int(result.stderr.split()[-1])
    assert peak_kb < 48 * 1024, f"peak {peak_kb} KB"


def test_a_program_that_truly_runs_out_of_memory_traps(tmp_path: Path) -> None:
    binary = compile_program(tmp_path, FOREVER)
    result = invoke(binary, "hoard", 10_000_000, env={"WASTREL_GC_MAX_HEAP": "64M"})
    assert result.returncode == 134
    assert result.stderr.splitlines()[0] == "wasm trap: out of memory"


def test_run_prints_a_gc_command_output(tmp_path: Path) -> None:
    """A WASI command that keeps its data in GC objects (splay-like usage):
    `wastrel run` as a user runs it."""
    source = tmp_path / "hello.wat"
    source.write_text(
        """(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (type $chars (array (mut i8)))
          (data $text "hello, objects\\n")
          (func (export "_start")
            (local $s (ref $chars)) (local $i i32)
            (local.set $s (array.new_data $chars $text (i32.const 0) (i32.const 15)))
            (loop $copy
              (i32.store8 offset=16 (local.get $i) (array.get_u $chars (local.get $s) (local.get $i)))
              (br_if $copy (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (array.len (local.get $s)))))
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (array.len (local.get $s)))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"""
    )
    result = wastrel("run", source)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello, objects\n"
