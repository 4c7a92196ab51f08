"""memory64 and multi-memory end to end: modules of our own, run by
the program `wastrel compile` makes (`--invoke-lines`) and by wasmtime (memory64 and multi-memory
enabled), call by call on one instance.

The spec suite (tests/test_spec.py) covers the instructions one by one;
these cases are about what it cannot show: a 64-bit memory used beyond
4 GiB of addresses (grown there, written and read back, its bounds checked
at the last byte), and two memories side by side in one function (each with
its own base and bounds; copies between a 32-bit and a 64-bit memory).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

GIB = 1 << 30

BEYOND_4GIB = """
(module
  (memory $m i64 1)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "load_offset") (param i64) (result i32) (i32.load8_u offset=4294967296 (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2))))
"""

TWO_MEMORIES = """
(module
  (memory $small 1)
  (memory $big i64 2)
  (data (memory $small) (i32.const 8) "wastrel")
  (func (export "copy") (param i64 i32 i32) (memory.copy $big $small (local.get 0) (local.get 1) (local.get 2)))
  (func (export "both") (param i32 i64) (result i32)
    (i32.add (i32.load8_u $small (local.get 0)) (i32.load8_u $big (local.get 1))))
  (func (export "poke") (param i32 i32) (i32.store8 $small (local.get 0) (local.get 1)))
  (func (export "sizes") (result i64)
    (i64.add (i64.extend_i32_u (memory.size $small)) (i64.mul (memory.size $big) (i64.const 1000)))))
"""

CALLS = {
    "beyond_4gib": (
        BEYOND_4GIB,
        [
            ("size", []),
            ("grow", [5 * GIB // 65536]),  # to 5 GiB + one page
            ("size", []),
            ("store", [4 * GIB + 12345, 0x0123456789ABCDEF]),
            ("load", [4 * GIB + 12345]),
            ("load", [4 * GIB + 12344]),
            ("store", [5 * GIB + 65536 - 8, -1]),
            ("load", [5 * GIB + 65536 - 8]),
            ("load", [5 * GIB + 65536 - 7]),  # one byte past the end: traps
            ("load_offset", [12345]),
            ("load_offset", [-1]),  # address + offset overflows 64 bits: traps
            ("fill", [4 * GIB, 7, 16]),
            ("load", [4 * GIB + 8]),
            ("fill", [5 * GIB, 1, 65537]),  # past the end: traps, fills nothing
            ("load", [5 * GIB]),
            ("grow", [1 << 40]),  # far too much: -1
        ],
    ),
    "two_memories": (
        TWO_MEMORIES,
        [
            ("sizes", []),
            ("copy", [65536 + 100, 8, 7]),
            ("both", [8, 65536 + 100]),
            ("poke", [9, 1]),
            ("both", [9, 65536 + 101]),
            ("copy", [2 * 65536 - 3, 8, 7]),  # past the end of $big: traps
            ("both", [0, 2 * 65536 - 3]),
        ],
    ),
}


def wasmtime_outcomes(wat: str, calls: list[tuple[str, list[int]]]) -> list[str]:
    config = wasmtime.Config()
    config.wasm_memory64 = True
    config.wasm_multi_memory = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wat), [])
    out = []
    for name, args in calls:
        try:
            result = instance.exports(store)[name](store, *args)
            out.append("" if result is None else str(result))
        except wasmtime.Trap as trap:
            out.append("trap: out of bounds memory access" if "out of bounds" in str(trap) else f"trap: {trap}")
    return out


def wastrel_outcomes(wat: str, calls: list[tuple[str, list[int]]], tmp_path: Path) -> list[str]:
    """One outcome per call: the printed result (nothing for none) or
    `trap: <reason>` (`--invoke-lines` prints a call's results, or its trap
    on stderr, then `--`; both streams go to one pipe, in order)."""
    module, program = tmp_path / "module.wat", tmp_path / "program"
    module.write_text(wat)
    compiled = subprocess.run([sys.executable, "-m", "wastrel", "compile", str(module), "-o", str(program)], capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    lines = "".join(" ".join([name, *map(str, args)]) + "\n" for name, args in calls)
    result = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input=lines, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert result.returncode == 0, result.stdout
    blocks = result.stdout.split("--\n")[:-1]
    assert len(blocks) == len(calls), result.stdout
    return [block.strip().replace("wasm trap: ", "trap: ") for block in blocks]


@pytest.mark.parametrize("case", sorted(CALLS))
def test_matches_wasmtime(case: str, tmp_path: Path) -> None:
    wat, calls = CALLS[case]
    assert wastrel_outcomes(wat, calls, tmp_path) == wasmtime_outcomes(wat, calls)
