"""Differential fuzzing against wasmtime, a small seeded run (tests/fuzz.py
does the long ones), and the fuzzer's past findings (tests/fuzz_regressions/).

Each seed is one module from `wasm-tools smith` (about half of them with
128-bit SIMD: v128 arguments, results and globals too; a share of those a
module of SIMD expressions that fuzz.py makes instead, whose SIMD code runs;
40% with Wasm 3.0 features: tail calls, exceptions, memory64, multi-memory,
extended constants, and for a share of those a module of exceptions, tail
calls and typed function references that fuzz.py makes instead; a quarter
of those GC seeds: smith's with GC, or a module of GC expressions that
fuzz.py makes, the small ones run a second time under
WASTREL_GC_STRESS=1) and a few
calls of its exports, made in wasmtime and in the program wastrel compiles
(with the C compiler and -O level the seed picks; mostly cc -O2); results,
traps, uncaught exceptions and the state left behind (globals, memories)
must agree; the first 20 seeds, and the SIMD, Wasm 3.0 and GC expression
seeds, also run as WASI commands (fast traps).  A seed that shows a known, not yet fixed bug is marked
xfail(strict=True) with the bug's name: when the bug is fixed, the seed
passes, the test fails, and the mark must go.  The seeds depend on the
wasm-tools version (smith's output for a seed changes between versions).

Regression cases: NAME.wasm (built from NAME.wat, which says what went
wrong), NAME.json: {"finding": ..., "calls": ["EXPORT ARG...", ...],
optionally "build": [wastrel compile options], "canonical_nans": true (smith
canonicalised the module's NaNs: v128 results compare bit for bit, NaN lanes
included), "gc_stress": true (the calls run again under WASTREL_GC_STRESS=1)
and "xfail": REASON}.  A module that exports `_start` is a WASI
command (fast traps): its calls are compared up to wasmtime's first trap,
so a case has at most one call that traps, its last.  Add one from a fuzzing run with
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

# Seeds 0-39, and beyond them: smith modules with Wasm 3.0 features, 263
# (throw, return_call, table64), 327 (return_call, memory64, multi-memory,
# table64), 1374 (try_table, throw, memory64, two memories); GC seeds, 88
# and 119 (GC expression modules, 88 by clang -O3, collecting without
# stress too) and 151 (smith's with GC, SIMD and memory64, at -O0).  (Of
# 0-39, 14, 24, 30, 36 and 37 are smith's with Wasm 3.0 features; 0, 7, 13
# and 35 modules of exceptions, tail calls and function references; the
# GC seeds are 2, 17 and 33, smith's, and 21, a GC expression module.  Seed
# 119 was a smith module with Wasm 3.0 features before GC seeds came.)
SEEDS = [*range(40), 88, 119, 151, 263, 327, 1374]
# smith's GC seeds of SEEDS that allocate when run (smith's seldom do).
GC_SMITH_SEEDS = [2, 151]

# Seeds of SEEDS that show a known bug (see tests/fuzz_regressions/ for each),
# marked xfail(strict=True) with the bug's name.
KNOWN: dict[int, str] = {}

REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"


def _seed_param(seed: int, known: dict[int, str] = KNOWN):
    if seed in known:
        return pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=known[seed]))
    return seed


@pytest.mark.parametrize("seed", [_seed_param(s) for s in SEEDS])
def test_seed_agrees_with_wasmtime(seed: int) -> None:
    result = fuzz.run_seed(seed, None)  # None: the tests' cache (conftest)
    assert result.status not in ("finding", "harness-error"), fuzz.format_report(result)


COMMAND_SEEDS = [*range(20), *(s for s in SEEDS if s >= 20 and fuzz.seed_kind(s) in ("simd-exprs", "wasm3-exprs", "gc-exprs"))]
# The same for COMMAND_SEEDS run as commands.
KNOWN_COMMAND: dict[int, str] = {}


@pytest.mark.parametrize("seed", [_seed_param(s, KNOWN_COMMAND) for s in COMMAND_SEEDS])
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


def test_ci_seeds_include_simd() -> None:
    """About half the seeds enable SIMD (never relaxed SIMD), those of CI too,
    and some of them are SIMD expression modules, also run as commands."""
    simd = [s for s in SEEDS if fuzz.option(fuzz.smith_options(s), "--simd-enabled") == "true"]
    assert len(simd) >= len(SEEDS) // 3
    assert sum(1 for s in COMMAND_SEEDS if s in simd) >= len(COMMAND_SEEDS) // 3
    exprs = [s for s in SEEDS if fuzz.seed_kind(s) == "simd-exprs"]
    assert exprs and set(exprs) <= set(simd) and set(exprs) <= set(COMMAND_SEEDS)
    assert all(fuzz.option(fuzz.smith_options(s), "--relaxed-simd-enabled") is None for s in SEEDS)
    assert "--relaxed-simd-enabled" in fuzz.SMITH_FIXED


def test_v128_arguments_results_and_globals(tmp_path: Path) -> None:
    """v128 goes both ways: arguments (0x hex, lane 0 the low bits), results
    (alone or among others), a v128 global in `fz:state`; wasmtime is called
    through its C API for these, wastrel through `--invoke-lines`."""
    import subprocess

    wat = tmp_path / "m.wat"
    wat.write_text(
        """(module
          (global $v (mut v128) (v128.const i32x4 1 2 3 4))
          (global $fuel (mut i32) (i32.const 9))
          (memory 1)
          (func (export "add") (param v128 v128) (result v128)
            (global.set $v (local.get 0))
            (v128.store (i32.const 16) (local.get 1))
            (i32x4.add (local.get 0) (local.get 1)))
          (func (export "mix") (param i32 v128 f64) (result f64 v128 i32)
            (f64.add (local.get 2) (f64.const 1))
            (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 1) (local.get 1))
            (i32.add (local.get 0) (i32.const 1)))
          (func (export "hi") (param v128) (result i64) (i64x2.extract_lane 1 (local.get 0))))"""
    )
    wasm = fuzz.prepare(subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout, 9)
    assert fuzz.validate(wasm) is None
    types = fuzz.func_exports(wasm)
    assert types["fuel:mix"] == (["i32", "v128", "f64"], ["f64", "v128", "i32"])
    assert types[fuzz.STATE_EXPORT] == ([], ["v128", "i32", "i32"])
    lines = [
        "add 0x1 0xffffffffffffffffffffffffffffffff",
        "fz:state",
        "fuel:mix -5 0x0102030405060708090a0b0c0d0e0f10 0x1.8p+0",
        "hi 0x123456789abcdef00000000000000000",
        "fz:memhash",
    ]
    calls = fuzz.parse_calls(lines)
    expected = fuzz.run_wasmtime(wasm, calls)
    assert expected.calls[:4] == [
        ("ok", ["v128:0xffffffffffffffffffffffff00000000"]),
        ("ok", ["v128:0x00000000000000000000000000000001", "9", "1"]),
        ("ok", [fuzz.norm_value("f64", 2.5), "v128:0x100f0e0d0c0b0a090807060504030201", "-4"]),
        ("ok", [str(0x123456789ABCDEF0)]),
    ]
    result = fuzz.check_module(0, wasm, calls, None, tmp_path, canonical_nans=True)
    assert result.status == "ok" and result.calls == len(calls), fuzz.format_report(result)


def test_v128_nan_lanes_match_only_without_canonical_nans() -> None:
    """Without smith's NaN canonicalisation, two v128 results match when, as
    f32x4 or as f64x2, every lane is the same or a NaN on both sides; with
    it, bit for bit."""

    def ok(*values: int) -> tuple:
        return ("ok", [fuzz.norm_value("v128", v) for v in values])

    f32_nans = ok(0x7FC00000_3F800000_FFC00000_00000000), ok(0xFFC00001_3F800000_7FA00000_00000000)
    f64_nans = ok(0x7FF80000_00000000_00000000_00000001), ok(0xFFF00000_00000001_00000000_00000001)
    for a, b in (f32_nans, f64_nans):
        assert fuzz.same(a, b, v128_nans=True)
        assert not fuzz.same(a, b)
    assert not fuzz.same(ok(0x7FC00000), ok(0x7F800000), v128_nans=True)  # a NaN and an infinity
    assert not fuzz.same(ok(0x7FC00000_00000000), ok(0x7FC00000_00000001), v128_nans=True)  # a lane not NaN differs
    # Lanes of two shapes at once do not match: f32 NaN lanes and f64 NaN lanes.
    assert not fuzz.same(ok(0x7FC00000_00000000_7FF80000_00000000), ok(0x7FC00001_00000000_7FF80000_00000001), v128_nans=True)
    assert fuzz.same(ok(0x7FC00000_00000000_7FF80000_00000000), ok(0x7FC00001_00000000_7FF80000_00000000), v128_nans=True)
    assert not fuzz.same(ok(1), ("ok", [fuzz.norm_value("v128", "0x2")]), v128_nans=True)
    assert fuzz.same(ok(0xABC), ("ok", [fuzz.norm_value("v128", "0xabc")]))


def test_simd_expression_modules_are_valid_and_use_all_of_simd() -> None:
    """The SIMD expression modules validate, and between them use nearly
    every Wasm 2.0 SIMD instruction (never a relaxed one); as commands, each
    load goes through $observe, the PRNG drawing the same."""
    import random
    import re

    from wastrel.ir.simd import SIMD_OPS

    seen: set[str] = set()
    for k in range(40):
        text = fuzz._SimdModule(random.Random(k)).module()
        seen |= set(re.findall(r"\((\w+\.\w+)", text))
        wasm = fuzz.simd_module(random.Random(k))
        assert wasm is not None and fuzz.validate(wasm) is None
        command = fuzz._SimdModule(random.Random(k), command=True).module()
        assert command.replace("(call $observe ", "").count("(") == text.replace("(call $observe ", "").count("(")
        assert command.count("(v128.load") == command.count("(call $observe (v128.load")
    wasm2 = {op.name for op in SIMD_OPS if not op.relaxed}
    assert not {name for name in seen if "relaxed" in name}
    assert len(wasm2 - seen) < len(wasm2) // 20, sorted(wasm2 - seen)


def test_wasm3_features_for_some_seeds_only() -> None:
    """40% of the seeds have Wasm 3.0 features (a PRNG of their own decides):
    the others give smith exactly the options they always gave it; relaxed
    SIMD and custom page sizes stay off for all, GC for all but the GC
    seeds; CI's seeds have both kinds of Wasm 3.0 module, the expression
    ones run as commands too."""
    seeds = range(300)
    with_features = [s for s in seeds if fuzz.seed_features(s)]
    assert 0.3 * len(seeds) < len(with_features) < 0.5 * len(seeds)
    for s in seeds:
        fixed, extra = fuzz.feature_options(s)
        if not fuzz.seed_features(s) or fuzz.seed_kind(s) == "wasm3-exprs":
            assert fuzz.seed_kind(s) == "wasm3-exprs" or (fixed, extra) == (fuzz.SMITH_FIXED, [])
        for flag in ("--relaxed-simd-enabled", "--custom-page-sizes-enabled", "--threads-enabled"):
            assert fuzz.option(fixed, flag) == "false"
        assert fuzz.option(fixed, "--gc-enabled") == ("true" if "gc" in fuzz.seed_features(s) else "false")
        assert set(fuzz.seed_features(s)) <= set(fuzz.ALL_FEATURES)
    assert all(not fuzz.seed_features(s) for s in seeds if fuzz.seed_kind(s) == "simd-exprs")
    exprs = [s for s in SEEDS if fuzz.seed_kind(s) == "wasm3-exprs"]
    smith = [s for s in SEEDS if fuzz.seed_features(s) and s not in exprs and "gc" not in fuzz.seed_features(s)]
    assert len(exprs) >= 3 and len(smith) >= 5 and set(exprs) <= set(COMMAND_SEEDS)
    assert {f for s in smith for f in fuzz.seed_features(s)} == set(fuzz.WASM3_FEATURES)


def test_gc_for_a_quarter_of_the_wasm3_seeds() -> None:
    """A quarter of the seeds with Wasm 3.0 features are GC seeds (a PRNG of
    their own decides: the others make the modules they made before GC
    came), half of them smith's module with GC besides its other features,
    half a module of GC expressions; CI has both kinds, the small ones run
    under WASTREL_GC_STRESS=1 too, and smith's kind with GC code."""
    seeds = range(2000)
    wasm3 = [s for s in seeds if fuzz._smith_features(s)]
    gc = [s for s in seeds if "gc" in fuzz.seed_features(s)]
    assert set(gc) <= set(wasm3) and 0.2 * len(wasm3) < len(gc) < 0.3 * len(wasm3)
    exprs = [s for s in gc if fuzz.seed_kind(s) == "gc-exprs"]
    assert 0.4 * len(gc) < len(exprs) < 0.6 * len(gc)
    for s in gc:
        if s in exprs:
            assert fuzz.seed_features(s) == fuzz.GC_EXPRS_FEATURES
        else:
            assert fuzz.seed_features(s) == (*fuzz._smith_features(s), "function-references", "gc")
            assert fuzz.seed_kind(s) in ("smith", "smith-simd")
    assert not any(fuzz.seed_kind(s) == "wasm3-exprs" for s in gc)
    ci = [s for s in SEEDS if "gc" in fuzz.seed_features(s)]
    assert len([s for s in ci if fuzz.seed_kind(s) == "gc-exprs"]) >= 2 and set(GC_SMITH_SEEDS) <= set(ci)
    assert all(len(fuzz.prepare(fuzz.generate(s).wasm, None)) <= fuzz.STRESS_MAX_BYTES for s in ci)
    assert all(fuzz.gc_op_counts(fuzz.generate(s).wasm)["alloc"] for s in GC_SMITH_SEEDS)


