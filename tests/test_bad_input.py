"""Malformed and invalid modules are rejected before any C is made: one line
on stderr naming the file, the byte offset and the problem; exit status 1;
never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_util import wastrel, wastrel_passes

INVALID = Path(__file__).resolve().parent / "invalid"
EXPECTED: dict[str, dict[str, str]] = json.loads((INVALID / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.removesuffix(".wasm"))
def test_rejected_with_one_line(name: str) -> None:
    expected = EXPECTED[name]
    result = wastrel("run", INVALID / name)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"wastrel: {INVALID / name}: {expected['kind']}: ")
    assert expected["keyword"].lower() in line.lower()
    assert "at byte 0x" in line or expected["kind"] == "malformed" and "unexpected end" in line
    assert result.stdout == ""


def test_missing_file() -> None:
    result = wastrel("run", "/nonexistent/x.wasm")
    assert result.returncode == 1
    assert result.stderr.strip() == "wastrel: /nonexistent/x.wasm: No such file or directory"


def test_passes_reports_bad_module_too() -> None:
    result = wastrel_passes("--dump-after=stack-to-tree", INVALID / "type_mismatch_add_f32.wasm")
    assert result.returncode == 1
    assert "invalid: " in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_import_is_a_link_error(tmp_path: Path) -> None:
    wat = tmp_path / "imp.wat"
    wat.write_text('(module (import "env" "missing" (func)) (func (export "_start") call 0))')
    result = wastrel("run", wat)
    assert result.returncode == 1
    assert result.stderr.strip() == f"wastrel: {wat}: unknown import: env.missing (the runtime provides wasi_snapshot_preview1)"
