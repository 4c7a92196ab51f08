"""Every trap kind: the program prints `wasm trap: <reason>` and exits with
status 134 -- never a signal, never a core dump.  The expected reasons were
taken from wasmtime (tests/golden_cases/make_expected.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_util import wastrel
from tests.conftest import wat_to_wasm

TRAPS = Path(__file__).resolve().parent / "traps"
EXPECTED: dict[str, str] = json.loads((TRAPS / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.removesuffix(".wat"))
def test_trap(name: str) -> None:
    result = wastrel("run", wat_to_wasm(TRAPS / name), timeout=120)
    trap, *backtrace = result.stderr.splitlines()
    assert trap == f"wasm trap: {EXPECTED[name]}"
    assert backtrace[0] == "wasm backtrace:" and len(backtrace) > 1
    for k, frame in enumerate(backtrace[1:]):
        assert re.fullmatch(rf" +{k}: \S+ \(function \d+, code at 0x[0-9a-f]+\)", frame), frame
    assert result.returncode == 134
    assert result.stdout == ""


def test_every_trap_kind_is_covered() -> None:
    kinds = set(EXPECTED.values())
    assert kinds >= {
        "integer divide by zero", "integer overflow", "invalid conversion to integer",
        "out of bounds memory access", "out of bounds table access", "undefined element",
        "uninitialized element", "indirect call type mismatch", "unreachable", "call stack exhausted",
    }  # fmt: skip


# Precise and fast traps (runtime/wastrel_ops.h): a command's instance never
# outlives a trap, so its C is built with fast traps; any other module's
# instance goes on after one (`--invoke-lines`), with memory exactly as the
# stores before the trap left it.

CALLS_AFTER_A_TRAP = """(module
  (memory 1)
  (func (export "store") (param i32) (i32.store (i32.const 0) (local.get 0)))
  (func (export "get") (result i32) (i32.load (i32.const 0)))
  (func (export "store_then_trap")
    (i32.store (i32.const 0) (i32.const 7))
    (i32.store (i32.const 70000) (i32.const 8))
    (i32.store (i32.const 0) (i32.const 9)))
  {start})
"""
CALLS = "store 5\nstore_then_trap\nget\n"


def _compile(tmp_path: Path, source: str) -> tuple[Path, str]:
    wat = tmp_path / "module.wat"
    wat.write_text(source)
    program, c_dir = tmp_path / "program", tmp_path / "c"
    c_dir.mkdir()
    built = wastrel("compile", wat_to_wasm(wat), "-o", program, "--emit-c", c_dir)
    assert built.returncode == 0, built.stderr
    return program, "".join(f.read_text() for f in sorted(c_dir.glob("*.[ch]")) if f.name.startswith("module"))


def test_a_module_that_is_no_command_has_precise_traps(tmp_path: Path) -> None:
    program, c = _compile(tmp_path, CALLS_AFTER_A_TRAP.format(start=""))
    assert "W_PRECISE_TRAPS" not in c  # the default: precise
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input=CALLS, capture_output=True, text=True, timeout=60)
    assert (run.stdout, run.stderr, run.returncode) == ("--\n--\n7\n--\n", "wasm trap: out of bounds memory access\n", 0)


def test_a_command_has_fast_traps_and_stops_at_its_first_trap(tmp_path: Path) -> None:
    program, c = _compile(tmp_path, CALLS_AFTER_A_TRAP.format(start='(func (export "_start"))'))
    assert c.startswith("#define W_PRECISE_TRAPS 0")
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input=CALLS, capture_output=True, text=True, timeout=60)
    assert (run.stdout, run.stderr, run.returncode) == ("--\n--\n", "wasm trap: out of bounds memory access\n", 134)


TWO_TRAPS = """(module
  (memory 1)
  (func (export "two_traps") (result i32)
    (local $x i32)
    (local.set $x (i32.load (i32.const 70000)))
    (i32.add (local.get $x) (i32.div_u (i32.const 1) (i32.const 0))))
  {start})
"""


def test_of_two_traps_precise_reports_the_first(tmp_path: Path) -> None:
    program, _ = _compile(tmp_path, TWO_TRAPS.format(start=""))
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input="two_traps\n", capture_output=True, text=True, timeout=60)
    assert run.stderr == "wasm trap: out of bounds memory access\n"


def test_of_two_traps_fast_reports_one(tmp_path: Path) -> None:
    """With fast traps the load, whose value only the trapping addition
    would use, may go: the program still traps, maybe with the other reason."""
    program, _ = _compile(tmp_path, TWO_TRAPS.format(start='(func (export "_start"))'))
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke two_traps"}, capture_output=True, text=True, timeout=60)
    assert (run.stdout, run.returncode) == ("", 134)
    assert run.stderr.splitlines()[0] in ("wasm trap: out of bounds memory access", "wasm trap: integer divide by zero")


BACKTRACE = """(module
  (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $middle (i32.sub (local.get 0) (i32.const 1))) (local.get 0)))
      (else (call $inner (local.get 0)))))
  (func (export "run") (param i32) (result i32) (call $middle (local.get 0))))"""


def test_a_trap_shows_its_backtrace(tmp_path: Path) -> None:
    """After the trap's line, the Wasm functions on the stack, innermost
    first, by their names, with where each one's code starts in the module:
    the offsets wasmtime gives its frames' functions (a function the C
    compiler inlined is its caller's frame).  WASTREL_BACKTRACE=0: the
    trap's one line.  A module read from text has the offsets of its
    binary encoding."""
    import wasmtime

    wasm = tmp_path / "bt.wasm"
    wasm.write_bytes(wasmtime.wat2wasm(BACKTRACE))
    store = wasmtime.Store()
    run = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm.read_bytes()), []).exports(store)["run"]
    with pytest.raises(wasmtime.Trap) as trap:
        run(store, 3)  # (wasmtime's Python API gives 20 frames at most)
    starts = {f"(function {f.func_index}, code at {f.module_offset - f.func_offset:#x})" for f in trap.value.frames}
    traced = wastrel("run", "--invoke", "run", wasm, "30")
    lines = traced.stderr.splitlines()
    assert traced.returncode == 134
    assert lines[:2] == ["wasm trap: integer divide by zero", "wasm backtrace:"]
    frames = [line.split(": ", 1)[1] for line in lines[2:]]
    assert frames[-1] == "run (function 2, code at 0x42)" and "middle (function 1, code at 0x2b)" in frames
    assert {frame.split(" ", 1)[1] for frame in frames} <= starts
    quiet = subprocess.run([sys.executable, "-m", "wastrel", "run", "--invoke", "run", str(wasm), "30"],
                           capture_output=True, text=True, env={**os.environ, "WASTREL_BACKTRACE": "0"})  # fmt: skip
    assert (quiet.returncode, quiet.stderr) == (134, "wasm trap: integer divide by zero\n")
    text = tmp_path / "bt.wat"
    text.write_text(BACKTRACE)
    with_cache_of_its_own = {"WASTREL_CACHE_DIR": str(tmp_path / "cache")}  # (else it is the .wasm's program)
    from_text = subprocess.run([sys.executable, "-m", "wastrel", "run", "--invoke", "run", str(text), "30"],
                               capture_output=True, text=True, env={**os.environ, **with_cache_of_its_own}).stderr.splitlines()  # fmt: skip
    assert from_text == lines  # the offsets of its binary encoding