def test_wasm3_expression_modules_are_valid_and_use_the_features() -> None:
    """The modules of exceptions, tail calls and function references
    validate with their features (and not as Wasm 2.0), and between them
    use every construct they are made for; as commands, each load goes
    through $observe_*, the PRNG drawing the same."""
    import random
    import re

    seen: set[str] = set()
    for k in range(20):
        text = fuzz._Wasm3Module(random.Random(k)).module()
        seen |= set(re.findall(r"\((\w+(?:\.\w+)?)", text))
        wasm = fuzz.wasm3_module(random.Random(k))
        assert wasm is not None and fuzz.validate(wasm, fuzz.WASM3_EXPRS_FEATURES) is None
        assert fuzz.validate(wasm) is not None
        command = fuzz._Wasm3Module(random.Random(k), command=True).module()
        strip = re.compile(r"\(call \$observe_i(32|64) ")
        assert strip.sub("", command).count("(") == strip.sub("", text).count("(")
        loads = re.findall(r"\(i(?:32|64)\.load", command)
        assert len(loads) == len(re.findall(r"\(call \$observe_i(?:32|64) \(i(?:32|64)\.load", command))
    wanted = {
        "throw", "throw_ref", "try_table", "catch", "catch_ref", "catch_all", "catch_all_ref",
        "return_call", "return_call_indirect", "return_call_ref", "call_ref", "call_indirect",
        "ref.as_non_null", "br_on_null", "br_on_non_null", "ref.func", "ref.null", "memory.grow", "start",
    }  # fmt: skip
    assert wanted <= seen, sorted(wanted - seen)


