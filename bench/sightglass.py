"""Time sightglass' benchmark modules under wastrel, natively and under wasmtime.

    python bench/sightglass.py [--repeat N] [--benchmarks a,b] [--markdown] [--clock cpu|wall]

../shared/sightglass (or --sightglass DIR, or $WASTREL_SIGHTGLASS) holds
modules of the Bytecode Alliance's benchmark suite, each calling
`bench.start` and `bench.end` around the work it measures.  Only that
stretch is timed, in each engine:

* wastrel: the module compiled once with `python -m wastrel compile`, run
  with WASTREL_OPTIONS="--dir . --bench-time" (the runtime prints the time between the two
  calls on stderr);
* native, for the C benchmarks (shootout/src, bz2, quicksort, richards,
  blake3-simd): the source built with gcc (-O2, see --native-flags) next to
  bench/native/sightglass.h, whose bench_start/bench_end
  (bench/native/bench_native.c) print the same line when
  SIGHTGLASS_BENCH_TIME=1.  blake3-simd is BLAKE3's hand-written SSE2 C
  compiled to Wasm SIMD through an SSE-to-Wasm shim; natively its
  benchmark.c is built with the same C library, SSE2 kernels only, from
  the Debian package librust-blake3-dev (/usr/share/cargo/registry/
  blake3-*/c; without it there is no native time, and the report says
  so).  meshoptimizer has no native build: its C++ sources are not in the
  folder;
* wasmtime, for every module: its Python API, the module compiled
  beforehand, `bench.start` and `bench.end` Python functions that read the
  clocks.

Every run happens in the benchmark's folder, preopened as `.`, as sightglass
runs it.  The engines run side by side, interleaved benchmark by benchmark,
for --repeat rounds; each keeps its best time.  Every run's stdout and
stderr (bench lines aside) must equal the folder's `.expected` files, or,
where there are none, the first engine's output.  A benchmark or engine that
fails to build or run, or prints something else, drops out and is reported.

Ratios: native/wastrel (1.00 is native speed, higher is better),
native/wasmtime, and wasmtime/wastrel (above 1.00: wastrel is faster).
A ratio of times under --min-seconds (1 ms) is not shown: a few programs
finish in microseconds (clang folded their loops), where a ratio is noise.
Last, the geometric mean of native/wastrel over the shootout programs whose
times both reach --min-seconds.
"""

from __future__ import annotations

import argparse
import glob
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import wasmtime
from builds import REPO_ROOT, BuildError, _run, compile_with_wastrel
from report import format_table
from timers import RunError

DEFAULT_BUILD_DIR = Path(__file__).resolve().parent / ".build" / "sightglass"
DEFAULT_SIGHTGLASS = Path(os.environ.get("WASTREL_SIGHTGLASS", REPO_ROOT.parent / "shared" / "sightglass"))
NATIVE_DIR = Path(__file__).resolve().parent / "native"
ENGINES = ("native", "wastrel", "wasmtime")
BENCH_LINE = re.compile(r"^bench: (\d+\.\d+) s wall, (\d+\.\d+) s cpu\n", re.M)

# Modules left out by default, and why.
NOT_TIMED = {
    "noop/benchmark": "measures nothing",
    "hex-simd/benchmark": "its input, default.input, is not shipped in the folder",
    "splay/splay": "WasmGC, which wastrel lacks",
}

# BLAKE3's C sources, as Debian's librust-blake3-dev installs them.
BLAKE3_C_GLOB = "/usr/share/cargo/registry/blake3-*/c"
BLAKE3_C_FILES = ("blake3.c", "blake3_dispatch.c", "blake3_portable.c", "blake3_sse2.c")
# So that BLAKE3's dispatcher picks the SSE2 kernels, as the module does.
BLAKE3_SSE2_ONLY = ("-DBLAKE3_NO_SSE41", "-DBLAKE3_NO_AVX2", "-DBLAKE3_NO_AVX512")


