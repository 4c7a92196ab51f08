"""Differential fuzzing with csmith's C programs, a small seeded run
(tests/csmith_fuzz.py does the long ones, `make csmith-fuzz`), and that
fuzzer's past findings (tests/csmith_regressions/).

Each seed is one random C program from csmith, made portable between wasm32
and the host, compiled by clang for wasm32-wasi at the level the seed picks
(-O0 ... -O3, -Os; seeds 0-15 have them all), and run three ways: natively
(gcc), under wasmtime and as the program `wastrel compile` makes.  All three
must print the same checksums.  csmith, libcsmith-dev, clang and wasi-libc are
required (scripts/setup.sh installs them): without them these tests fail,
they are not skipped.  The seeds depend on csmith's version (Debian 12 has
2.3.0); a seed that stops being compared (say, it now runs too long
natively) fails here and must be replaced.  A seed that shows a known, not yet
fixed bug would be marked xfail(strict=True) with the bug's name.

Regression cases: NAME.c (a reduced program, which says in a comment what
went wrong) and NAME.json: {"finding": ..., "opt": "-O2" (clang's level),
"features": [clang's -m options], "build": [`wastrel compile` options],
"expected": {"stdout": ..., "exit": 0}, optionally "xfail": REASON}.  The
test builds NAME.c for wasm32-wasi, checks that wasmtime prints the expected
output (so the case itself is sound), then that wastrel's program does.
Make one with `python tests/csmith_fuzz.py --only SEED --keep DIR`, then
`python tests/csmith_fuzz.py --reduce DIR/csmith-SEED.c` (creduce).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import csmith_fuzz, fuzz

SEEDS = range(16)

# Seeds of SEEDS that show a known bug, marked xfail(strict=True) with the
# bug's name.  None are open.
KNOWN: dict[int, str] = {}

REGRESSIONS = Path(__file__).resolve().parent / "csmith_regressions"


@pytest.fixture(scope="module", autouse=True)
def _toolchain() -> None:
    problem = csmith_fuzz.toolchain_problem()
    if problem:
        pytest.fail(f"the csmith tests need their tools: {problem}", pytrace=False)


def _seed_param(seed: int):
    if seed in KNOWN:
        return pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=KNOWN[seed]))
    return seed


@pytest.mark.parametrize("seed", [_seed_param(s) for s in SEEDS])
def test_seed_agrees_with_native_and_wasmtime(seed: int) -> None:
    result = csmith_fuzz.run_seed(seed, None)  # None: the tests' cache (conftest)
    assert result.status == "ok", csmith_fuzz.format_report(result) if result.status == "finding" else f"seed {seed}: {result.status}: {result.detail}"
    assert result.outcomes["wastrel"].stdout.rstrip().splitlines()[-1].startswith("checksum = ")


def _cases():
    for path in sorted(REGRESSIONS.glob("*.c")):
        case = csmith_fuzz.load_case(path)
        if "expected" not in case:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        yield pytest.param(path, id=path.stem, marks=marks)


NO_CASES = pytest.param(None, id="none", marks=pytest.mark.skip(reason="tests/csmith_regressions/ holds no case: csmith has found no wastrel bug yet"))


@pytest.mark.parametrize("case", list(_cases()) or [NO_CASES])
def test_regression(case: Path, tmp_path: Path) -> None:
    spec = csmith_fuzz.load_case(case)
    expected = csmith_fuzz.Outcome("exit", spec["expected"]["exit"], spec["expected"]["stdout"])
    wasm, program = tmp_path / f"{case.stem}.wasm", tmp_path / case.stem
    problem = csmith_fuzz.compile_c(csmith_fuzz.wasm_command(case, wasm, spec["opt"], spec.get("features")))
    assert problem is None, problem
    oracle = csmith_fuzz.run_wasmtime(wasm, tmp_path)
    assert oracle.key() == expected.key(), "the case itself is wrong: wasmtime\n" + csmith_fuzz.diff(expected, oracle, "expected", "wasmtime")
    error = fuzz.compile_wastrel(wasm, program, None, spec.get("build", []))
    assert error is None, error
    got = csmith_fuzz.run_program([str(program)], csmith_fuzz.WASM_TIMEOUT)
    assert got.key() == expected.key(), "wastrel:\n" + csmith_fuzz.diff(expected, got, "expected", "wastrel")


def test_regression_cases_are_complete() -> None:
    """Each NAME.c has its NAME.json with an expected outcome."""
    for path in sorted(REGRESSIONS.glob("*.c")):
        case = csmith_fuzz.load_case(path)
        assert {"finding", "opt", "expected"} <= case.keys(), path.name


# -- the harness itself ----------------------------------------------------------


def test_portable_drops_long_suffixes_only() -> None:
    """`L`/`UL` constants (a different type on LP64 and ILP32) lose their
    suffix; `LL`/`ULL`, identifiers and the rest stay."""
    source = '#include "csmith.h"\nint32_t g_1 = 0x4981C586L, g_2 = (-1L), l_3L = 7;\nuint8_t g_4 = 1UL;\nint64_t g_5 = 0x3ED3529AC934C645LL; uint64_t g_6 = 0ULL, g_7 = 12UL;\n    int print_hash_value = 0;\n'
    out = csmith_fuzz.portable(source)
    assert "int32_t g_1 = 0x4981C586, g_2 = (-1), l_3L = 7;" in out
    assert "uint8_t g_4 = 1U;" in out
    assert "0x3ED3529AC934C645LL; uint64_t g_6 = 0ULL, g_7 = 12U;" in out
    assert "int print_hash_value = 1;" in out
    assert out.index("#define printf fz_printf") < out.index('#include "csmith.h"')


def test_compare_blames_wastrel_only_when_it_differs_from_wasmtime() -> None:
    ok = csmith_fuzz.Outcome("exit", 0, "checksum = 1\n")
    other = csmith_fuzz.Outcome("exit", 0, "checksum = 2\n")
    trap = csmith_fuzz.Outcome("trap", 134, "", "wasm trap: unreachable\n")
    assert csmith_fuzz.compare(ok, ok, ok)[0] == "ok"
    assert csmith_fuzz.compare(ok, ok, other)[0] == "finding"
    assert csmith_fuzz.compare(ok, ok, trap)[0] == "finding"
    assert csmith_fuzz.compare(ok, other, other)[0] == "platform"  # the C, not wastrel
    assert csmith_fuzz.compare(ok, csmith_fuzz.Outcome("timeout"), csmith_fuzz.Outcome("timeout"))[0] == "platform"
    assert csmith_fuzz.compare(ok, csmith_fuzz.Outcome("timeout"), other)[0] == "finding"
