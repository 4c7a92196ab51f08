"""Differential fuzzing against wasmtime, a small seeded run (tests/fuzz.py
does the long ones), and the fuzzer's past findings (tests/fuzz_regressions/).

Each seed is one module from `wasm-tools smith` and a few calls of its
exports, made in wasmtime and in the program wastrel compiles (with the C
compiler and -O level the seed picks; mostly cc -O2); results, traps and the
state left behind (globals, memory) must agree; the first 20 seeds also run
as WASI commands (fast traps).  A seed that shows a known, not yet fixed bug is marked
xfail(strict=True) with the bug's name: when the bug is fixed, the seed
passes, the test fails, and the mark must go.  The seeds depend on the
wasm-tools version (smith's output for a seed changes between versions).

Regression cases: NAME.wasm (built from NAME.wat, which says what went
wrong), NAME.json: {"finding": ..., "calls": ["EXPORT ARG...", ...],
optionally "xfail": REASON}.  Add one from a fuzzing run with
`python tests/fuzz.py --only SEED --keep tests/fuzz_regressions`, better
after reducing the module (`wasm-tools shrink` with
`tests/fuzz.py --check M.wasm --calls CASE.json --expect TEXT` as predicate,
or by hand).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import fuzz

SEEDS = range(40)

# Seeds of SEEDS that show a known bug (see tests/fuzz_regressions/ for each),
# marked xfail(strict=True) with the bug's name.  None are open.
KNOWN: dict[int, str] = {}

REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"


def _seed_param(seed: int):
    if seed in KNOWN:
        return pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=KNOWN[seed]))
    return seed


@pytest.mark.parametrize("seed", [_seed_param(s) for s in SEEDS])
def test_seed_agrees_with_wasmtime(seed: int) -> None:
    result = fuzz.run_seed(seed, None)  # None: the tests' cache (conftest)
    assert result.status not in ("finding", "harness-error"), fuzz.format_report(result)


COMMAND_SEEDS = range(20)


@pytest.mark.parametrize("seed", COMMAND_SEEDS)
def test_seed_as_a_command_agrees_with_wasmtime(seed: int) -> None:
    """The same modules made WASI commands (an empty `_start`), which wastrel
    builds with fast traps: calls compared up to the first trap, where a
    command stops (runtime/wastrel_ops.h)."""
    result = fuzz.run_seed(seed, None, command=True)
    assert result.status not in ("finding", "harness-error"), fuzz.format_report(result)


def _cases():
    for path in sorted(REGRESSIONS.glob("*.json")):
        reason = json.loads(path.read_text()).get("xfail")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("case", list(_cases()))
def test_regression(case: Path, tmp_path: Path) -> None:
    result = fuzz.replay_case(case, None, tmp_path)
    assert result.status not in ("finding", "harness-error"), fuzz.format_report(result)
    assert result.status == "ok", f"{result.status}: {result.detail}"


def test_regression_binaries_match_their_text(tmp_path: Path) -> None:
    """Each NAME.wasm is NAME.wat, parsed (so the text says what is tested)."""
    import subprocess

    for wat in sorted(REGRESSIONS.glob("*.wat")):
        built = tmp_path / f"{wat.stem}.wasm"
        subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat), "-o", str(built)], check=True)
        assert built.read_bytes() == wat.with_suffix(".wasm").read_bytes(), wat.name


# -- the harness itself ----------------------------------------------------------


def test_prepare_renames_exports_and_adds_fuel_twins(tmp_path: Path) -> None:
    """An export `--invoke-lines` cannot name is renamed; each exported function
    gets a `fuel:` twin that refills smith's fuel global before calling it."""
    import subprocess

    import wasmtime

    wat = tmp_path / "m.wat"
    wat.write_text(
        """(module
          (global $other (mut i32) (i32.const 5))
          (global $fuel (mut i32) (i32.const 3))
          (func (export "") (result i32)
            (global.set $fuel (i32.sub (global.get $fuel) (i32.const 1)))
            (global.get $fuel))
          (func (export "add") (param i32 i64) (result i64)
            (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1))))"""
    )
    wasm = subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout
    prepared = fuzz.prepare(wasm, 3)
    assert fuzz.validate(prepared) is None
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, prepared), []).exports(store)
    assert [exports["fz0"](store) for _ in range(3)] == [2, 1, 0]
    assert exports["fuel:fz0"](store) == 2  # refilled to 3, then one taken
    assert exports["fuel:add"](store, -1, 10) == 9
    # Only a last global that starts at the fuel given is taken for the counter.
    other = wasmtime.Module(wasmtime.Engine(), fuzz.prepare(wasm, 4))
    assert sorted(e.name for e in other.exports) == ["add", "fz0", "fz:state"]


def test_outcomes_compare_floats_by_bits_and_nans_by_nanness() -> None:
    assert fuzz.norm_value("f32", "-0") != fuzz.norm_value("f32", "0")
    assert fuzz.norm_value("f32", -0.0) == fuzz.norm_value("f32", "-0")
    assert fuzz.norm_value("f32", float("nan")) == fuzz.norm_value("f32", "nan")
    assert fuzz.norm_value("f32", 0.1000000015) == fuzz.norm_value("f32", "0.1")
    assert fuzz.norm_value("f64", 0.1) == fuzz.norm_value("f64", "0.1")
    assert fuzz.norm_value("i32", 0xFFFFFFFF) == fuzz.norm_value("i32", "-1")
    assert fuzz.same(("trap", {"undefined element", "out of bounds table access"}), ("trap", {"undefined element"}))
    assert not fuzz.same(("trap", {"unreachable"}), ("ok", []))
