"""The golden cases, run: each case's calls, made in order on one instance
(state carries over, traps included), must give what wasmtime gave
(tests/golden_cases/expected.json, made by make_expected.py).

The compiled program's `--invoke-lines` mode makes the calls.  A call whose
arguments the command line cannot express (a NaN with a payload) is left
out; `test_nearly_every_call_is_checked` keeps that rare.
"""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
from pathlib import Path

import pytest

from tests.cli_util import wastrel
from tests.conftest import wat_to_wasm

CASES_DIR = Path(__file__).resolve().parent / "golden_cases"
EXPECTED: dict[str, list[dict]] = json.loads((CASES_DIR / "expected.json").read_text())


def argument_text(value: object) -> str | None:
    """An argument as the command line writes it, or None if it cannot."""
    if value is None:
        return "null"
    if value == "ref":  # the host's externref: reference number 0
        return "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.startswith(("f32:", "f64:")):
        number = decode_float(value)
        return None if math.isnan(number) else number.hex()
    return None


def decode_float(value: str) -> float:
    kind, bits = value.split(":")
    if kind == "f32":
        return struct.unpack("<f", struct.pack("<I", int(bits, 16)))[0]
    return struct.unpack("<d", struct.pack("<Q", int(bits, 16)))[0]


def result_matches(expected: object, printed: str) -> bool:
    if expected is None:
        return printed == "null"
    if expected == "ref":
        return printed == "ref"
    if isinstance(expected, int):
        return printed == str(expected)
    assert isinstance(expected, str)
    number = decode_float(expected)
    if math.isnan(number):
        return printed == "nan"
    kind = expected.split(":")[0]
    fmt = "<f" if kind == "f32" else "<d"
    return struct.pack(fmt, float(printed)) == struct.pack(fmt, number)


def expressible(call: dict) -> bool:
    return all(argument_text(a) is not None for a in call["args"])


def check_calls(program: Path, case: str) -> None:
    """Runs the case's expressible calls through the program's `--invoke-lines`
    and checks results and traps against wasmtime's (golden_cases/expected.json)."""
    calls = [c for c in EXPECTED[case] if expressible(c)]
    script = "".join(" ".join([c["export"], *map(argument_text, c["args"])]) + "\n" for c in calls)  # type: ignore[arg-type]
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input=script, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    outputs = run.stdout.split("--\n")
    traps = iter(run.stderr.splitlines())
    assert len(outputs) == len(calls) + 1
    for c, output in zip(calls, outputs):
        where = f"{c['export']}({', '.join(map(str, c['args']))})"
        if "trap" in c:
            assert output == "", where
            assert next(traps) == f"wasm trap: {c['trap']}", where
        else:
            printed = output.splitlines()
            assert len(printed) == len(c["results"]), where
            for want, got in zip(c["results"], printed):
                assert result_matches(want, got), f"{where}: expected {want}, got {got}"


@pytest.mark.parametrize("case", sorted(EXPECTED), ids=str)
def test_calls_match_wasmtime(case: str, tmp_path: Path) -> None:
    program = tmp_path / case
    built = wastrel("compile", wat_to_wasm(CASES_DIR / f"{case}.wat"), "-o", program)
    assert built.returncode == 0, built.stderr
    check_calls(program, case)


def test_nearly_every_call_is_checked() -> None:
    calls = [c for case in EXPECTED.values() for c in case]
    left_out = [c for c in calls if not expressible(c)]
    assert len(left_out) <= len(calls) // 20, left_out
