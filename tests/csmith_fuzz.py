#!/usr/bin/env python3
"""Differential fuzzing of wastrel with random C programs from csmith.

    python tests/csmith_fuzz.py --seeds N [--start S] [--jobs J] [--keep DIR] [--quiet | --verbose]
    python tests/csmith_fuzz.py --only 12,345          # just these seeds
    python tests/csmith_fuzz.py ... --opt -O1          # every seed's wasm built so (default: the seed picks)
    python tests/csmith_fuzz.py ... -O 0 | --cc clang  # wastrel's C built so (default: the seed picks)
    python tests/csmith_fuzz.py --replay CASE.c        # a saved case (CASE.json beside it)
    python tests/csmith_fuzz.py --interesting CASE.c   # exit 0 iff the case still shows its finding
                                                       # and has no undefined behaviour: creduce's test
    python tests/csmith_fuzz.py --reduce CASE.c [--jobs J]   # run creduce with that test

Each seed is one C program and one way to build it:

1. `csmith --seed N` with options the seed draws (few functions, shallow
   blocks, small arrays; now and then without pointers, structs, unions,
   bitfields, volatiles, jumps, 64-bit arithmetic, ...; floats for a fifth of
   the seeds) and `--no-argc`.
2. The program is made portable between wasm32 (ILP32) and the x86-64 host
   (LP64) -- see below -- and compiled by clang for wasm32-wasi at the level
   the seed picks (-O0, -O1, -O2, -Os or -O3; with sign extension, bulk
   memory, non-trapping float-to-int each on for some seeds, and some
   without inlining), and by gcc -O1 for the host.
3. The host binary runs first (a program that does not finish within
   NATIVE_TIMEOUT seconds is discarded, not a finding).  The module runs under
   wasmtime (the Python package, through tests/e2e_util.py's runner, in a
   subprocess that can be timed out) and as the program `wastrel compile`
   makes of it (built by the C compiler and level tests/fuzz.py's
   `build_options` picks for the seed: mostly cc -O2).
4. Each program prints the checksum of every global variable after its run
   (`print_hash_value` is set), then the total: the three outputs and exit
   statuses are compared.

Verdicts.  wasmtime and wastrel run the same module, and Wasm is
deterministic (but for a NaN's bits, which a csmith program hashes only if it
makes a NaN, and its safe-math wrappers avoid that), so whatever the C may
mean, the two must agree: a difference between them, a module wastrel cannot
compile, a wastrel program that crashes, traps or hangs where wasmtime does
not, is a *finding*.
The host build checks the other half, clang and the portability rewrite: when
wasmtime and the host disagree (and wastrel agrees with wasmtime), the seed is
never a finding.  It is `unportable` when the C is known to mean different
things on the two: gcc's sanitizers (undefined, float-cast-overflow, address)
report something on the host build (csmith's float support converts out of
range now and then, and then even clang and gcc differ natively), or a union
holds a pointer (csmith 2.3.0 allows it and may read another member: address
bits, which differ between the targets and, with ASLR, between native runs).
Else it is `platform`, left for a look by hand (a read of struct padding
through a union, which csmith 2.3.0 also allows, would be one); the summary
line of a run counts both.

Portability.  csmith writes its types as int8_t ... uint64_t, which have the
same size on both targets, and hashes values, not bytes (except floats, by
their four bytes, identical too).  What would differ: (a) integer constants
carry `L`/`UL` suffixes (`0xB1B2C3D4L`, `1UL`), whose type is 64-bit on the
host and 32-bit on wasm32 -- and the usual arithmetic conversions then differ
(`(int64_t)-1 < 1UL` is false on LP64, true on ILP32).  The rewrite drops them
(`L` -> nothing, `UL` -> `U`, `LL`/`ULL` kept), so each constant is an int,
unsigned int or (unsigned) long long on both; csmith's safe-math wrappers
still guard every operation that could overflow, whatever the operand types.
(b) Pointer size and addresses: csmith never hashes, prints, orders or
does arithmetic on pointers; only a union that holds one can show them (see
`unportable` above; structs holding pointers have the same field values on
both).  (c) Layout of int64_t (8-byte aligned on both), bitfields and packed
structs (both follow the SysV rules, both little-endian).  (d) `long` is
left only in csmith's unused `__undefined` and in printing the checksum
(`%lX` of a value below 2^32).  The rewrite also sets `print_hash_value`
(csmith's per-variable checksums, for finer outputs) and swaps printf for a
small formatter defined in the program (`PRELUDE`: %d, %X, %lX, %s are all
csmith prints), so that the module is mostly csmith's code, not wasi-libc's
vfprintf (and, with `--no-argc`, not its malloc): a third of the size, about
twice the seeds per minute.  The wasm module gets a 1 MiB stack (wasm-ld's
64 KiB default is small for csmith's local arrays, and overflowing it writes
over data silently).

Findings are printed with the seed, the command lines and the outputs;
`--keep DIR` saves DIR/csmith-N.c (the portable program: build it with the
commands shown), DIR/csmith-N.wasm and DIR/csmith-N.json (how it was built and
the three outcomes), the form tests/csmith_regressions/ uses.  `--reduce`
runs creduce on a saved case, in place on a copy (NAME.reduced.c beside it,
the smallest program so far whenever it is stopped), with `--interesting` as
its test: the finding must stay the same kind (say, wastrel's output differs from wasmtime's), the
host build must agree with wasmtime, and the program must be clean under
`clang -Wall -Werror=<the warnings that mean undefined behaviour>` and under
gcc's `-fsanitize=undefined,float-cast-overflow,address`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import json
import multiprocessing
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from tests import fuzz  # noqa: E402 - after the path is set

CSMITH = shutil.which("csmith") or "csmith"
CREDUCE = shutil.which("creduce") or "creduce"
CSMITH_INCLUDE_CANDIDATES = [Path("/usr/include/csmith"), Path("/usr/local/include/csmith")]

NATIVE_TIMEOUT = 5.0  # seconds: a program slower than this natively is discarded
WASM_TIMEOUT = 60.0  # seconds for wasmtime's and wastrel's runs
BUILD_TIMEOUT = 120.0  # seconds for clang or gcc
WASM_STACK = 1 << 20

OPT_LEVELS = ["-O0", "-O1", "-O2", "-Os", "-O3"]
NATIVE_CC = ["gcc", "-O1"]

# Warnings that usually mean undefined behaviour in a reduced program: the
# usual list for reducing csmith's programs with creduce, less those that
# csmith's own programs give (comparing distinct pointer types or an address
# with null, passing a float * to transparent_crc_bytes's char *).
UB_WARNINGS = [
    "implicit-int", "implicit-function-declaration", "return-type", "uninitialized",
    "sometimes-uninitialized", "conditional-uninitialized", "int-conversion", "int-to-pointer-cast",
    "pointer-to-int-cast", "excess-initializers", "array-bounds", "array-bounds-pointer-arithmetic",
    "division-by-zero", "shift-count-overflow", "shift-count-negative", "format", "main-return-type",
    "null-dereference", "return-stack-address", "unsequenced", "incompatible-library-redeclaration",
    "builtin-requires-header", "dangling-else", "incompatible-function-pointer-types", "varargs",
]  # fmt: skip


def csmith_include() -> Path | None:
    """The directory of csmith.h (libcsmith-dev), or None."""
    for candidate in CSMITH_INCLUDE_CANDIDATES:
        if (candidate / "csmith.h").exists():
            return candidate
    return None


def toolchain_problem() -> str | None:
    """Why this fuzzer cannot run here, or None."""
    if not shutil.which("csmith"):
        return "csmith is not installed (Debian package csmith; scripts/setup.sh installs it)"
    if csmith_include() is None:
        return "csmith.h is missing (Debian package libcsmith-dev; scripts/setup.sh installs it)"
    if not shutil.which("gcc"):
        return "gcc is not installed"
    from tests.e2e_util import wasm_toolchain_problem

    return wasm_toolchain_problem()


# ---------------------------------------------------------------------------
# Generation


def csmith_options(rng: random.Random) -> list[str]:
    """The seed's csmith options: small programs, quick to run, and now and
    then without some kinds of construct, so that the others come more often."""
    options = [
        "--no-argc",
        "--max-funcs", str(rng.choice([2, 3, 4, 6, 8])),
        "--max-block-depth", str(rng.choice([2, 3, 3, 4])),
        "--max-block-size", str(rng.choice([3, 4, 4, 5])),
        "--max-expr-complexity", str(rng.choice([3, 5, 8, 10])),
        "--max-array-dim", str(rng.choice([1, 2, 3])),
        "--max-array-len-per-dim", str(rng.choice([3, 5, 8])),
        "--max-struct-fields", str(rng.choice([3, 6, 10])),
    ]  # fmt: skip
    for feature in ("pointers", "arrays", "structs", "unions", "bitfields", "volatiles", "jumps", "math64",
                    "divs", "muls", "packed-struct", "consts", "comma-operators", "embedded-assigns"):  # fmt: skip
        if rng.random() < 0.12:
            options.append(f"--no-{feature}")
    if rng.random() < 0.2:
        options.append("--float")
    return options


def seed_config(seed: int, opt: str | None = None, cc: str | None = None, c_opt: str | None = None) -> tuple[list[str], str, list[str], list[str]]:
    """(csmith options, clang's -O level, clang's target features, `wastrel
    compile` options) for a seed.  One seed in seven makes a program of
    csmith's default size (up to ten functions, blocks five deep: several
    times larger, slower to build).  Each Wasm 2.0 feature clang 14 leaves
    off by default is on for two seeds in five: sign extension
    (`i32.extend8_s`...), bulk memory (struct copies and memset become
    `memory.copy`/`memory.fill`), non-trapping float-to-int, SIMD (the
    vectoriser's loops, struct copies in v128 loads and stores).  Three optimised
    builds in ten keep csmith's functions apart (`-fno-inline-functions`):
    calls inside optimised expressions, where evaluation order matters."""
    rng = random.Random(f"wastrel-csmith-{seed}")
    options = csmith_options(rng)
    if random.Random(f"wastrel-csmith-size-{seed}").random() < 1 / 7:
        options = [o for k, o in enumerate(options) if not (o.startswith("--max-") or options[k - 1].startswith("--max-"))]
    level = opt or rng.choice(OPT_LEVELS)
    pick = random.Random(f"wastrel-csmith-features-{seed}")
    features = [f for f in ("-msign-ext", "-mbulk-memory", "-mnontrapping-fptoint", "-msimd128") if pick.random() < 0.4]
    if level != "-O0" and random.Random(f"wastrel-csmith-inline-{seed}").random() < 0.3:
        features.append("-fno-inline-functions")  # calls inside optimised expressions
    return options, level, features, fuzz.build_options(seed, cc, c_opt)


def generate(seed: int, options: list[str]) -> str | None:
    """csmith's program for the seed, or None if csmith fails."""
    with tempfile.TemporaryDirectory(prefix="wastrel-csmith-gen-") as work:
        # csmith reads ./platform.info (int and pointer sizes) if there is one,
        # else writes one with the host's: run it in a directory of its own.
        run = subprocess.run([CSMITH, "--seed", str(seed), *options], capture_output=True, text=True, timeout=120, cwd=work)
    if run.returncode != 0 or "int main" not in run.stdout:
        return None
    return run.stdout


# The program's printf: csmith prints with "%s", "%d", "%X" and "%lX" only.
# Defined in the program (static) so that native and wasm builds share it.
PRELUDE = r"""/* --- wastrel csmith fuzzer: a small printf (the program's only formats) --- */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
static int fz_printf(const char *fmt, ...) {
  char buf[512], digits[24];
  unsigned n = 0;
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p && n < sizeof buf - 24; p++) {
    unsigned long long v;
    int longs = 0, k = 0;
    if (*p != '%') { buf[n++] = *p; continue; }
    while (*++p == 'l') longs++;
    if (*p == 's') {
      for (const char *s = va_arg(ap, const char *); *s && n < sizeof buf - 24; s++) buf[n++] = *s;
      continue;
    }
    if (*p == 'd') {
      long long x = longs > 1 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
      if (x < 0) buf[n++] = '-';
      v = x < 0 ? -(unsigned long long)x : (unsigned long long)x;
      do digits[k++] = (char)('0' + v % 10); while (v /= 10);
    } else {
      v = longs > 1 ? va_arg(ap, unsigned long long) : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
      do digits[k++] = "0123456789ABCDEF"[v % 16]; while (v /= 16);
    }
    while (k) buf[n++] = digits[--k];
  }
  va_end(ap);
  for (unsigned done = 0; done < n;) {
    ssize_t wrote = write(1, buf + done, n - done);
    if (wrote <= 0) break;
    done += (unsigned)wrote;
  }
  return (int)n;
}
#define printf fz_printf
/* --- end of the fuzzer's prelude --- */
"""

_LONG_SUFFIX = re.compile(r"\b(0x[0-9A-Fa-f]+|[0-9]+)(U?)L\b")


def portable(source: str) -> str:
    """csmith's program, made to mean the same on wasm32 and x86-64 (see the
    module's docstring): no `L`/`UL` constants, per-variable checksums
    printed, the prelude's printf."""
    source = _LONG_SUFFIX.sub(r"\1\2", source)
    source = source.replace("int print_hash_value = 0;", "int print_hash_value = 1;", 1)
    return source.replace('#include "csmith.h"', PRELUDE + '#include "csmith.h"', 1)


# ---------------------------------------------------------------------------
# Building and running


def wasm_command(source: Path, output: Path, opt: str, features: list[str] | None = None) -> list[str]:
    return ["clang", "--target=wasm32-wasi", opt, *(features or []), "-w", f"-I{csmith_include()}", f"-Wl,-z,stack-size={WASM_STACK}", str(source), "-o", str(output)]


def native_command(source: Path, output: Path, extra: list[str] | None = None) -> list[str]:
    return [*NATIVE_CC, *(extra or []), "-w", f"-I{csmith_include()}", str(source), "-o", str(output), "-lm"]


def wastrel_compile_command(wasm: Path, program: Path, build: list[str]) -> list[str]:
    return ["wastrel", "compile", str(wasm), "-o", str(program), *build]


def compile_c(command: list[str]) -> str | None:
    """None on success, else the compiler's complaint."""
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"{command[0]} took more than {BUILD_TIMEOUT:.0f} s"
    return None if run.returncode == 0 else f"{shlex.join(command)}:\n{run.stderr.strip()}"


@dataclass
class Outcome:
    """How a run ended: `status` is "exit" (with `code`), "trap" (a `wasm
    trap:` message and status 134), "signal" (`code`: minus its number),
    "timeout" or "error" (the runner failed); stderr is kept for the report
    only."""

    status: str
    code: int = 0
    stdout: str = ""
    stderr: str = ""

    def key(self) -> tuple:
        """What is compared: a trap's wording differs between engines."""
        return (self.status, self.code, self.stdout) if self.status in ("exit", "trap") else (self.status,)

    def describe(self) -> str:
        if self.status == "exit":
            return f"exit {self.code}"
        if self.status == "trap":
            traps = [line for line in self.stderr.splitlines() if line.startswith("wasm trap:")]  # (not its backtrace)
            return f"trap ({traps[-1] if traps else '?'})"
        return self.status + (f" ({self.stderr.strip()[-300:]})" if self.stderr.strip() else "")


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "replace")