# A module of what smith does not make (typed function references) or
# rarely runs (exceptions), with two memories (one a memory64) and a
# table64: results of typed references and exnref, arguments of them,
# uncaught exceptions, the null reference traps, both memories' sizes and
# contents in fz:state and fz:memhash.
WASM3_MODULE = """(module
  (type $i2i (func (param i32) (result i32)))
  (tag $e (param i32))
  (memory $m0 1)
  (memory $m1 i64 1 3)
  (global $g (mut exnref) (ref.null exn))
  (global $f (mut (ref null $i2i)) (ref.null $i2i))
  (global $fuel (mut i32) (i32.const 9))
  (table $t 2 funcref)
  (table $t64 i64 3 funcref)
  (elem declare func $inc)
  (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (func (export "inc_ref") (result (ref $i2i)) (ref.func $inc))
  (func (export "null_ref") (result (ref null $i2i)) (global.get $f))
  (func (export "call_ref") (param i32 (ref null $i2i)) (result i32)
    (block $null
      (return (call_ref $i2i (local.get 0) (br_on_null $null (local.get 1)))))
    (call_ref $i2i (local.get 0) (ref.func $inc)))
  (func (export "call_null") (param i32) (result i32)
    (call_ref $i2i (local.get 0) (global.get $f)))
  (func (export "as_non_null") (param (ref null $i2i)) (result i32)
    (call_ref $i2i (i32.const 1) (ref.as_non_null (local.get 0))))
  (func (export "tail") (param i32) (result i32)
    (return_call_ref $i2i (local.get 0) (ref.func $inc)))
  (func (export "throw") (param i32) (result i32)
    (if (local.get 0) (then (throw $e (local.get 0))))
    (i32.const 7))
  (func (export "catch") (param i32) (result i32 exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (throw $e (local.get 0)))
      (unreachable)))
  (func (export "keep") (param i32)
    (global.set $g (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (unreachable))))
  (func (export "rethrow") (param exnref)
    (throw_ref (local.get 0)))
  (func (export "rethrow_kept") (throw_ref (global.get $g)))
  (func (export "store") (param i32 i64)
    (i32.store $m0 (local.get 0) (i32.const 5))
    (i64.store $m1 (local.get 1) (i64.const -1))
    (drop (memory.grow $m1 (i64.const 1))))
  (func (export "nonnull") (param (ref $i2i)) (result i32) (i32.const 0))
)"""


