"""Every trap kind: the program prints `wasm trap: <reason>` and exits with
status 134 -- never a signal, never a core dump.  The expected reasons were
taken from wasmtime (tests/golden_cases/make_expected.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_util import wastrel
from tests.conftest import wat_to_wasm

TRAPS = Path(__file__).resolve().parent / "traps"
EXPECTED: dict[str, str] = json.loads((TRAPS / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.removesuffix(".wat"))
def test_trap(name: str) -> None:
    result = wastrel("run", wat_to_wasm(TRAPS / name), timeout=120)
    assert result.stderr == f"wasm trap: {EXPECTED[name]}\n"
    assert result.returncode == 134
    assert result.stdout == ""


def test_every_trap_kind_is_covered() -> None:
    kinds = set(EXPECTED.values())
    assert kinds >= {
        "integer divide by zero", "integer overflow", "invalid conversion to integer",
        "out of bounds memory access", "out of bounds table access", "undefined element",
        "uninitialized element", "indirect call type mismatch", "unreachable", "call stack exhausted",
    }  # fmt: skip