def run_program(command: list[str], timeout: float) -> Outcome:
    """A native program (the host build or wastrel's); exit status 134 with a
    `wasm trap:` message is a trap."""
    try:
        run = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return Outcome("timeout", stdout=_decode(exc.stdout), stderr=_decode(exc.stderr))
    out, err = _decode(run.stdout), _decode(run.stderr)
    if run.returncode == 134 and "wasm trap:" in err:
        return Outcome("trap", 134, out, err)
    if run.returncode < 0:
        return Outcome("signal", run.returncode, out, err)
    return Outcome("exit", run.returncode, out, err)


# wasmtime through tests/e2e_util.py's runner, in a child process that can be
# killed at the time limit; a trap is reported as wastrel reports one.
_WASMTIME_CHILD = """
import sys
from pathlib import Path
import wasmtime
from tests.e2e_util import Invocation, run_wasmtime
try:
    outcome = run_wasmtime(Path(sys.argv[1]), Invocation(), Path(sys.argv[2]))
except wasmtime.Trap as trap:
    sys.stdout.write(Path(sys.argv[2], "stdout").read_text(errors="replace"))
    sys.stderr.write("wasm trap: " + str(trap).splitlines()[0] + "\\n")
    sys.exit(134)
sys.stdout.write(outcome.stdout)
sys.stderr.write(outcome.stderr)
sys.exit(outcome.exit_code)
"""