def test_wasm3_references_exceptions_and_memories(tmp_path: Path) -> None:
    """exnref and typed function references compare as null or not (both
    ways: arguments too); an uncaught exception is an outcome of its own;
    an export with a non-nullable reference parameter is counted, not
    called; fz:state has each memory's size (an i64 for a memory64) and
    table64's, fz:memhash covers both memories.  As a command, wastrel
    stops at the first uncaught exception as at a trap."""
    import subprocess

    wat = tmp_path / "m.wat"
    wat.write_text(WASM3_MODULE)
    wasm = fuzz.prepare(subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout, 9)
    assert fuzz.validate(wasm, fuzz.ALL_FEATURES) is None
    types = fuzz.func_exports(wasm)
    assert types["fuel:catch"] == (["i32"], ["i32", "exnref"])
    assert types["call_ref"] == (["i32", "(ref null 0)"], ["i32"])
    assert types[fuzz.STATE_EXPORT] == ([], ["exnref", "(ref null 0)", "i32", "i32", "i64", "i32", "i64"])
    assert not fuzz.writable_param("(ref 0)") and fuzz.writable_param("exnref") and fuzz.writable_param("(ref null func)")
    lines = [
        "inc_ref", "null_ref", "call_ref 4 null", "call_null 1", "as_non_null null", "fuel:tail 41",
        "throw 0", "throw 3", "catch 9", "fz:state", "keep 2", "fz:state", "rethrow null", "fuel:rethrow_kept",
        "store 8 16", "fz:state", "store 65536 0", "store 0 200000", "fz:memhash",
    ]  # fmt: skip
    calls = fuzz.parse_calls(lines)
    expected = fuzz.run_wasmtime(wasm, calls)
    assert expected.calls == [
        ("ok", ["ref"]), ("ok", ["null"]), ("ok", ["5"]), ("trap", {"null function reference"}), ("trap", {"null reference"}),
        ("ok", ["42"]), ("ok", ["7"]), ("exception",), ("ok", ["9", "ref"]), ("ok", ["null", "null", "9", "1", "1", "2", "3"]),
        ("ok", []), ("ok", ["ref", "null", "9", "1", "1", "2", "3"]), ("trap", {"null exception reference"}), ("exception",),
        ("ok", []), ("ok", ["ref", "null", "9", "1", "2", "2", "3"]), ("trap", {"out of bounds memory access"}),
        ("trap", {"out of bounds memory access"}), expected.calls[-1],
    ]  # fmt: skip
    result = fuzz.check_module(0, wasm, calls, None, tmp_path, canonical_nans=True)
    assert result.status == "ok" and result.calls == len(calls), fuzz.format_report(result)
    assert result.exceptions == 2 and result.skipped == 1
    # Changed contents change the hash, in either memory: $m0 alone (the
    # store to $m1 traps), then $m1 too.
    stores = ([], ["store 8 70000"], ["store 8 70000", "store 8 16"])
    hashes = {fuzz.run_wasmtime(wasm, fuzz.parse_calls([*extra, "fz:memhash"])).calls[-1][1][0] for extra in stores}
    assert len(hashes) == 3
    # As a command: the calls up to the first exception, where the program stops.
    command = fuzz.prepare(subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout, 9, command=True)
    calls = [c for c in calls if c.line() not in ("call_null 1", "as_non_null null")]  # (traps)
    result = fuzz.check_module(0, command, calls, None, tmp_path, canonical_nans=True)
    assert result.status == "ok" and result.plan[-1].line() == "throw 3" and result.exceptions == 1, fuzz.format_report(result)


