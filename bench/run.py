"""Benchmark wastrel-compiled code against native code.

    python bench/run.py [--repeat N] [--kernels a,b] [--markdown] [--no-wasmtime]

Each kernel in bench/kernels/ is built natively with gcc -O2 (see
--native-flags), for wasm32-wasi with clang -O2, and from that module with
`python -m wastrel compile`.  Then
the engines run side by side -- native, wastrel and (separately reported)
wasmtime, interleaved kernel by kernel, N rounds -- and each engine's best
time is kept.  Every run's output (the kernel's checksum) must equal the
native run's.

The speed ratio is native seconds / wastrel seconds: 1.00 is native speed,
0.50 means wastrel takes twice as long; higher is better.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from builds import BuildError, available_kernels, build_native, build_wasm, compile_with_wastrel
from report import format_table, ratio, seconds
from timers import RunError, Timing, WasmtimeRunner, time_executable

Runner = Callable[[list[str]], Timing]

DEFAULT_BUILD_DIR = Path(__file__).resolve().parent / ".build"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="rounds; the best time counts (default 5)")
    parser.add_argument("--kernels", help="comma-separated kernels to run (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    parser.add_argument(
        "--clock", choices=["cpu", "wall"], default="cpu", help="cpu: user+system time (default, steadier); wall: elapsed"
    )
    parser.add_argument("--no-wasmtime", dest="wasmtime", action="store_false", help="skip the wasmtime runs")
    parser.add_argument(
        "--args",
        action="append",
        default=[],
        metavar="KERNEL=ARGS",
        help='arguments for a kernel, e.g. --args "sieve=1000000 2" (default: the kernel\'s own size)',
    )
    parser.add_argument(
        "--native-flags", default="-O2", metavar="FLAGS", help='gcc flags for the native builds (default "-O2")'
    )
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="where builds go (default: bench/.build)")
    return parser.parse_args(argv)


def select_kernels(spec: str | None) -> list[str]:
    known = available_kernels()
    if spec is None:
        return known
    chosen = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        sys.exit(f"unknown kernels: {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen


def kernel_arguments(specs: list[str]) -> dict[str, list[str]]:
    arguments = {}
    for spec in specs:
        kernel, sep, args = spec.partition("=")
        if not sep:
            sys.exit(f"--args wants KERNEL=ARGS, got {spec!r}")
        arguments[kernel] = shlex.split(args)
    return arguments


def prepare(kernel: str, options: argparse.Namespace, problems: list[str]) -> dict[str, Runner]:
    """Build `kernel` for every engine; an engine that fails to build is left out and reported."""
    native = build_native(kernel, options.build_dir, shlex.split(options.native_flags))
    module = build_wasm(kernel, options.build_dir)
    runners: dict[str, Runner] = {"native": lambda args: time_executable(native, args)}
    try:
        wastrel = compile_with_wastrel(module)
        runners["wastrel"] = lambda args: time_executable(wastrel, ["--", *args])  # "--": all args are the guest's
    except BuildError as error:
        problems.append(f"{kernel}: wastrel compile failed: {error}")
    if options.wasmtime:
        runners["wasmtime"] = WasmtimeRunner(module, options.build_dir).run
    return runners


def measure(
    runners: dict[str, dict[str, Runner]],
    arguments: dict[str, list[str]],
    repeat: int,
    clock: str,
    problems: list[str],
) -> dict[str, dict[str, float]]:
    """Best seconds per kernel and engine, rounds interleaved; wrong or failing engines drop out."""
    best: dict[str, dict[str, float]] = {kernel: {} for kernel in runners}
    expected: dict[str, str] = {}
    for round_number in range(1, repeat + 1):
        print(f"round {round_number}/{repeat}", file=sys.stderr)
        for kernel, engines in runners.items():
            args = arguments.get(kernel, [])
            for engine, run in list(engines.items()):
                try:
                    timing = run(args)
                except RunError as error:
                    problems.append(f"{kernel}: {engine}: {error}")
                    del engines[engine]
                    continue
                expected.setdefault(kernel, timing.stdout)  # native runs first
                if timing.stdout != expected[kernel]:
                    problems.append(
                        f"{kernel}: {engine} printed {timing.stdout!r}, native printed {expected[kernel]!r}"
                    )
                    del engines[engine]
                    best[kernel].pop(engine, None)
                    continue
                elapsed = timing.cpu_seconds if clock == "cpu" else timing.wall_seconds
                best[kernel][engine] = min(elapsed, best[kernel].get(engine, float("inf")))
    return best


def comparison(best: dict[str, dict[str, float]], engine: str, markdown: bool) -> str:
    """A table of `engine`'s best times next to native ones."""
    rows = [
        [kernel, seconds(times.get("native")), seconds(times.get(engine)), ratio(times.get("native"), times.get(engine))]
        for kernel, times in best.items()
    ]
    return format_table(["kernel", "native s", f"{engine} s", f"native/{engine}"], rows, markdown)


def report(best: dict[str, dict[str, float]], options: argparse.Namespace) -> str:
    clock = "CPU" if options.clock == "cpu" else "wall-clock"
    text = (
        f"{comparison(best, 'wastrel', options.markdown)}\n\n"
        f"Seconds of {clock} time, best of {options.repeat} runs.\n"
        "native/wastrel = native time / wastrel time: 1.00 is native speed, higher is better.\n"
    )
    if options.wasmtime:
        text += (
            "\nFor reference, wasmtime (Python API, instantiation included):\n\n"
            f"{comparison(best, 'wasmtime', options.markdown)}\n"
        )
    return text


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    kernels = select_kernels(options.kernels)
    arguments = kernel_arguments(options.args)
    problems: list[str] = []
    options.build_dir.mkdir(parents=True, exist_ok=True)
    runners: dict[str, dict[str, Runner]] = {}
    for kernel in kernels:
        print(f"building {kernel}", file=sys.stderr)
        try:
            runners[kernel] = prepare(kernel, options, problems)
        except BuildError as error:
            sys.exit(str(error))
    best = measure(runners, arguments, options.repeat, options.clock, problems)
    print(report(best, options), end="")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
