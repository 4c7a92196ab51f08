"""The official spec suite, through `wastrel wast`'s runner: every script
(custom/ and legacy/ included) of every level in ../shared/spec-levels.json (wasm1, wasm2-simd,
wasm2 with SIMD, wasm3, legacy) must pass every assertion, except
the scripts listed in tests/spec_expected_failures.txt, and skip none
(the runner skips what needs a feature wastrel lacks: none of these
levels does).  The scripts that use GC run again with the collector's
stress mode on (WASTREL_GC_STRESS=1: a collection at every allocation).

The suite is read in place: ../shared/wasm-testsuite beside the checkout, or
$WASTREL_TESTSUITE.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from wastrel.backend_c.toolchain import Toolchain
from wastrel.wast.runner import run_script

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("WASTREL_TESTSUITE", ROOT.parent / "shared" / "wasm-testsuite"))
LEVELS_FILE = SUITE.parent / "spec-levels.json"
LEVELS = ("wasm1", "wasm2-simd", "wasm2", "wasm3", "legacy")
#: What makes a script one of GC's: its instructions or its types.
GC_TEXT = re.compile(r"\b(struct|array)\.|ref\.(cast|test)|br_on_cast|\(sub |\bi31|\b(any|eq|struct|array|null)ref\b|\(ref (null )?(any|eq|i31|struct|array|none)\)|convert_(any|extern)")


def expected_failures() -> dict[str, str]:
    lines = (ROOT / "tests" / "spec_expected_failures.txt").read_text().splitlines()
    entries = [line.split(None, 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name: reason for name, reason in entries}


def script_levels() -> dict[str, str]:
    if not LEVELS_FILE.exists():
        return {}
    levels = json.loads(LEVELS_FILE.read_text())["levels"]
    return {name: level for name, level in levels.items() if level in LEVELS}


def scripts() -> list[str]:
    return sorted(script_levels())


EXPECTED_FAILURES = expected_failures()
pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"the spec suite is not at {SUITE}")


@pytest.mark.parametrize("name", scripts())
def test_script(name: str) -> None:
    if name in EXPECTED_FAILURES:
        pytest.xfail(EXPECTED_FAILURES[name])  # strict below: it must still fail
    result = run_script(SUITE / name, Toolchain(cc=os.environ.get("CC", "cc")))
    failures = "\n".join(f"{name}:{line}: {why}" for line, why in result.failures)
    assert result.failed == 0, failures
    assert result.passed > 0
    assert result.skipped == 0, f"{result.skipped} skipped: {result.skip_reason}"


def gc_scripts() -> list[str]:
    return [name for name in scripts() if GC_TEXT.search((SUITE / name).read_text(errors="replace"))]


@pytest.mark.parametrize("name", gc_scripts())
def test_gc_script_under_stress(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A collection at every allocation: a root the collector misses, or an
    object it frees too early, fails here rather than once in a while."""
    monkeypatch.setenv("WASTREL_GC_STRESS", "1")
    result = run_script(SUITE / name, Toolchain(cc=os.environ.get("CC", "cc")))
    failures = "\n".join(f"{name}:{line}: {why}" for line, why in result.failures)
    assert result.failed == 0, failures
    assert result.skipped == 0


def test_gc_scripts_are_found() -> None:
    assert {"struct.wast", "array.wast", "i31.wast", "ref_cast.wast", "br_on_cast.wast", "type-subtyping.wast"} <= set(gc_scripts())


def test_expected_failures_still_fail() -> None:
    for name in EXPECTED_FAILURES:
        assert name in scripts(), f"{name} is listed but not run"
        result = run_script(SUITE / name, Toolchain(cc=os.environ.get("CC", "cc")))
        assert result.failed > 0, f"{name} passes now: remove it from tests/spec_expected_failures.txt"


def test_levels_are_covered() -> None:
    assert len(scripts()) >= 250