def test_uncaught_exception_at_instantiation(tmp_path: Path) -> None:
    """An exception out of the start function: both sides fail to
    instantiate, with an uncaught exception (not a trap)."""
    import subprocess

    wat = tmp_path / "m.wat"
    wat.write_text('(module (tag $e) (func $start (throw $e)) (start $start) (func (export "f") (result i32) (i32.const 1)))')
    wasm = fuzz.prepare(subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout, None)
    calls = fuzz.parse_calls(["f"])
    assert fuzz.run_wasmtime(wasm, calls).instantiation == ("exception",)
    result = fuzz.check_module(0, wasm, calls, None, tmp_path)
    assert result.status == "ok" and result.detail == "both trap at instantiation", fuzz.format_report(result)
    trap = wat.read_text().replace("(throw $e)", "(unreachable)")
    wat.write_text(trap)
    wasm = fuzz.prepare(subprocess.run([fuzz.WASM_TOOLS, "parse", str(wat)], capture_output=True, check=True).stdout, None)
    assert not fuzz.same(fuzz.run_wasmtime(wasm, calls).instantiation, ("exception",))


def test_gc_expression_modules_are_valid_and_use_gc() -> None:
    """The modules of GC expressions validate with their features (and not
    without GC), and between them use every GC instruction and shape of
    type they are made for; as commands, the PRNG draws the same."""
    import random
    import re

    seen: set[str] = set()
    for k in range(20):
        text = fuzz._GcModule(random.Random(k)).module()
        seen |= set(re.findall(r"\((\w+(?:\.\w+)?)", text))
        wasm = fuzz.gc_module(random.Random(k))
        assert wasm is not None and fuzz.validate(wasm, fuzz.GC_EXPRS_FEATURES) is None
        assert fuzz.validate(wasm, ("exceptions", "function-references")) is not None
        assert fuzz._GcModule(random.Random(k), command=True).module() == text
    wanted = {
        "struct.new", "struct.new_default", "struct.get", "struct.get_s", "struct.get_u", "struct.set",
        "array.new", "array.new_default", "array.new_fixed", "array.new_data", "array.new_elem", "array.get",
        "array.get_s", "array.get_u", "array.set", "array.len", "array.fill", "array.copy", "array.init_data",
        "array.init_elem", "ref.test", "ref.cast", "br_on_cast", "br_on_cast_fail", "ref.i31", "i31.get_s",
        "i31.get_u", "ref.eq", "ref.is_null", "ref.as_non_null", "br_on_non_null", "any.convert_extern",
        "extern.convert_any", "rec", "sub", "table.get", "table.set", "throw", "try_table", "call_ref", "loop",
    }  # fmt: skip
    assert wanted <= seen, sorted(wanted - seen)


