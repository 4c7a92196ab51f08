"""Conformance of the decoder and validator with the official spec suite.

For each script of the suite whose level in spec-levels.json is "wasm1" or
"wasm2-simd", `wasm-tools json-from-wast` writes its modules as binaries, and:

* every `module` (and `module_definition`) decodes and validates;
* every `assert_invalid` module that has a binary fails to decode or validate;
* every binary `assert_malformed` module fails to decode.

Text-format `assert_malformed` modules are not binaries and are not checked.
The suite is looked for at ../shared/wasm-testsuite from the repository, or
where WASTREL_TESTSUITE says; spec-levels.json sits next to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wastrel.frontend import WasmError, decode_module, validate_module

REPO = Path(__file__).resolve().parent.parent
WASM_TOOLS = Path(sys.executable).parent / "wasm-tools"  # installed with the venv's Python
SUITE = Path(os.environ.get("WASTREL_TESTSUITE", REPO.parent / "shared" / "wasm-testsuite"))
LEVELS_FILE = SUITE.parent / "spec-levels.json"
LEVELS = ("wasm1", "wasm2-simd")

# (script, line) -> why that check cannot pass.  Empty: every check passes.
KNOWN_FAILURES: dict[tuple[str, int], str] = {}


def _scripts() -> list[str]:
    if not LEVELS_FILE.is_file():
        return []
    levels = json.loads(LEVELS_FILE.read_text())["levels"]
    return sorted(name for name, level in levels.items() if level in LEVELS and (SUITE / name).is_file())


SCRIPTS = _scripts()

pytestmark = pytest.mark.skipif(not SCRIPTS, reason=f"no spec suite with levels at {SUITE}")


def _convert(script: str, out: Path) -> list[dict]:
    """The commands of a script, its modules written as files in `out`."""
    result = subprocess.run(
        [WASM_TOOLS, "json-from-wast", "--output", out / "x.json", "--wasm-dir", out, SUITE / script],
        capture_output=True,
        text=True,
    )
    if result.returncode == 1:  # an error reported by wasm-tools, not a crash
        pytest.xfail(f"wasm-tools rejects the script: {result.stderr.strip().splitlines()[0]}")
    assert result.returncode == 0, f"wasm-tools json-from-wast failed: {result.stderr}"
    return json.loads((out / "x.json").read_text())["commands"]


def _binary(command: dict) -> str | None:
    """The module file of a command, if it is a binary."""
    if "binary_filename" in command:
        return command["binary_filename"]
    filename = command.get("filename", "")
    return filename if filename.endswith(".wasm") else None


def _check(command: dict, data: bytes) -> str | None:
    """What is wrong with how the frontend treats this command, if anything."""
    kind = command["type"]
    try:
        module = decode_module(data)
    except WasmError as err:
        if kind in ("module", "module_definition"):
            return f"rejected a valid module: {err}"
        return None
    if kind == "assert_malformed":
        return f"decoded a malformed module (expected {command['text']!r})"
    try:
        validate_module(module)
    except WasmError as err:
        return f"rejected a valid module: {err}" if kind != "assert_invalid" else None
    if kind == "assert_invalid":
        return f"accepted an invalid module (expected {command['text']!r})"
    return None


def _is_checked(command: dict) -> bool:
    if command["type"] == "assert_malformed":
        return command.get("module_type") == "binary"
    return command["type"] in ("module", "module_definition", "assert_invalid")


@pytest.mark.parametrize("script", SCRIPTS)
def test_script(script: str, tmp_path: Path) -> None:
    failures, known, fixed = [], [], []
    for command in filter(_is_checked, _convert(script, tmp_path)):
        where = f"line {command['line']}"
        filename = _binary(command)
        if filename is None:
            if command["type"] != "assert_invalid":  # an invalid text module may have no binary
                failures.append(f"{where}: {command['type']} has no binary")
            continue
        problem = _check(command, (tmp_path / filename).read_bytes())
        reason = KNOWN_FAILURES.get((script, command["line"]))
        if problem and reason:
            known.append(f"{where}: {reason}")
        elif problem:
            failures.append(f"{where}: {problem}")
        elif reason:
            fixed.append(f"{where}: passes now, remove it from KNOWN_FAILURES")
    assert not failures + fixed, "\n".join(failures + fixed)
    if known:
        pytest.xfail("; ".join(known))