@dataclass(frozen=True)
class NativeBuild:
    """A benchmark's native build: its own C file, copied next to
    bench/native/sightglass.h, and library sources compiled where they are."""

    source: Path
    library: tuple[Path, ...] = ()
    include: tuple[Path, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benchmark:
    name: str  # "folder/stem": the module is folder/stem.wasm
    module: Path
    native: NativeBuild | None  # None: no native build
    no_native: str | None = None  # why there is no native build where one might be expected, for the report

    @property
    def folder(self) -> Path:
        return self.module.parent


@dataclass(frozen=True)
class Timing:
    cpu_seconds: float
    wall_seconds: float
    stdout: bytes
    stderr: bytes  # without the bench lines


Runner = Callable[[], Timing]


def blake3_c_dir() -> Path | None:
    """The newest installed BLAKE3 C source folder with the files the SSE2 build needs."""

    def version(folder: Path) -> tuple[int, ...]:
        numbers = re.findall(r"\d+", folder.parent.name)
        return tuple(int(n) for n in numbers)

    folders = [Path(f) for f in glob.glob(BLAKE3_C_GLOB)]
    folders = [f for f in folders if all((f / name).is_file() for name in (*BLAKE3_C_FILES, "blake3.h", "blake3_impl.h"))]
    return max(folders, key=version) if folders else None


def native_build(benchmarks: Path, name: str) -> tuple[NativeBuild | None, str | None]:
    """The benchmark's native build, if it has one, or why it has none where one might be expected."""
    folder, stem = name.split("/")
    if folder == "shootout":
        path = benchmarks / "shootout" / "src" / f"{stem.removeprefix('shootout-')}.c"
    elif folder == "blake3-simd":
        path = benchmarks / folder / "benchmark.c"
        if not path.is_file():
            return None, None
        if platform.machine().lower() not in ("x86_64", "amd64", "i386", "i686"):
            return None, f"no native build: BLAKE3's SSE2 kernels need an x86 machine, not {platform.machine()}"
        library = blake3_c_dir()
        if library is None:
            return None, (
                f"no native build: BLAKE3's C sources are not installed ({BLAKE3_C_GLOB}: "
                "apt-get install librust-blake3-dev)"
            )
        return NativeBuild(path, tuple(library / f for f in BLAKE3_C_FILES), (library,), BLAKE3_SSE2_ONLY), None
    elif folder == "meshoptimizer":
        return None, "no native build: its C++ sources (meshoptimizer, cloned by build-native.sh) are not in the folder"
    else:
        file = {"bz2": "benchmark.c", "quicksort": "quicksort.c", "richards": "richards.c"}.get(folder, "")
        path = benchmarks / folder / file if file else None
    return (NativeBuild(path), None) if path and path.is_file() else (None, None)


def discover(sightglass: Path) -> list[Benchmark]:
    benchmarks = sightglass / "benchmarks"
    found = []
    for module in sorted(benchmarks.glob("*/*.wasm")):
        name = str(module.relative_to(benchmarks).with_suffix(""))
        found.append(Benchmark(name, module, *native_build(benchmarks, name)))
    return found


# ---- builds ------------------------------------------------------------------


def build_native(benchmark: Benchmark, build_dir: Path, flags: list[str]) -> Path:
    """gcc builds a copy of the source that sits next to bench/native/sightglass.h,
    with the library sources, if any, where they are."""
    native = benchmark.native
    assert native is not None
    work = build_dir / "native" / benchmark.name.replace("/", "-")
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NATIVE_DIR / "sightglass.h", work / "sightglass.h")
    source = work / native.source.name
    shutil.copyfile(native.source, source)
    output = work / "program"
    includes = [arg for folder in (work, *native.include) for arg in ("-I", str(folder))]
    sources = [str(source), *map(str, native.library), str(NATIVE_DIR / "bench_native.c")]
    _run(["gcc", *flags, *native.flags, "-w", *includes, *sources, "-o", str(output), "-lm"])
    return output


