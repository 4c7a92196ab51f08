"""Sightglass' benchmark modules, run by `wastrel run` as sightglass runs them.

../shared/sightglass (or $WASTREL_SIGHTGLASS) holds modules of the Bytecode
Alliance's benchmark suite: C, Rust and TinyGo programs compiled to
wasm32-wasi that import `bench.start` and `bench.end`.  Each runs in its own
folder, preopened as `.`, with nothing else (it reads its input by relative
path), and its stdout and stderr must equal `<name>.stdout.expected` and
`<name>.stderr.expected`; where a folder has no such file, wasmtime's output
is the reference.  `bench.start` and `bench.end` print nothing unless asked
(`--bench-time`), so the expected files hold as they are.

Every `*.wasm` of every benchmark folder is tried, so a new module is
noticed.  Those that need a feature wastrel lacks, or that hit a known bug,
are listed below and marked xfail(strict=True), raising only for the named
reason: when the feature lands or the bug is fixed they pass and the mark must
go, and a failure for any other reason is an ordinary failure.

The first half of the file tests the `bench` host module itself on small
text modules.

The programs are cached in the session's WASTREL_CACHE_DIR (conftest.py),
keyed on the module, so a second session reuses them; compiling the big
ones (sqlite3, tinygo-json, regex) dominates a cold run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import wasmtime

from tests.cli_util import wastrel

ROOT = Path(__file__).resolve().parent.parent
SIGHTGLASS = Path(os.environ.get("WASTREL_SIGHTGLASS", ROOT.parent / "shared" / "sightglass"))
BENCHMARKS = SIGHTGLASS / "benchmarks"
RUN_TIMEOUT_S = 1200  # a cold run compiles the module's C first (sqlite3: a few minutes on a busy machine)

BENCH_LINE = re.compile(r"bench: \d+\.\d{6} s wall, \d+\.\d{6} s cpu\n")


# ---- the bench host module -------------------------------------------------

# A module that prints "hi\n" after calling bench.start and bench.end as
# `calls` says (a string of "s" and "e").
def bench_module(calls: str) -> str:
    body = " ".join("call $start" if c == "s" else "call $end" for c in calls)
    return f"""(module
  (import "bench" "start" (func $start))
  (import "bench" "end" (func $end))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    {body}
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""


@pytest.fixture
def bench_wat(tmp_path: Path):
    def make(calls: str) -> Path:
        path = tmp_path / f"bench_{calls or 'none'}.wat"
        path.write_text(bench_module(calls))
        return path

    return make


def test_bench_functions_are_silent_by_default(bench_wat) -> None:
    result = wastrel("run", bench_wat("se"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "hi\n", "")


@pytest.mark.parametrize(
    "calls, lines",
    [
        ("se", 1),
        ("sese", 2),  # several stretches: a line each
        ("sse", 1),  # a second start starts again
        ("", 0),
        ("s", 0),  # never ended: nothing
    ],
)
def test_bench_time_prints_each_stretch(bench_wat, calls: str, lines: int) -> None:
    result = wastrel("run", "--bench-time", bench_wat(calls))
    assert (result.returncode, result.stdout) == (0, "hi\n")
    assert re.fullmatch(f"(?:{BENCH_LINE.pattern}){{{lines}}}", result.stderr), result.stderr


def test_bench_end_without_start(bench_wat) -> None:
    result = wastrel("run", "--bench-time", bench_wat("ese"))
    assert result.returncode == 0
    first, second = result.stderr.splitlines(keepends=True)
    assert first == "bench: end without start\n" and BENCH_LINE.fullmatch(second)


def test_compiled_program_takes_bench_time(bench_wat, tmp_path: Path) -> None:
    program = tmp_path / "bench_program"
    assert wastrel("compile", bench_wat("se"), "-o", program).returncode == 0
    quiet = subprocess.run([program], capture_output=True, text=True, timeout=60)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "hi\n", "")
    timed = subprocess.run([program], capture_output=True, text=True, timeout=60, env={**os.environ, "WASTREL_OPTIONS": "--bench-time"})
    assert (timed.returncode, timed.stdout) == (0, "hi\n") and BENCH_LINE.fullmatch(timed.stderr)


def test_emitted_c_compiles_with_the_emitted_headers(bench_wat, tmp_path: Path) -> None:
    """--emit-c writes every header wastrel.h includes (bench.h among them), in DIR/runtime."""
    out = tmp_path / "c"
    out.mkdir()
    assert wastrel("compile", bench_wat("se"), "-o", tmp_path / "program", "--emit-c", out).returncode == 0
    c_file = out / "bench_se.c"
    result = subprocess.run(["cc", "-std=gnu11", "-fsyntax-only", "-I", str(out / "runtime"), str(c_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_bench_import_of_the_wrong_type_is_a_link_error(tmp_path: Path) -> None:
    wat = tmp_path / "bad_bench.wat"
    wat.write_text('(module (import "bench" "start" (func (param i32))) (func (export "_start")))')
    result = wastrel("run", wat)
    assert result.returncode == 1
    assert result.stderr.strip() == f"wastrel: {wat}: import bench.start has type [i32] -> [], expected [] -> []"


# ---- the sightglass modules --------------------------------------------------


@dataclass(frozen=True)
class Known:
    """Why a module cannot pass yet, and the stderr by which its failure is recognized."""

    reason: str
    stderr: str  # a regular expression


class KnownFailure(Exception):
    """The module failed in the way its `Known` entry says."""


NO_INPUT = Known("its input, ./default.input, is not in the folder (test_hex_simd_on_an_input runs it)", r"NotFound")

# "folder/name" (the module is folder/name.wasm) -> why it fails.
KNOWN_FAILURES: dict[str, Known] = {
    "hex-simd/benchmark": NO_INPUT,
}


def module_ids() -> list[str]:
    return sorted(str(p.relative_to(BENCHMARKS).with_suffix("")) for p in BENCHMARKS.glob("*/*.wasm"))


def module_params() -> list:
    if not BENCHMARKS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no sightglass benchmarks at {SIGHTGLASS}"))]
    params = []
    # Biggest first: their C takes longest to compile, so they should not be
    # the last tests a worker gets.
    for module_id in sorted(module_ids(), key=lambda m: -(BENCHMARKS / f"{m}.wasm").stat().st_size):
        known = KNOWN_FAILURES.get(module_id)
        marks = [pytest.mark.xfail(strict=True, raises=KnownFailure, reason=known.reason)] if known else []
        params.append(pytest.param(module_id, marks=marks, id=module_id))
    return params


def test_known_failures_are_modules_of_the_suite() -> None:
    if not BENCHMARKS.is_dir():
        pytest.skip(f"no sightglass benchmarks at {SIGHTGLASS}")
    assert set(KNOWN_FAILURES) <= set(module_ids())


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: bytes
    stderr: bytes


def run_wastrel(module: Path) -> Outcome:
    """`wastrel run --dir . NAME.wasm` in the module's folder."""
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "wastrel", "run", "--dir", ".", module.name],
        cwd=module.parent,
        env={**os.environ, "PYTHONPATH": python_path},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=RUN_TIMEOUT_S,
    )
    return Outcome(result.returncode, result.stdout, result.stderr)


def run_wasmtime(module: Path, work_dir: Path) -> Outcome:
    """The module under wasmtime as sightglass runs it: its folder preopened
    as `.`, bench.start and bench.end doing nothing."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    config = wasmtime.WasiConfig()
    config.argv = [module.name]
    config.preopen_dir(str(module.parent), ".", fs_mutable=False)
    stdout, stderr = work_dir / "stdout", work_dir / "stderr"
    config.stdout_file, config.stderr_file = str(stdout), str(stderr)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    for name in ("start", "end"):
        linker.define_func("bench", name, wasmtime.FuncType([], []), lambda: None)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(module)))
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
        code = 0
    except wasmtime.ExitTrap as exit_trap:
        code = exit_trap.code
    return Outcome(code, stdout.read_bytes(), stderr.read_bytes())


def expected_outcome(module: Path, tmp_path: Path) -> Outcome:
    """The expected files, or wastrel's reference (wasmtime) where a folder has none."""
    stdout_file, stderr_file = (module.with_name(f"{module.stem}.{stream}.expected") for stream in ("stdout", "stderr"))
    if stdout_file.exists() and stderr_file.exists():
        return Outcome(0, stdout_file.read_bytes(), stderr_file.read_bytes())
    reference = run_wasmtime(module, tmp_path)
    return Outcome(
        reference.returncode,
        stdout_file.read_bytes() if stdout_file.exists() else reference.stdout,
        stderr_file.read_bytes() if stderr_file.exists() else reference.stderr,
    )


@pytest.mark.parametrize("module_id", module_params())
def test_sightglass_module(module_id: str, tmp_path: Path) -> None:
    module = BENCHMARKS / f"{module_id}.wasm"
    outcome = run_wastrel(module)
    known = KNOWN_FAILURES.get(module_id)
    if known and outcome.returncode != 0 and re.search(known.stderr, outcome.stderr.decode(errors="replace")):
        raise KnownFailure(outcome.stderr.decode(errors="replace").strip())
    expected = expected_outcome(module, tmp_path)
    assert outcome.returncode == expected.returncode, outcome.stderr.decode(errors="replace")
    assert outcome.stderr.decode(errors="replace") == expected.stderr.decode(errors="replace")
    assert outcome.stdout.decode(errors="replace") == expected.stdout.decode(errors="replace")


def test_hex_simd_on_an_input(tmp_path: Path) -> None:
    """hex-simd (Rust, SIMD) hex-encodes ./default.input, which sightglass
    generates and the folder lacks: on an input of our own, wastrel must
    print what wasmtime prints."""
    source = BENCHMARKS / "hex-simd" / "benchmark.wasm"
    if not source.exists():
        pytest.skip(f"no hex-simd module at {source}")
    folder = tmp_path / "hex-simd"
    folder.mkdir()
    module = folder / "benchmark.wasm"
    module.write_bytes(source.read_bytes())
    (folder / "default.input").write_text("".join(f"line {i}: the quick brown fox, ünïcode ✓\n" for i in range(2000)))
    expected = run_wasmtime(module, tmp_path)
    assert expected.returncode == 0 and len(expected.stdout) > 100_000, expected.stderr
    assert run_wastrel(module) == expected