# GC references of every kind as arguments and results, GC's traps, an
# allocation too large for either engine, references kept in globals
# (fz:state), a loop that allocates (run again under WASTREL_GC_STRESS=1),
# types in a rec group before the ones prepare adds.
GC_MODULE = """(module
  (rec
    (type $s (sub (struct (field (mut i32)))))
    (type $s2 (sub $s (struct (field (mut i32)) (field i64) (field (mut (ref null $node))))))
    (type $node (struct (field i32) (field (ref null $node)))))
  (type $a (array (mut i8)))
  (data $d "abcdef")
  (global $keep (mut anyref) (ref.null any))
  (global $list (mut (ref null $node)) (ref.null $node))
  (global $fuel (mut i32) (i32.const 9))
  (func (export "mk") (param i32) (result (ref null $s))
    (if (result (ref null $s)) (local.get 0) (then (struct.new $s (local.get 0))) (else (ref.null $s))))
  (func (export "get") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0)))
  (func (export "refs") (param anyref eqref i31ref structref arrayref nullref)
    (result anyref eqref i31ref structref arrayref nullref i32)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (i32.const 3))
  (func (export "i31") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "arr") (param i32) (result (ref $a)) (array.new_default $a (local.get 0)))
  (func (export "keep") (param i32) (global.set $keep (struct.new_default $s2)))
  (func (export "extern") (param i32) (result externref)
    (extern.convert_any (select (result anyref) (ref.i31 (i32.const 1)) (ref.null none) (local.get 0))))
  (func (export "ext") (param externref) (result i32) (ref.test (ref i31) (any.convert_extern (local.get 0))))
  (func (export "cast") (param i32) (result i64)
    (struct.get $s2 1 (ref.cast (ref $s2)
      (select (result (ref $s)) (struct.new $s2 (i32.const 1) (i64.const 2) (ref.null $node)) (struct.new $s (i32.const 3)) (local.get 0)))))
  (func (export "null_i31") (result i32) (i31.get_u (ref.null i31)))
  (func (export "null_array") (result i32) (array.len (ref.null $a)))
  (func (export "copy") (param i32) (result i32)
    (array.copy $a $a (array.new_default $a (i32.const 1)) (i32.const 0) (ref.null $a) (i32.const 0) (local.get 0))
    (i32.const 0))
  (func (export "aget") (param i32) (result i32)
    (array.get_u $a (array.new_data $a $d (i32.const 0) (i32.const 6)) (local.get 0)))
  (func (export "list") (param i32) (result i32)
    (local $i i32) (local $sum i32) (local $l (ref null $node))
    (loop $build
      (local.set $l (struct.new $node (local.get $i) (local.get $l)))
      (drop (array.new_default $a (i32.const 1000)))
      (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get 0))))
    (global.set $list (local.get $l))
    (block $done (loop $walk
      (br_if $done (ref.is_null (local.get $l)))
      (local.set $sum (i32.add (local.get $sum) (struct.get $node 0 (local.get $l))))
      (local.set $l (struct.get $node 1 (local.get $l)))
      (br $walk)))
    (local.get $sum))
  (func (export "nonnull") (param (ref $s)) (result i32) (i32.const 0))
)"""


