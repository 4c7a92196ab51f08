"""The official spec suite, through `wastrel wast`'s runner: every script
(custom/ and legacy/ included) of every level in ../shared/spec-levels.json (wasm1, wasm2-simd,
wasm2 with SIMD, wasm3, legacy) must pass every assertion it runs, except
the scripts listed in tests/spec_expected_failures.txt.  Assertions that
need a feature wastrel lacks are counted as skipped, with the feature
named -- and the one feature wastrel lacks is GC: a script may skip only
for it, and the scripts of the levels without GC must skip nothing.

The suite is read in place: ../shared/wasm-testsuite beside the checkout, or
$WASTREL_TESTSUITE.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from wastrel.backend_c.toolchain import Toolchain
from wastrel.wast.runner import run_script

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("WASTREL_TESTSUITE", ROOT.parent / "shared" / "wasm-testsuite"))
LEVELS_FILE = SUITE.parent / "spec-levels.json"
LEVELS = ("wasm1", "wasm2-simd", "wasm2", "wasm3", "legacy")
COMPLETE_LEVELS = ("wasm1", "wasm2-simd", "wasm2", "legacy")  # not one assertion skipped
MISSING_FEATURES = ("GC",)  # the only reason anything may be skipped


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
    assert result.passed > 0 or result.skipped > 0
    if script_levels()[name] in COMPLETE_LEVELS:
        assert result.skipped == 0, f"{result.skipped} skipped"
    if result.skipped:
        reasons = result.skip_reason.split("; ")
        assert all(r.startswith(MISSING_FEATURES) for r in reasons), result.skip_reason


def test_expected_failures_still_fail() -> None:
    for name in EXPECTED_FAILURES:
        assert name in scripts(), f"{name} is listed but not run"
        result = run_script(SUITE / name, Toolchain(cc=os.environ.get("CC", "cc")))
        assert result.failed > 0, f"{name} passes now: remove it from tests/spec_expected_failures.txt"


def test_levels_are_covered() -> None:
    assert len(scripts()) >= 250