def run_wasmtime(wasm: Path, work: Path, timeout: float = WASM_TIMEOUT) -> Outcome:
    stdio = work / "wasmtime-stdio"
    stdio.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-c", _WASMTIME_CHILD, str(wasm.resolve()), str(stdio.resolve())]
    try:
        run = subprocess.run(command, capture_output=True, timeout=timeout, env=env, cwd=REPO, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome("timeout")
    out, err = _decode(run.stdout), _decode(run.stderr)
    if run.returncode == 134 and err.startswith("wasm trap:"):
        return Outcome("trap", 134, out, err)
    if "Traceback" in err:
        return Outcome("error", run.returncode, out, err)
    return Outcome("exit", run.returncode, out, err)


# ---------------------------------------------------------------------------
# One program, three ways


@dataclass
class Result:
    seed: int
    status: str  # ok | csmith-failed | clang-failed | native-failed | native-timeout | platform | unportable | finding | harness-error
    detail: str = ""
    opt: str = ""  # clang's level for wasm32
    features: list[str] = field(default_factory=list)  # clang's -m options for wasm32
    build: list[str] = field(default_factory=list)  # `wastrel compile` options
    csmith: list[str] = field(default_factory=list)  # csmith's options
    source: str = ""  # the portable program
    wasm: bytes = b""
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # native, wasmtime, wastrel
    seconds: float = 0.0

    def commands(self, name: str = "PROGRAM") -> list[str]:
        """How to reproduce it by hand, from a directory holding NAME.c."""
        c, wasm = Path(f"{name}.c"), Path(f"{name}.wasm")
        return [
            shlex.join(wasm_command(c, wasm, self.opt, self.features)),
            shlex.join(native_command(c, Path(f"{name}.native"))) + f" && ./{name}.native",
            shlex.join(wastrel_compile_command(wasm, Path(f"{name}.wastrel"), self.build)) + f" && ./{name}.wastrel",
            f"wasmtime run {name}.wasm",
        ]


def check_program(seed: int, source: str, opt: str, build: list[str], work: Path, cache_dir: Path | None, features: list[str] | None = None) -> Result:
    """Builds and runs one (portable) program three ways and compares."""
    result = Result(seed, "ok", opt=opt, features=list(features or []), build=list(build), source=source)
    c_path, wasm_path = work / f"seed-{seed}.c", work / f"seed-{seed}.wasm"
    native, program = work / f"seed-{seed}.native", work / f"seed-{seed}.wastrel"
    c_path.write_text(source)
    problem = compile_c(native_command(c_path, native))
    if problem:
        result.status, result.detail = "native-failed", problem
        return result
    expected = result.outcomes["native"] = run_program([str(native)], NATIVE_TIMEOUT)
    if expected.status != "exit" or expected.code != 0:
        result.status = "native-timeout" if expected.status == "timeout" else "native-failed"
        result.detail = f"the host build: {expected.describe()}"
        return result
    problem = compile_c(wasm_command(c_path, wasm_path, opt, features))
    if problem:
        result.status, result.detail = "clang-failed", problem
        return result
    result.wasm = wasm_path.read_bytes()
    error = fuzz.compile_wastrel(wasm_path, program, cache_dir, build)
    if error:
        result.status, result.detail = "finding", error
        return result
    oracle = result.outcomes["wasmtime"] = run_wasmtime(wasm_path, work)
    got = result.outcomes["wastrel"] = run_program([str(program)], WASM_TIMEOUT)
    result.status, result.detail = compare(expected, oracle, got)
    if result.status == "platform":
        # Not wastrel's doing: the C means different things on the two
        # targets (see the docstring), or the portability rewrite missed
        # something -- which is what `platform` is left for.
        report = sanitizer_report(c_path, work)
        if report:
            result.status = "unportable"
            result.detail += "\nthe host build under sanitizers: " + report
        elif _UNION_WITH_POINTER.search(source):
            result.status = "unportable"
            result.detail += "\na union holds a pointer (csmith 2.3.0): a read through another member sees address bits"
    return result


# A union with a pointer member (csmith issue #108, fixed after 2.3.0).
_UNION_WITH_POINTER = re.compile(r"^union U\d+ \{[^}]*\*[^}]*^\};", re.M)


def compare(native: Outcome, oracle: Outcome, got: Outcome) -> tuple[str, str]:
    """(status, detail) from the three outcomes."""
    if oracle.status in ("error", "timeout"):
        if got.key() != native.key() and got.key() != oracle.key():
            return "finding", f"wasmtime: {oracle.describe()}; wastrel differs from the host build:\n{diff(native, got, 'host', 'wastrel')}"
        return "platform", f"wasmtime: {oracle.describe()}; wastrel: {got.describe()}"
    if got.key() != oracle.key():
        return "finding", "wastrel differs from wasmtime:\n" + diff(oracle, got, "wasmtime", "wastrel") + (
            "" if oracle.key() == native.key() else "\n(wasmtime differs from the host build too)"
        )
    if oracle.key() != native.key():
        return "platform", "wasmtime and wastrel agree, the host build differs:\n" + diff(native, oracle, "host", "wasm")
    return "ok", ""


def diff(a: Outcome, b: Outcome, a_name: str, b_name: str, context: int = 2) -> str:
    """The first lines where two outcomes differ, and how each ended."""
    lines = [f"  {a_name}: {a.describe()}, {len(a.stdout.splitlines())} lines", f"  {b_name}: {b.describe()}, {len(b.stdout.splitlines())} lines"]
    delta = list(difflib.unified_diff(a.stdout.splitlines(), b.stdout.splitlines(), a_name, b_name, n=context, lineterm=""))
    if len(delta) > 24:
        delta = delta[:24] + [f"  ... ({len(delta) - 24} more diff lines)"]
    if b.status == "trap" or b.stderr.strip():
        lines.append(f"  {b_name} stderr: {b.stderr.strip()[-400:]}")
    return "\n".join(lines + ["  " + line for line in delta])


def signature(result: Result) -> str:
    """A finding's kind, for grouping and for creduce."""
    text = result.detail
    if text.startswith("wastrel compile"):
        m = re.search(r"internal error in pass ([\w-]+): ([^(\n]*)", text)
        if m:
            return f"internal error in pass {m[1]}: {m[2].strip()}"
        return "wastrel compile: " + text.strip().splitlines()[-1][:100]
    got, oracle = result.outcomes.get("wastrel"), result.outcomes.get("wasmtime")
    if got is None or oracle is None:
        return text.splitlines()[0][:100] if text else result.status
    if got.status != oracle.status:
        return f"wasmtime {oracle.status} / wastrel {got.status}" + (f" ({got.describe()})" if got.status == "trap" else "")
    if got.code != oracle.code:
        return "different exit status"
    return "different output"


def run_seed(seed: int, cache_dir: str | None, opt: str | None = None, cc: str | None = None, c_opt: str | None = None) -> Result:
    started = time.monotonic()
    options, level, features, build = seed_config(seed, opt, cc, c_opt)
    try:
        source = generate(seed, options)
        if source is None:
            result = Result(seed, "csmith-failed", csmith=options, opt=level, features=features, build=build)
        else:
            with tempfile.TemporaryDirectory(prefix="wastrel-csmith-") as work:
                result = check_program(seed, portable(source), level, build, Path(work), Path(cache_dir) if cache_dir else None, features)
            result.csmith = options
    except Exception:  # noqa: BLE001 - a harness failure is reported, not fatal
        import traceback

        result = Result(seed, "harness-error", traceback.format_exc(), opt=level, features=features, build=build, csmith=options)
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------------------
# Saved cases: NAME.c (the portable program), NAME.wasm, NAME.json


def save_case(directory: Path, name: str, result: Result) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.c").write_text(result.source)
    if result.wasm:
        (directory / f"{name}.wasm").write_bytes(result.wasm)
    case = {
        "seed": result.seed,
        "finding": signature(result),
        "detail": result.detail,
        "csmith": ["csmith", "--seed", str(result.seed), *result.csmith],
        "opt": result.opt,
        "features": result.features,
        "build": result.build,
        "commands": result.commands(name),
        "outcomes": {k: asdict(v) for k, v in result.outcomes.items()},
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(case, indent=1) + "\n")
    return path


def load_case(c_path: Path) -> dict:
    json_path = c_path.with_suffix(".json")
    return json.loads(json_path.read_text()) if json_path.exists() else {}


def replay_case(c_path: Path, cache_dir: Path | None, work: Path, opt: str | None = None) -> Result:
    """Runs a saved program (NAME.c, with NAME.json's -O level and build)."""
    case = load_case(c_path)
    return check_program(case.get("seed", 0), c_path.read_text(), opt or case.get("opt", "-O2"), case.get("build", []), work, cache_dir, case.get("features"))


# ---------------------------------------------------------------------------
# Reduction: creduce's interestingness test


def ub_warnings(c_path: Path) -> str | None:
    """The warnings that mean undefined behaviour, as errors, or None."""
    flags = ["-Wall", "-Wextra", "-Wno-unused", "-Wno-unused-parameter", "-Wno-sign-compare", "-Wconditional-uninitialized"]
    return compile_c(["clang", "--target=wasm32-wasi", "-fsyntax-only", f"-I{csmith_include()}", *flags,
                      *(f"-Werror={w}" for w in UB_WARNINGS), str(c_path)])  # fmt: skip


def sanitizer_report(c_path: Path, work: Path) -> str | None:
    """What gcc's undefined-behaviour and address sanitizers say of a run, or None."""
    sanitized = work / "sanitized"
    problem = compile_c(native_command(c_path, sanitized, ["-g", "-fsanitize=undefined,float-cast-overflow,address", "-fno-sanitize-recover=all"]))
    if problem:
        return problem
    run = run_program([str(sanitized)], NATIVE_TIMEOUT * 4)
    if run.status != "exit" or run.code != 0 or "runtime error" in run.stderr or "Sanitizer" in run.stderr:
        return f"sanitized run: {run.describe()}\n{run.stderr[-500:]}"
    return None


def interesting(c_path: Path, case: dict, work: Path) -> bool:
    """Is the program clean of the warnings that mean undefined behaviour,
    does it still give the case's finding (the same kind), with the host
    build agreeing with wasmtime, and is it clean under the sanitizers?
    (Cheapest test first: most of creduce's variants fail the first.)"""
    if ub_warnings(c_path):
        return False
    result = check_program(case.get("seed", 0), c_path.read_text(), case.get("opt", "-O2"), case.get("build", []), work, None, case.get("features"))
    if result.status != "finding" or signature(result) != case.get("finding", signature(result)):
        return False
    native, oracle = result.outcomes.get("native"), result.outcomes.get("wasmtime")
    if native is None or oracle is None or native.key() != oracle.key():
        return False
    return sanitizer_report(c_path, work) is None


def reduce_case(c_path: Path, jobs: int) -> int:
    """creduce on NAME.reduced.c, a copy of NAME.c beside it, which creduce
    rewrites in place: stopped at any time, it holds the smallest program
    found so far.  The test script and wastrel's cache are in a temporary
    directory."""
    case = load_case(c_path)
    case_json = json.dumps({k: case[k] for k in ("seed", "finding", "opt", "features", "build") if k in case})
    target = c_path.with_name(c_path.stem + ".reduced.c")
    shutil.copy(c_path, target)
    with tempfile.TemporaryDirectory(prefix="wastrel-creduce-") as tmp:
        script = Path(tmp) / "interesting.sh"
        script.write_text(
            "#!/bin/sh\n"
            f"export WASTREL_CACHE_DIR={shlex.quote(str(Path(tmp) / 'cache'))}\n"
            f"exec {shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))} "
            f"--interesting {shlex.quote(target.name)} --case-json {shlex.quote(case_json)}\n"
        )
        script.chmod(0o755)
        if subprocess.run([str(script)], cwd=target.parent).returncode != 0:
            print(f"{c_path}: not interesting to begin with (no finding of kind {case.get('finding')!r}, or undefined behaviour)")
            return 1
        run = subprocess.run([CREDUCE, "--n", str(jobs), str(script), target.name], cwd=target.parent)
    print(f"reduced: {target} ({len(target.read_text().splitlines())} lines)")
    return run.returncode


# ---------------------------------------------------------------------------
# Reporting and the command line


def format_report(result: Result) -> str:
    lines = [f"=== FINDING: seed {result.seed} ({signature(result)}) ===", result.detail]
    lines.append(f"csmith options: {' '.join(result.csmith)}")
    lines.append("commands (from a directory holding PROGRAM.c, the portable program):")
    lines += ["  " + c for c in result.commands()]
    for name, outcome in result.outcomes.items():
        lines.append(f"{name}: {outcome.describe()}, checksum line: {(outcome.stdout.strip().splitlines() or ['(none)'])[-1]}")
    return "\n".join(lines)


def report(result: Result, keep: Path | None) -> None:
    print("\n" + format_report(result))
    if keep is not None and result.source:
        print(f"saved: {save_case(keep, f'csmith-{result.seed}', result)}")
    print("=== end of seed", result.seed, "===", flush=True)


def fuzz_seeds(seeds: list[int], jobs: int, cache: Path, keep: Path | None, verbose: bool, quiet: bool, opt: str | None, cc: str | None = None, c_opt: str | None = None) -> int:
    counts: dict[str, int] = {}
    by_level: dict[str, int] = {}
    kinds: dict[str, list[int]] = {}
    findings: list[Result] = []
    platform: list[int] = []  # seeds where wasmtime and the host build differ, unexplained
    unportable: list[int] = []  # ... where the C is known not to mean the same on both
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_seed, s, str(cache), opt, cc, c_opt): s for s in seeds}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            result = future.result()
            counts[result.status] = counts.get(result.status, 0) + 1
            if result.status in ("ok", "finding", "platform", "unportable"):
                for key in (result.opt, *result.features):
                    by_level[key] = by_level.get(key, 0) + 1
            if result.status in ("finding", "harness-error"):
                findings.append(result)
                kind = signature(result) if result.status == "finding" else "harness error"
                kinds.setdefault(kind, []).append(result.seed)
                if not quiet or kinds[kind] == [result.seed]:
                    report(result, keep)
                else:
                    print(f"seed {result.seed}: finding: {kind} (seen before)", flush=True)
                    if keep is not None and result.source:
                        save_case(keep, f"csmith-{result.seed}", result)
            elif result.status in ("platform", "unportable"):
                (platform if result.status == "platform" else unportable).append(result.seed)
                if not quiet or result.status == "platform":
                    print(f"seed {result.seed}: {result.status} ({result.opt}): {result.detail}", flush=True)
                if keep is not None:
                    save_case(keep, f"csmith-{result.status}-{result.seed}", result)
            elif verbose:
                print(f"seed {result.seed}: {result.status} ({result.opt}, wastrel {' '.join(result.build) or '-O 2'}, {result.seconds:.1f} s) {result.detail.splitlines()[0] if result.detail else ''}", flush=True)
            if not quiet and not verbose and done % 50 == 0:
                print(f"[{done}/{len(seeds)} seeds, {len(findings)} findings, {time.monotonic() - started:.0f} s]", flush=True)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    compared = sum(counts.get(k, 0) for k in ("ok", "finding", "platform", "unportable"))
    levels = ", ".join(f"{level} {by_level[level]}" for level in OPT_LEVELS if level in by_level)
    levels += "".join(f"; {by_level[key]} with {key}" for key in sorted(by_level) if key not in OPT_LEVELS)
    print(f"\n{len(seeds)} seeds in {time.monotonic() - started:.0f} s: {summary}")
    def seeds_text(found: list[int]) -> str:
        return f" (seeds {', '.join(map(str, sorted(found)))})" if found else ""

    print(f"{compared} programs compared three ways ({levels}); wasmtime disagreed with the host build on "
          f"{len(unportable)} unportable programs{seeds_text(unportable)} and {len(platform)} others{seeds_text(platform)}")  # fmt: skip
    if findings:
        print("findings by kind:")
        for kind, found in sorted(kinds.items(), key=lambda item: -len(item[1])):
            print(f"  {len(found):4}  {kind}   (seeds {', '.join(map(str, sorted(found)[:12]))}{', ...' if len(found) > 12 else ''})")
    return 1 if findings or platform else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=100, help="how many seeds (default 100)")
    p.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--only", help="comma-separated seeds to run instead")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel seeds (default: the CPU count)")
    p.add_argument("--keep", type=Path, metavar="DIR", help="save each finding (and each platform difference) here")
    p.add_argument("--verbose", action="store_true", help="a line per seed")
    p.add_argument("--quiet", action="store_true", help="the summary, and each kind of finding once in full")
    p.add_argument("--opt", choices=OPT_LEVELS, help="clang's level for every seed (default: chosen by the seed)")
    p.add_argument("-O", dest="c_opt", choices=["0", "1", "2", "3", "s"], help="wastrel's C optimisation level for every seed (default: chosen by the seed, mostly 2)")
    p.add_argument("--cc", help="wastrel's C compiler for every seed (default: chosen by the seed, mostly wastrel's default)")
    p.add_argument("--replay", type=Path, metavar="CASE.c", help="run a saved case")
    p.add_argument("--interesting", type=Path, metavar="CASE.c", help="exit 0 iff the case still gives its finding, cleanly")
    p.add_argument("--case-json", help="with --interesting: the case's JSON (default: CASE.json)")
    p.add_argument("--reduce", type=Path, metavar="CASE.c", help="reduce a saved case with creduce")
    args = p.parse_args(argv)

    problem = toolchain_problem()
    if problem:
        print(f"csmith_fuzz: {problem}", file=sys.stderr)
        return 2
    if args.reduce:
        return reduce_case(args.reduce, args.jobs)
    if args.interesting:
        case = json.loads(args.case_json) if args.case_json else load_case(args.interesting)
        with tempfile.TemporaryDirectory(prefix="wastrel-csmith-") as work:
            return 0 if interesting(args.interesting, case, Path(work)) else 1
    cache = Path(tempfile.mkdtemp(prefix="wastrel-csmith-cache-"))
    try:
        if args.replay:
            with tempfile.TemporaryDirectory(prefix="wastrel-csmith-") as work:
                result = replay_case(args.replay, cache, Path(work), args.opt)
            if result.status == "finding":
                print(format_report(result))
                return 1
            print(f"{args.replay}: {result.status} {result.detail}".rstrip())
            for name, outcome in result.outcomes.items():
                print(f"{name}: {outcome.describe()}, {(outcome.stdout.strip().splitlines() or ['(no output)'])[-1]}")
            return 0
        seeds = [int(s) for s in args.only.split(",")] if args.only else list(range(args.start, args.start + args.seeds))
        return fuzz_seeds(seeds, args.jobs, cache, args.keep, args.verbose, args.quiet, args.opt, args.cc, args.c_opt)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