def build_wastrel(benchmark: Benchmark, build_dir: Path) -> Path:
    output = build_dir / "wastrel" / benchmark.name.replace("/", "-")
    output.parent.mkdir(parents=True, exist_ok=True)
    return compile_with_wastrel(benchmark.module, output)


# ---- timed runs --------------------------------------------------------------


def _bench_times(stderr: bytes, what: str) -> tuple[float, float, bytes]:
    """The summed (cpu, wall) of the bench lines in stderr, and stderr without them."""
    text = stderr.decode("utf-8", "surrogateescape")
    lines = BENCH_LINE.findall(text)
    if not lines:
        raise RunError(f"{what} printed no bench line (does it call bench.start and bench.end?)")
    wall = sum(float(w) for w, _ in lines)
    cpu = sum(float(c) for _, c in lines)
    return cpu, wall, BENCH_LINE.sub("", text).encode("utf-8", "surrogateescape")


def run_program(command: list[str], folder: Path, env: dict[str, str] | None = None) -> Timing:
    result = subprocess.run(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    what = Path(command[0]).name
    if result.returncode != 0:
        raise RunError(f"{what} exited with {result.returncode}:\n{result.stderr.decode(errors='replace')[-2000:]}")
    cpu, wall, stderr = _bench_times(result.stderr, what)
    return Timing(cpu, wall, result.stdout, stderr)


class WasmtimeBench:
    """One module under wasmtime's Python API, compiled once, run in its folder."""

    def __init__(self, benchmark: Benchmark, work_dir: Path) -> None:
        self._engine = wasmtime.Engine()
        self._module = wasmtime.Module.from_file(self._engine, str(benchmark.module))
        self._benchmark = benchmark
        work_dir.mkdir(parents=True, exist_ok=True)
        self._stdout = work_dir / f"{benchmark.name.replace('/', '-')}.wasmtime-stdout"
        self._stderr = self._stdout.with_suffix(".wasmtime-stderr")

    def run(self) -> Timing:
        # As wastrel's runtime does: a span per start/end pair, a second start starts again.
        started: list[tuple[float, float]] = []  # (cpu, wall) of the pending start
        spans: list[tuple[float, float]] = []

        def start() -> None:
            started[:] = [(time.process_time(), time.perf_counter())]

        def end() -> None:
            cpu, wall = time.process_time(), time.perf_counter()
            if started:
                cpu0, wall0 = started.pop()
                spans.append((cpu - cpu0, wall - wall0))

        config = wasmtime.WasiConfig()
        config.argv = [self._benchmark.module.name]
        config.preopen_dir(str(self._benchmark.folder), ".", fs_mutable=False)
        config.stdout_file = str(self._stdout)
        config.stderr_file = str(self._stderr)
        store = wasmtime.Store(self._engine)
        store.set_wasi(config)
        linker = wasmtime.Linker(self._engine)
        linker.define_wasi()
        linker.define_func("bench", "start", wasmtime.FuncType([], []), start)
        linker.define_func("bench", "end", wasmtime.FuncType([], []), end)
        instance = linker.instantiate(store, self._module)
        entry = instance.exports(store)["_start"]
        assert isinstance(entry, wasmtime.Func)
        try:
            entry(store)
        except wasmtime.ExitTrap as exit_trap:
            if exit_trap.code != 0:
                raise RunError(f"exited with {exit_trap.code} under wasmtime") from None
        except wasmtime.Trap as trap:
            raise RunError(f"trapped under wasmtime: {trap}") from None
        if not spans:
            raise RunError("no bench.start/bench.end pair under wasmtime")
        return Timing(
            sum(cpu for cpu, _ in spans), sum(wall for _, wall in spans), self._stdout.read_bytes(), self._stderr.read_bytes()
        )


def prepare(benchmark: Benchmark, options: argparse.Namespace, problems: list[str], notes: list[str]) -> dict[str, Runner]:
    """Every engine's runner for `benchmark`; one that fails to build is left out and reported."""
    runners: dict[str, Runner] = {}
    folder = benchmark.folder
    if "native" in options.engines and benchmark.no_native is not None:
        notes.append(f"{benchmark.name}: {benchmark.no_native}")
    if "native" in options.engines and benchmark.native is not None:
        try:
            native = build_native(benchmark, options.build_dir, shlex.split(options.native_flags))
            env = {**os.environ, "SIGHTGLASS_BENCH_TIME": "1"}
            runners["native"] = lambda: run_program([str(native)], folder, env)
        except BuildError as error:
            problems.append(f"{benchmark.name}: native build failed: {error}")
    if "wastrel" in options.engines:
        try:
            program = build_wastrel(benchmark, options.build_dir)
            wastrel_env = {**os.environ, "WASTREL_OPTIONS": "--dir . --bench-time"}  # the program's own options
            runners["wastrel"] = lambda: run_program([str(program)], folder, wastrel_env)
        except BuildError as error:
            problems.append(f"{benchmark.name}: wastrel compile failed: {first_lines(str(error))}")
    if "wasmtime" in options.engines:
        try:
            runners["wasmtime"] = WasmtimeBench(benchmark, options.build_dir / "wasmtime").run
        except wasmtime.WasmtimeError as error:
            problems.append(f"{benchmark.name}: wasmtime cannot compile it: {first_lines(str(error))}")
    return runners


def first_lines(text: str, n: int = 3) -> str:
    lines = text.strip().splitlines()
    return "\n".join(lines[:n] + (["..."] if len(lines) > n else []))


def expected_output(benchmark: Benchmark) -> tuple[bytes | None, bytes | None]:
    files = (benchmark.folder / f"{benchmark.module.stem}.{stream}.expected" for stream in ("stdout", "stderr"))
    return tuple(f.read_bytes() if f.exists() else None for f in files)  # type: ignore[return-value]


def measure(
    runners: dict[Benchmark, dict[str, Runner]], repeat: int, clock: str, problems: list[str]
) -> dict[str, dict[str, float]]:
    """Best seconds per benchmark and engine, rounds interleaved; wrong or failing engines drop out."""
    best: dict[str, dict[str, float]] = {b.name: {} for b in runners}
    expected = {b: list(expected_output(b)) for b in runners}
    for round_number in range(1, repeat + 1):
        print(f"round {round_number}/{repeat}", file=sys.stderr)
        for benchmark, engines in runners.items():
            for engine, run in list(engines.items()):
                try:
                    timing = run()
                except RunError as error:
                    problems.append(f"{benchmark.name}: {engine}: {error}")
                    del engines[engine]
                    best[benchmark.name].pop(engine, None)
                    continue
                want = expected[benchmark]
                want[0] = timing.stdout if want[0] is None else want[0]  # no .expected: the first engine's output
                want[1] = timing.stderr if want[1] is None else want[1]
                if (timing.stdout, timing.stderr) != tuple(want):
                    problems.append(f"{benchmark.name}: {engine} printed other output than expected")
                    del engines[engine]
                    best[benchmark.name].pop(engine, None)
                    continue
                elapsed = timing.cpu_seconds if clock == "cpu" else timing.wall_seconds
                best[benchmark.name][engine] = min(elapsed, best[benchmark.name].get(engine, math.inf))
    return best


# ---- the report ----------------------------------------------------------------


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def ratio(numerator: float | None, denominator: float | None, min_seconds: float) -> str:
    """The ratio, or "-" when a time is missing or too short to compare."""
    if numerator is None or denominator is None or min(numerator, denominator) < min_seconds:
        return "-"
    return f"{numerator / denominator:.2f}"


def shootout_geomean(best: dict[str, dict[str, float]], min_seconds: float) -> tuple[float | None, list[str], list[str]]:
    """Geometric mean of native/wastrel over shootout programs with both times and
    both times at least min_seconds; the programs used and those left out."""
    used, left_out, logs = [], [], []
    for name, times in best.items():
        if not name.startswith("shootout/"):
            continue
        native, wastrel = times.get("native"), times.get("wastrel")
        if native is None or wastrel is None or min(native, wastrel) < min_seconds:
            left_out.append(name.removeprefix("shootout/"))
            continue
        used.append(name.removeprefix("shootout/"))
        logs.append(math.log(native / wastrel))
    return (math.exp(sum(logs) / len(logs)) if logs else None), used, left_out


def report(best: dict[str, dict[str, float]], options: argparse.Namespace, notes: Sequence[str] = ()) -> str:
    headers = ["benchmark", "native s", "wastrel s", "wasmtime s", "native/wastrel", "native/wasmtime", "wasmtime/wastrel"]
    rows = []
    for name, times in best.items():
        native, ours, theirs = (times.get(engine) for engine in ENGINES)
        rows.append(
            [name, seconds(native), seconds(ours), seconds(theirs)]
            + [ratio(a, b, options.min_seconds) for a, b in ((native, ours), (native, theirs), (theirs, ours))]
        )
    clock = "CPU" if options.clock == "cpu" else "wall-clock"
    text = (
        f"{format_table(headers, rows, options.markdown)}\n\n"
        f"Seconds of {clock} time between bench.start and bench.end, best of {options.repeat} runs.\n"
        "native/wastrel = native time / wastrel time: 1.00 is native speed, higher is better;\n"
        "wasmtime/wastrel above 1.00: wastrel is faster than wasmtime.\n"
        f"A ratio is left out (-) where a time is missing or under {options.min_seconds} s.\n"
    )
    mean, used, left_out = shootout_geomean(best, options.min_seconds)
    if mean is not None:
        text += f"\nshootout native/wastrel, geometric mean over {len(used)} programs: {mean:.2f}\n"
        if left_out:
            text += f"(left out: {', '.join(left_out)} -- a time under {options.min_seconds} s, or not run)\n"
    if notes:
        text += "\n" + "".join(f"Note: {note}\n" for note in notes)
    return text


# ---- command line --------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="rounds; the best time counts (default 5)")
    parser.add_argument("--benchmarks", help="comma-separated names (folder/stem, or a folder for all its modules); default: all")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)} (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument(
        "--clock", choices=["cpu", "wall"], default="cpu", help="cpu: user+system time (default, steadier); wall: elapsed"
    )
    parser.add_argument("--native-flags", default="-O2", metavar="FLAGS", help='gcc flags for the native builds (default "-O2")')
    parser.add_argument(
        "--min-seconds", type=float, default=0.001, help="times under this many seconds are too short for a ratio (default 0.001)"
    )
    parser.add_argument("--sightglass", type=Path, default=DEFAULT_SIGHTGLASS, help=f"the sightglass folder (default {DEFAULT_SIGHTGLASS})")
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="where builds go (default: bench/.build/sightglass)")
    options = parser.parse_args(argv)
    options.engines = [e.strip() for e in options.engines.split(",") if e.strip()]
    if unknown := set(options.engines) - set(ENGINES):
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return options


def select(all_benchmarks: list[Benchmark], spec: str | None) -> list[Benchmark]:
    if spec is None:
        return [b for b in all_benchmarks if b.name not in NOT_TIMED]
    chosen = []
    for word in (w.strip() for w in spec.split(",") if w.strip()):
        matches = [b for b in all_benchmarks if b.name == word or b.name.split("/")[0] == word]
        if not matches:
            sys.exit(f"unknown benchmark {word!r} (known: {', '.join(b.name for b in all_benchmarks)})")
        chosen += [b for b in matches if b not in chosen]
    return chosen


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if not (options.sightglass / "benchmarks").is_dir():
        sys.exit(f"no sightglass benchmarks in {options.sightglass} (see --sightglass)")
    benchmarks = select(discover(options.sightglass), options.benchmarks)
    options.build_dir.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    notes: list[str] = []
    runners: dict[Benchmark, dict[str, Runner]] = {}
    for benchmark in benchmarks:
        print(f"building {benchmark.name}", file=sys.stderr)
        runners[benchmark] = prepare(benchmark, options, problems, notes)
    best = measure(runners, options.repeat, options.clock, problems)
    print(report(best, options, notes), end="")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