def test_gc_references_traps_and_stress(tmp_path: Path) -> None:
    """GC references go both ways, as null (arguments) and null or not
    (results: wasmtime through its C API; an externref that
    extern.convert_any made is not null); each null reference trap gets
    its own message, as does a failed cast or an array index out of
    bounds (wasmtime's array.copy tests the destination's bounds before
    the source's nullness: either message); an allocation too large is an
    outcome of its own on both sides (inconclusive on one side only); the
    calls run again under WASTREL_GC_STRESS=1, whose collections (one per
    allocation) are counted."""
    import subprocess

    wasm = subprocess.run([fuzz.WASM_TOOLS, "parse", "-"], input=GC_MODULE.encode(), capture_output=True, check=True).stdout
    wasm = fuzz.prepare(wasm, 9)
    assert fuzz.validate(wasm, fuzz.ALL_FEATURES) is None
    types = fuzz.func_exports(wasm)
    assert types["fuel:mk"] == (["i32"], ["(ref null 0:struct)"])
    assert types["arr"] == (["i32"], ["(ref 3:array)"])
    assert types["refs"][0] == ["anyref", "eqref", "i31ref", "structref", "arrayref", "nullref"]
    assert types[fuzz.STATE_EXPORT] == ([], ["anyref", "(ref null 2:struct)", "i32"])
    assert [fuzz.ref_kind(t) for t in ("(ref null 0:struct)", "(ref 3:array)", "nullref", "i31ref")] == [("any", True), ("any", False), ("any", True), ("any", True)]
    assert not fuzz.writable_param("(ref 0:struct)") and fuzz.writable_param("structref")
    lines = [
        "mk 0", "fuel:mk 5", "get null", "refs null null null null null null", "i31 7", "arr 3", "arr -1", "fz:state",
        "keep 0", "fz:state", "extern 1", "extern 0", "ext null", "ext 1", "cast 1", "cast 0", "null_i31",
        "null_array", "copy 4", "copy 0", "aget 5", "aget 6", "list 3000", "fz:state",
    ]  # fmt: skip
    calls = fuzz.parse_calls(lines)
    expected = fuzz.run_wasmtime(wasm, calls)
    assert expected.calls == [
        ("ok", ["null"]), ("ok", ["ref"]), ("trap", {"null structure reference"}), ("ok", ["null"] * 6 + ["3"]),
        ("ok", ["ref"]), ("ok", ["ref"]), ("oom",), ("ok", ["null", "null", "9"]), ("ok", []), ("ok", ["ref", "null", "9"]),
        ("ok", ["ref"]), ("ok", ["null"]), ("ok", ["0"]), ("ok", ["0"]), ("ok", ["2"]), ("trap", {"cast failure"}),
        ("trap", {"null i31 reference"}), ("trap", {"null array reference"}),
        ("trap", {"null array reference", "out of bounds array access"}), ("trap", {"null array reference"}),
        ("ok", ["102"]), ("trap", {"out of bounds array access"}), ("ok", [str(sum(range(3000)))]), ("ok", ["ref", "ref", "9"]),
    ]  # fmt: skip
    result = fuzz.check_module(0, wasm, calls, None, tmp_path, stress=True)
    assert result.status == "ok" and result.calls == len(calls), fuzz.format_report(result)
    assert result.stress and result.allocations > 6000 and result.skipped == 1
    # 2 GiB, say: wasmtime's GC heap has room, wastrel's (GC_MAX_HEAP here) has not.
    one = fuzz.parse_calls(["arr 2147483647"])
    status, detail, _, _ = fuzz.compare(wasm, one, fuzz.Run(calls=[("ok", ["ref"])]), fuzz.Run(calls=[("oom",)], status="134"))
    assert status == "inconclusive" and "out of memory on one side only" in detail
