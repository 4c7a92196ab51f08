"""Tests of the C runtime (wastrel/runtime) on its own.

The C programs in tests/runtime_c play the part of generated code: each
defines `w_program_exports`, `w_program_num_exports` and
`w_program_instantiate` against wastrel.h, and is linked with the runtime the
way the toolchain driver links a compiled module.  The tests run them through
the runtime's command line (mostly `--invoke`) and check output and exit
status: traps, memory and table semantics, numeric edge cases, argument
parsing and result printing, and WASI.  Two more check the runtime against
its specification: backend_c/host.py against the WASI witx, and wasi.h
and bench.h against host.py.
"""

from __future__ import annotations

import math
import platform
import re
import resource
import shutil
import shlex
import signal
import struct
import subprocess
import time
from pathlib import Path

import pytest

from wastrel.backend_c.host import BENCH_FUNCTIONS, HOST_FUNCTIONS, WASI_FUNCTIONS, WASI_MODULE

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "wastrel" / "runtime"
PROGRAMS = Path(__file__).resolve().parent / "runtime_c"
WITX = Path("/work/shared/reference/wasi-preview1/witx")
CC = shutil.which("cc") or "cc"
CFLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(RUNTIME)]

TRAP_STATUS = 134


# ---- building and running ------------------------------------------------


def compile_c(args: list) -> None:
    proc = subprocess.run([CC, *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr


@pytest.fixture(scope="session")
def runtime_lib(tmp_path_factory) -> Path:
    """The runtime compiled warning-free (-Wall -Wextra -Werror) and archived."""
    out = tmp_path_factory.mktemp("runtime")
    objects = []
    for source in sorted(RUNTIME.glob("*.c")):
        obj = out / f"{source.stem}.o"
        compile_c([*CFLAGS, "-c", source, "-o", obj])
        objects.append(obj)
    lib = out / "libwastrel.a"
    subprocess.run(["ar", "rcs", lib, *objects], check=True)
    return lib


@pytest.fixture(scope="session")
def build(runtime_lib, tmp_path_factory):
    """build(name): tests/runtime_c/NAME.c linked with the runtime."""
    out = tmp_path_factory.mktemp("programs")
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            exe = out / name
            compile_c([*CFLAGS, PROGRAMS / f"{name}.c", runtime_lib, "-lm", "-lpthread", "-o", exe])
            built[name] = exe
        return built[name]

    return build


def no_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(exe: Path, *args: str, options=(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=None, input=None):
    """Runs the program with the guest's `args` and the program's own
    `options` (in WASTREL_OPTIONS), in the environment `env` alone."""
    kwargs = {"input": input} if input is not None else {"stdin": stdin}
    return subprocess.run(
        [str(exe), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**(env or {}), **({"WASTREL_OPTIONS": shlex.join(options)} if options else {})},
        preexec_fn=no_core_dumps,
        timeout=60,
        **kwargs,
    )


def invoke(exe: Path, export: str, *args: str, **kwargs):
    """Runs the program's export `export` with `args` (--invoke)."""
    return run(exe, *args, options=["--invoke", export], **kwargs)


class Trap(str):
    """An expected trap, with its message."""


class Error(str):
    """An expected refusal to run (exit status 1), with a piece of its message."""


def check(exe: Path, export: str, args: list[str], expected) -> None:
    """Invokes `export` with `args`: expected is a trap, an error, or the
    result lines (a string for a single one)."""
    proc = invoke(exe, export, *args)
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    if isinstance(expected, Trap):
        assert (proc.returncode, stdout, stderr) == (TRAP_STATUS, "", f"wasm trap: {expected}\n")
    elif isinstance(expected, Error):
        assert proc.returncode == 1 and expected in stderr and stdout == ""
    else:
        lines = [expected] if isinstance(expected, str) else expected
        assert (proc.returncode, stderr) == (0, "")
        assert stdout.splitlines() == lines


def case_id(case) -> str:
    export, args, _ = case
    return f"{export}({','.join(args)})"


# ---- helpers for expected values -----------------------------------------


def f32bits(x: str | float) -> str:
    """The f32 bit pattern of a value written as a (hex) float literal or
    exactly representable float, as --invoke prints an i32."""
    value = float.fromhex(x) if isinstance(x, str) else x
    return str(struct.unpack("<i", struct.pack("<f", value))[0])


def f64bits(x: str | float) -> str:
    value = float.fromhex(x) if isinstance(x, str) else x
    return str(struct.unpack("<q", struct.pack("<d", value))[0])


def i64(x: int) -> str:
    """x as --invoke prints an i64 (signed)."""
    return str(struct.unpack("<q", struct.pack("<Q", x & (2**64 - 1)))[0])


def i32(x: int) -> str:
    return str(struct.unpack("<i", struct.pack("<I", x & (2**32 - 1)))[0])


# ---- code quality of the hot path ----------------------------------------


@pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 assembly")
def test_load_with_offset_is_a_single_move(tmp_path):
    src = tmp_path / "load.c"
    src.write_text(
        '#include "wastrel.h"\n'
        "uint32_t f(uint8_t *base, uint32_t a) { return w_i32_load(base, (uint64_t)a + 8); }\n"
        "void g(uint8_t *base, uint32_t a, uint64_t v) { w_i64_store(base, (uint64_t)a + 16, v); }\n"
    )
    asm = subprocess.run(
        [CC, "-std=gnu11", "-O2", "-I", str(RUNTIME), "-S", "-o", "-", str(src)],
        capture_output=True, text=True, check=True,
    ).stdout
    bodies = re.findall(r"^(f|g):\n(.*?)\bret\b", asm, re.M | re.S)
    assert len(bodies) == 2
    for _, body in bodies:
        lines = [line.strip() for line in body.splitlines()]
        instructions = [line.split() for line in lines if line and not line.startswith(".")]
        # the zero-extension of the i32 address, then the access itself
        assert [ins[0] for ins in instructions] in (["movl", "movl"], ["movl", "movq"]), body
        assert sum("(%" in " ".join(ins) for ins in instructions) == 1, body


# ---- traps ---------------------------------------------------------------

OOB = Trap("out of bounds memory access")
TRAP_CASES = [
    ("unreachable", [], Trap("unreachable")),
    ("div_s", ["1", "0"], Trap("integer divide by zero")),
    ("div_s", ["-2147483648", "-1"], Trap("integer overflow")),
    ("trunc", ["nan"], Trap("invalid conversion to integer")),
    ("trunc", ["3e9"], Trap("integer overflow")),
    ("load", ["65532", "0"], "0"),
    ("load", ["65533", "0"], OOB),
    ("load", ["65532", "1"], OOB),
    ("load", ["-1", "8"], OOB),  # 2^32-1 + offset 8
    ("load8", ["0", "65535"], "0"),
    ("load8", ["65536", "0"], OOB),
    ("load64", ["-1", "-1"], OOB),  # the largest effective address
    ("store", ["65536", "0"], OOB),
    ("store", ["0", "65533"], OOB),
    ("fill", ["65536", "0"], []),
    ("fill", ["65535", "2"], OOB),
    ("fill", ["-1", "1"], OOB),
    ("table_get", ["2"], Trap("out of bounds table access")),
    ("call_indirect", ["1", "7"], "42"),
    ("call_indirect", ["2", "7"], Trap("undefined element")),
    ("call_indirect", ["0", "7"], Trap("uninitialized element")),
    ("call_indirect", ["1", "8"], Trap("indirect call type mismatch")),
    ("recurse", [], Trap("call stack exhausted")),
    ("deep", ["50000"], "50001"),
]


@pytest.mark.parametrize("case", TRAP_CASES, ids=case_id)
def test_trap(build, case):
    check(build("traps"), *case)


def test_a_real_crash_is_not_a_trap(build):
    proc = invoke(build("traps"), "crash", "16")
    assert proc.returncode == -signal.SIGSEGV
    assert b"wasm trap" not in proc.stderr


def test_an_unchecked_division_is_reported_as_a_bug(build):
    proc = invoke(build("traps"), "unchecked_div", "1", "0")
    assert proc.returncode == -signal.SIGFPE
    assert b"internal error" in proc.stderr and b"wasm trap" not in proc.stderr


# ---- numeric edge cases ---------------------------------------------------

DIV0 = Trap("integer divide by zero")
OVERFLOW = Trap("integer overflow")
INVALID = Trap("invalid conversion to integer")
NUMERIC_CASES = [
    # division
    ("i32_div_s", ["7", "2"], "3"),
    ("i32_div_s", ["-7", "2"], "-3"),
    ("i32_div_s", ["-2147483648", "1"], "-2147483648"),
    ("i32_div_s", ["0x80000000", "-1"], OVERFLOW),
    ("i32_div_s", ["1", "0"], DIV0),
    ("i32_div_u", ["-1", "2"], "2147483647"),
    ("i32_div_u", ["0x80000000", "-1"], "0"),
    ("i32_div_u", ["1", "0"], DIV0),
    ("i32_rem_s", ["-2147483648", "-1"], "0"),
    ("i32_rem_s", ["-7", "2"], "-1"),
    ("i32_rem_s", ["7", "-2"], "1"),
    ("i32_rem_s", ["1", "0"], DIV0),
    ("i32_rem_u", ["-1", "10"], "5"),
    ("i32_rem_u", ["1", "0"], DIV0),
    ("i64_div_s", ["-9223372036854775808", "-1"], OVERFLOW),
    ("i64_div_s", ["-7", "2"], "-3"),
    ("i64_div_s", ["1", "0"], DIV0),
    ("i64_div_u", ["-1", "2"], "9223372036854775807"),
    ("i64_div_u", ["1", "0"], DIV0),
    ("i64_rem_s", ["-9223372036854775808", "-1"], "0"),
    ("i64_rem_s", ["-7", "2"], "-1"),
    ("i64_rem_s", ["1", "0"], DIV0),
    ("i64_rem_u", ["-1", "10"], "5"),
    ("i64_rem_u", ["1", "0"], DIV0),
    # bits
    ("i32_rotl", ["0x80000001", "1"], "3"),
    ("i32_rotl", ["1", "33"], "2"),
    ("i32_rotl", ["0x12345678", "0"], str(0x12345678)),
    ("i32_rotr", ["1", "1"], "-2147483648"),
    ("i32_rotr", ["1", "-1"], "2"),
    ("i64_rotl", ["0x8000000000000001", "1"], "3"),
    ("i64_rotl", ["1", "65"], "2"),
    ("i64_rotr", ["1", "1"], "-9223372036854775808"),
    ("i32_clz", ["0"], "32"),
    ("i32_clz", ["1"], "31"),
    ("i32_clz", ["-1"], "0"),
    ("i32_ctz", ["0"], "32"),
    ("i32_ctz", ["0x80000000"], "31"),
    ("i32_popcnt", ["-1"], "32"),
    ("i32_popcnt", ["0x55"], "4"),
    ("i64_clz", ["0"], "64"),
    ("i64_clz", ["1"], "63"),
    ("i64_ctz", ["0"], "64"),
    ("i64_ctz", ["0x8000000000000000"], "63"),
    ("i64_popcnt", ["-1"], "64"),
    # min, max: NaN wins, -0 < +0
    *[
        (f"{t}_{op}", args, out)
        for t in ("f32", "f64")
        for op, args, out in [
            ("min", ["-0", "0"], "-0"),
            ("min", ["0", "-0"], "-0"),
            ("max", ["-0", "0"], "0"),
            ("max", ["0", "-0"], "0"),
            ("min", ["nan", "1"], "nan"),
            ("min", ["1", "nan"], "nan"),
            ("max", ["-inf", "nan"], "nan"),
            ("max", ["nan", "inf"], "nan"),
            ("min", ["1", "2"], "1"),
            ("max", ["1", "2"], "2"),
            ("min", ["-inf", "inf"], "-inf"),
            ("max", ["-inf", "inf"], "inf"),
        ]
    ],
    ("f32_copysign", ["1.5", "-0"], "-1.5"),
    ("f64_copysign", ["-2", "nan"], "2"),
    # nearest: ties to even
    ("f32_nearest", ["0.5"], "0"),
    ("f32_nearest", ["1.5"], "2"),
    ("f32_nearest", ["2.5"], "2"),
    ("f32_nearest", ["-0.5"], "-0"),
    ("f32_nearest", ["-1.5"], "-2"),
    ("f32_nearest", ["3.7"], "4"),
    ("f32_nearest", ["0.49999997"], "0"),
    ("f32_nearest", ["8388607.5"], "8388608"),
    ("f32_nearest", ["-0"], "-0"),
    ("f32_nearest", ["inf"], "inf"),
    ("f32_nearest", ["nan"], "nan"),
    ("f64_nearest", ["4.5"], "4"),
    ("f64_nearest", ["-2.5"], "-2"),
    ("f64_nearest", ["0.49999999999999994"], "0"),
    ("f64_nearest", ["4503599627370495.5"], "4503599627370496"),
    ("f64_nearest", ["-0.5"], "-0"),
    # the thin wrappers
    ("f32_trunc", ["-1.5"], "-1"),
    ("f32_ceil", ["-0.5"], "-0"),
    ("f32_floor", ["-0.5"], "-1"),
    ("f32_sqrt", ["2.25"], "1.5"),
    ("f32_sqrt", ["-1"], "nan"),
    ("f32_abs", ["-0"], "0"),
    ("f32_neg", ["0"], "-0"),
    ("f64_trunc", ["2.9"], "2"),
    ("f64_ceil", ["1.1"], "2"),
    ("f64_floor", ["-1.1"], "-2"),
    ("f64_sqrt", ["-0"], "-0"),
    ("f64_abs", ["-inf"], "inf"),
    ("f64_neg", ["-0"], "0"),
    # trapping float-to-int, around both bounds
    ("i32_trunc_f32_s", ["2147483520"], "2147483520"),  # largest f32 below 2^31
    ("i32_trunc_f32_s", ["2147483648"], OVERFLOW),
    ("i32_trunc_f32_s", ["-2147483648"], "-2147483648"),
    ("i32_trunc_f32_s", ["-2147483904"], OVERFLOW),  # next f32 below -2^31
    ("i32_trunc_f32_s", ["-0.9"], "0"),
    ("i32_trunc_f32_s", ["inf"], OVERFLOW),
    ("i32_trunc_f32_s", ["nan"], INVALID),
    ("i32_trunc_f32_u", ["4294967040"], "-256"),  # largest f32 below 2^32
    ("i32_trunc_f32_u", ["4294967296"], OVERFLOW),
    ("i32_trunc_f32_u", ["-0.9"], "0"),
    ("i32_trunc_f32_u", ["-1"], OVERFLOW),
    ("i32_trunc_f32_u", ["-nan"], INVALID),
    ("i32_trunc_f64_s", ["2147483647.9"], "2147483647"),
    ("i32_trunc_f64_s", ["2147483648"], OVERFLOW),
    ("i32_trunc_f64_s", ["-2147483648.9"], "-2147483648"),
    ("i32_trunc_f64_s", ["-2147483649"], OVERFLOW),
    ("i32_trunc_f64_s", ["nan"], INVALID),
    ("i32_trunc_f64_u", ["4294967295.9"], "-1"),
    ("i32_trunc_f64_u", ["4294967296"], OVERFLOW),
    ("i32_trunc_f64_u", ["-0.99"], "0"),
    ("i32_trunc_f64_u", ["-1"], OVERFLOW),
    ("i64_trunc_f32_s", ["9223371487098961920"], "9223371487098961920"),
    ("i64_trunc_f32_s", ["9223372036854775808"], OVERFLOW),
    ("i64_trunc_f32_s", ["-9223372036854775808"], "-9223372036854775808"),
    ("i64_trunc_f32_s", ["-9223373136366403584"], OVERFLOW),
    ("i64_trunc_f32_u", ["18446742974197923840"], i64(18446742974197923840)),
    ("i64_trunc_f32_u", ["18446744073709551616"], OVERFLOW),
    ("i64_trunc_f32_u", ["-0.5"], "0"),
    ("i64_trunc_f32_u", ["-1"], OVERFLOW),
    ("i64_trunc_f64_s", ["9223372036854774784"], "9223372036854774784"),
    ("i64_trunc_f64_s", ["9223372036854775808"], OVERFLOW),
    ("i64_trunc_f64_s", ["-9223372036854775808"], "-9223372036854775808"),
    ("i64_trunc_f64_s", ["-9223372036854777856"], OVERFLOW),
    ("i64_trunc_f64_u", ["18446744073709549568"], "-2048"),
    ("i64_trunc_f64_u", ["18446744073709551616"], OVERFLOW),
    ("i64_trunc_f64_u", ["-0.999"], "0"),
    ("i64_trunc_f64_u", ["-1"], OVERFLOW),
    ("i64_trunc_f64_u", ["nan"], INVALID),
    # saturating float-to-int
    ("i32_trunc_sat_f32_s", ["nan"], "0"),
    ("i32_trunc_sat_f32_s", ["inf"], "2147483647"),
    ("i32_trunc_sat_f32_s", ["-inf"], "-2147483648"),
    ("i32_trunc_sat_f32_s", ["2147483648"], "2147483647"),
    ("i32_trunc_sat_f32_s", ["-2147483904"], "-2147483648"),
    ("i32_trunc_sat_f32_s", ["-1.9"], "-1"),
    ("i32_trunc_sat_f32_u", ["-1"], "0"),
    ("i32_trunc_sat_f32_u", ["-inf"], "0"),
    ("i32_trunc_sat_f32_u", ["nan"], "0"),
    ("i32_trunc_sat_f32_u", ["4294967040"], "-256"),
    ("i32_trunc_sat_f32_u", ["4294967296"], "-1"),
    ("i32_trunc_sat_f64_s", ["-2147483649"], "-2147483648"),
    ("i32_trunc_sat_f64_s", ["-2147483648.9"], "-2147483648"),
    ("i32_trunc_sat_f64_s", ["2147483647.9"], "2147483647"),
    ("i32_trunc_sat_f64_s", ["1e300"], "2147483647"),
    ("i32_trunc_sat_f64_u", ["4294967295.9"], "-1"),
    ("i32_trunc_sat_f64_u", ["1e10"], "-1"),
    ("i32_trunc_sat_f64_u", ["-0.9"], "0"),
    ("i32_trunc_sat_f64_u", ["nan"], "0"),
    ("i64_trunc_sat_f32_s", ["inf"], "9223372036854775807"),
    ("i64_trunc_sat_f32_s", ["-inf"], "-9223372036854775808"),
    ("i64_trunc_sat_f32_s", ["nan"], "0"),
    ("i64_trunc_sat_f32_s", ["-9223373136366403584"], "-9223372036854775808"),
    ("i64_trunc_sat_f32_u", ["inf"], "-1"),
    ("i64_trunc_sat_f32_u", ["-1"], "0"),
    ("i64_trunc_sat_f32_u", ["18446742974197923840"], i64(18446742974197923840)),
    ("i64_trunc_sat_f64_s", ["9223372036854775808"], "9223372036854775807"),
    ("i64_trunc_sat_f64_s", ["-9223372036854777856"], "-9223372036854775808"),
    ("i64_trunc_sat_f64_s", ["9223372036854774784"], "9223372036854774784"),
    ("i64_trunc_sat_f64_u", ["18446744073709551616"], "-1"),
    ("i64_trunc_sat_f64_u", ["18446744073709549568"], "-2048"),
    ("i64_trunc_sat_f64_u", ["nan"], "0"),
    # int-to-float, correctly rounded (from the spec's conversions.wast)
    ("f32_convert_i32_s_bits", ["-2147483648"], f32bits("-0x1p31")),
    ("f32_convert_i32_s_bits", ["16777217"], f32bits(16777216.0)),
    ("f32_convert_i32_u_bits", ["0x80000081"], f32bits("0x1.000002p+31")),
    ("f32_convert_i32_u_bits", ["0xfffffe81"], f32bits("0x1.fffffep+31")),
    ("f32_convert_i32_u_bits", ["-1"], f32bits("0x1p32")),
    ("f32_convert_i64_s_bits", ["0x7fffff4000000001"], f32bits("0x1.fffffep+62")),
    ("f32_convert_i64_s_bits", ["0x8000004000000001"], f32bits("-0x1.fffffep+62")),
    ("f32_convert_i64_s_bits", ["0xffdfffffdfffffff"], f32bits("-0x1.000002p+53")),
    ("f32_convert_i64_u_bits", ["0x0020000020000001"], f32bits("0x1.000002p+53")),
    ("f32_convert_i64_u_bits", ["0x7fffffbfffffffff"], f32bits("0x1.fffffep+62")),
    ("f32_convert_i64_u_bits", ["0x8000008000000001"], f32bits("0x1.000002p+63")),
    ("f32_convert_i64_u_bits", ["0xfffffe8000000001"], f32bits("0x1.fffffep+63")),
    ("f32_convert_i64_u_bits", ["-1"], f32bits("0x1p64")),
    ("f64_convert_i32_s_bits", ["-1"], f64bits(-1.0)),
    ("f64_convert_i32_u_bits", ["-1"], f64bits(4294967295.0)),
    ("f64_convert_i64_s_bits", ["-9223372036854775808"], f64bits("-0x1p63")),
    ("f64_convert_i64_s_bits", ["9007199254740993"], f64bits(9007199254740992.0)),
    ("f64_convert_i64_u_bits", ["0x8000000000000401"], f64bits("0x1.0000000000001p+63")),
    ("f64_convert_i64_u_bits", ["0xfffffffffffff401"], f64bits("0x1.fffffffffffffp+63")),
    ("f64_convert_i64_u_bits", ["9007199254740995"], f64bits(9007199254740996.0)),
    ("f64_convert_i64_u_bits", ["-1"], f64bits("0x1p64")),
    ("f32_demote_f64_bits", ["0x1.fffffdfffffffp-127"], f32bits("0x1.fffffcp-127")),
    ("f32_demote_f64_bits", ["0x1.fffffe0000000p-127"], f32bits("0x1p-126")),
    ("f32_demote_f64_bits", ["-0x1p-1074"], f32bits(-0.0)),
    ("f32_demote_f64_bits", ["1e300"], f32bits(math.inf)),
    ("f64_promote_f32_bits", ["0x1p-149"], f64bits("0x1p-149")),
    ("f32_convert_i64_u", ["-1"], "1.8446744e+19"),
    # reinterpretations and integer conversions
    ("i32_reinterpret_f32", ["-0"], "-2147483648"),
    ("i64_reinterpret_f64", ["1"], str(0x3FF0000000000000)),
    ("f32_reinterpret_i32", ["0x3fc00000"], "1.5"),
    ("f32_reinterpret_i32", ["0x7fc00000"], "nan"),
    ("f64_reinterpret_i64", ["0x4004000000000000"], "2.5"),
    ("i32_extend8_s", ["0x80"], "-128"),
    ("i32_extend8_s", ["0x17f"], "127"),
    ("i32_extend16_s", ["0x8000"], "-32768"),
    ("i64_extend8_s", ["0xff"], "-1"),
    ("i64_extend16_s", ["0x7fff"], "32767"),
    ("i64_extend32_s", ["0x80000000"], "-2147483648"),
    ("i64_extend32_s", ["0x1ffffffff"], "-1"),
    ("i64_extend_i32_s", ["-1"], "-1"),
    ("i64_extend_i32_u", ["-1"], "4294967295"),
    ("i32_wrap_i64", ["0x100000005"], "5"),
    ("i32_wrap_i64", ["-1"], "-1"),
]


@pytest.mark.parametrize("case", NUMERIC_CASES, ids=case_id)
def test_numeric(build, case):
    check(build("numeric"), *case)


# ---- --invoke: argument parsing, result printing --------------------------

BAD = Error("invalid argument")
INVOKE_CASES = [
    ("id_i32", ["0xffffffff"], "-1"),
    ("id_i32", ["4294967295"], "-1"),
    ("id_i32", ["2147483648"], "-2147483648"),
    ("id_i32", ["-2147483648"], "-2147483648"),
    ("id_i32", ["0X10"], "16"),
    ("id_i32", ["-0x1"], "-1"),
    ("id_i32", ["+7"], "7"),
    ("id_i32", ["007"], "7"),
    ("id_i32", ["4294967296"], BAD),
    ("id_i32", ["-2147483649"], BAD),
    ("id_i32", ["0x100000000"], BAD),
    ("id_i32", ["abc"], BAD),
    ("id_i32", [""], BAD),
    ("id_i32", [" 1"], BAD),
    ("id_i32", ["0x"], BAD),
    ("id_i32", ["1.5"], BAD),
    ("id_i32", ["--1"], BAD),
    ("id_i64", ["0xffffffffffffffff"], "-1"),
    ("id_i64", ["18446744073709551615"], "-1"),
    ("id_i64", ["-9223372036854775808"], "-9223372036854775808"),
    ("id_i64", ["18446744073709551616"], BAD),
    ("id_i64", ["-9223372036854775809"], BAD),
    ("id_f32", ["1.5"], "1.5"),
    ("id_f32", ["100"], "100"),
    ("id_f32", ["0.1"], "0.1"),
    ("id_f32", ["-0"], "-0"),
    ("id_f32", ["inf"], "inf"),
    ("id_f32", ["-inf"], "-inf"),
    ("id_f32", ["nan"], "nan"),
    ("id_f32", ["-nan"], "nan"),
    ("id_f32", ["1e20"], "1e+20"),
    ("id_f32", ["3.4028235e38"], "3.4028235e+38"),
    ("id_f32", ["1e-45"], "1e-45"),
    ("id_f32", ["16777217"], "16777216"),
    ("id_f32", ["0x1p-3"], "0.125"),
    ("id_f32", ["x"], BAD),
    ("id_f64", ["0.1"], "0.1"),
    ("id_f64", ["-2.5"], "-2.5"),
    ("id_f64", ["123.456"], "123.456"),
    ("id_f64", ["0.30000000000000004"], "0.30000000000000004"),
    ("id_f64", ["1e16"], "10000000000000000"),
    ("id_f64", ["1e17"], "1e+17"),
    ("id_f64", ["0.00001"], "0.00001"),
    ("id_f64", ["0.000001"], "1e-06"),
    ("id_f64", ["5e-324"], "5e-324"),
    ("id_f64", ["1.7976931348623157e308"], "1.7976931348623157e+308"),
    ("id_f64", ["9007199254740993"], "9007199254740992"),
    ("id_f64", ["Infinity"], "inf"),
    ("id_f64", [""], BAD),
    ("id_f64", ["1.5x"], BAD),
    ("id_ref", ["null"], "null"),
    ("id_ref", ["0"], BAD),
    ("some_ref", [], "ref"),
    ("swap3", ["1", "2", "3.5"], ["3.5", "2", "1"]),
    ("nothing", [], []),
    ("i32_div_s", ["1"], Error("takes 2 arguments, got 1")),
    ("nothing", ["1"], Error("takes 0 arguments, got 1")),
]


@pytest.mark.parametrize("case", INVOKE_CASES, ids=case_id)
def test_invoke(build, case):
    check(build("numeric"), *case)


def test_invoke_unknown_export(build):
    proc = invoke(build("numeric"), "nope")
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, b"", b"unknown export nope\n")


def test_invoke_option_with_equals(build):
    proc = run(build("numeric"), "1", options=["--invoke=i32_clz"])
    assert (proc.returncode, proc.stdout) == (0, b"31\n")


def test_without_invoke_or_start_does_nothing(build):
    proc = run(build("numeric"), "-1", "--frob", "--help")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


@pytest.mark.parametrize(
    "options, message",
    [
        ("--frob", "unknown option --frob"),
        ("--invoke", "missing value for --invoke"),
        ("--env=A=1 --x a", "unknown option --x"),
        ("--dir . a", "not an option (the program's arguments are all the guest's): a"),
        ("--argv0 'guest", "unterminated quote '"),
        ('--argv0 "guest', 'unterminated quote "'),
        ("--argv0 guest\\", "a backslash ends the text"),
        ("--env ''", "--env expects K=V or K"),
        ("--sandbox=chroot", "--sandbox must be namespace or beneath, not chroot"),
    ],
)
def test_bad_options(build, options, message):
    proc = run(build("numeric"), env={"WASTREL_OPTIONS": options})
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == f"numeric: WASTREL_OPTIONS: {message} (WASTREL_OPTIONS=--help lists the options)\n"


def test_options_help(build):
    proc = run(build("numeric"), "x", env={"WASTREL_OPTIONS": "--help"})
    assert proc.returncode == 0 and proc.stdout.decode().startswith("usage: WASTREL_OPTIONS='[OPTION]...' numeric [ARGS...]\n")
    for option in ("--dir HOST[::GUEST]", "--dir-ro", "--sandbox", "--env K[=V]", "--argv0", "--invoke NAME", "--invoke-lines", "--bench-time"):
        assert f"  {option}" in proc.stdout.decode()


# ---- linear memory ----------------------------------------------------------

MEMORY_CASES = [
    # grow 1, 2 (over max), 1, 0, 1 (over max); size; a value stored in new pages
    ("grow_bounded", [], ["1", "-1", "2", "3", "-1", "3", str(0x12345678)]),
    # grow 65536 (over the limit), 65535, 1, 0xffffffff; the last byte
    ("grow_unbounded", [], ["-1", "1", "-1", "-1", "7"]),
    ("grow_empty", [], ["0", "0", "-1"]),
    ("load_empty", ["0"], OOB),
    ("fill", ["65530", "6"], str(6 * 0xAB)),
    ("fill", ["0", "65536"], str(65536 * 0xAB)),
    ("fill", ["65536", "0"], "0"),
    ("fill", ["65537", "0"], OOB),
    ("fill", ["65531", "6"], OOB),
    ("fill", ["1", "-1"], OOB),
    ("copy", ["2", "0", "8"], [i64(0x0504030201000100), i64(0x0F0E0D0C0B0A0706)]),
    ("copy", ["0", "2", "8"], [i64(0x0908070605040302), i64(0x0F0E0D0C0B0A0908)]),
    ("copy", ["65536", "0", "0"], [i64(0x0706050403020100), i64(0x0F0E0D0C0B0A0908)]),
    ("copy", ["65535", "0", "2"], OOB),
    ("copy", ["0", "65535", "2"], OOB),
    ("copy", ["0", "-1", "1"], OOB),
    ("copy_between", [], i32(int.from_bytes(b"wxyz", "little"))),
    ("init", ["0", "0", "4", "0"], i64(int.from_bytes(b"abcd\0\0\0\0", "little"))),
    ("init", ["2", "1", "3", "0"], i64(int.from_bytes(b"\0\0bcd\0\0\0", "little"))),
    ("init", ["0", "4", "0", "0"], "0"),
    ("init", ["65536", "0", "0", "0"], "0"),
    ("init", ["0", "3", "2", "0"], OOB),
    ("init", ["0", "5", "0", "0"], OOB),
    ("init", ["65535", "0", "2", "0"], OOB),
    ("init", ["0", "0", "0", "1"], "0"),  # a dropped segment
    ("init", ["0", "0", "1", "1"], OOB),
]


@pytest.mark.parametrize("case", MEMORY_CASES, ids=case_id)
def test_memory(build, case):
    check(build("memory"), *case)


# ---- tables -------------------------------------------------------------------

TABLE_OOB = Trap("out of bounds table access")
TABLE_CASES = [
    # grow 1, 2 (over max), 1 with f2, 0; size; contents
    ("grow", [], ["4", "-1", "5", "6", "6", "0", "1", "2", "3", "-1", "2"]),
    # grow 0xffffffff (over the limit), 10 with f1, 0; the last element
    ("grow_unbounded", [], ["-1", "0", "10", "ref"]),
    ("fill", ["1", "2"], ["0", "-1", "-1", "3"]),
    ("fill", ["4", "0"], ["0", "1", "2", "3"]),
    ("fill", ["3", "2"], TABLE_OOB),
    ("fill", ["5", "0"], TABLE_OOB),
    ("copy", ["1", "0", "3"], ["0", "0", "1", "2"]),
    ("copy", ["0", "1", "3"], ["1", "2", "3", "3"]),
    ("copy", ["4", "0", "0"], ["0", "1", "2", "3"]),
    ("copy", ["3", "0", "2"], TABLE_OOB),
    ("copy", ["0", "3", "2"], TABLE_OOB),
    ("init", ["0", "0", "2", "0"], ["3", "2", "2", "3"]),
    ("init", ["1", "1", "1", "0"], ["0", "2", "2", "3"]),
    ("init", ["0", "2", "0", "0"], ["0", "1", "2", "3"]),
    ("init", ["0", "1", "2", "0"], TABLE_OOB),
    ("init", ["3", "0", "2", "0"], TABLE_OOB),
    ("init", ["0", "0", "0", "1"], ["0", "1", "2", "3"]),  # a dropped segment
    ("init", ["0", "0", "1", "1"], TABLE_OOB),
    ("set", ["4"], TABLE_OOB),
]


@pytest.mark.parametrize("case", TABLE_CASES, ids=case_id)
def test_table(build, case):
    check(build("tables"), *case)


# ---- WASI: arguments, environment, exit -----------------------------------


def test_args_and_env(build):
    proc = run(
        build("wasi"), "--", "a", "--env", "", "--help",
        options=["--env", "A=1", "--env=B=x=y", "--env", "FOO", "--env", "UNSET", "--argv0", "guest"],
        env={"FOO": "bar", "HOST": "secret"},
    )  # fmt: skip
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert proc.stdout.decode().split("\n") == ["guest", "--", "a", "--env", "", "--help", "A=1", "B=x=y", "FOO=bar", ""]


def test_default_argv0_and_every_argument_the_guests(build):
    proc = run(build("wasi"), "--dir", ".", "--env", "A=1", env={"HOST": "secret"})
    assert proc.stdout.decode().split("\n") == ["wasi", "--dir", ".", "--env", "A=1", ""]


def test_options_are_split_as_a_shell_splits_words(build):
    written = shlex.join(["--argv0", "a b'c\"d\\e $f", "--env", "K= x\ty "])
    proc = run(build("wasi"), "1", env={"WASTREL_OPTIONS": written + " \t\n--env  'Q'=\"\\\"\\\\\"\\ z"})
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert proc.stdout.decode().split("\n") == ["a b'c\"d\\e $f", "1", "K= x\ty ", 'Q="\\ z', ""]


@pytest.mark.parametrize("code", [0, 3, 125])
def test_proc_exit(build, code):
    proc = invoke(build("wasi"), "exit", str(code))
    assert (proc.returncode, proc.stdout, proc.stderr) == (code, b"", b"")


@pytest.mark.parametrize("code", ["126", "255", "256", "-1"])
def test_proc_exit_out_of_range_fails_like_wasmtime(build, code):
    proc = invoke(build("wasi"), "exit", code)
    assert proc.returncode == 1 and b"invalid exit status" in proc.stderr


# ---- WASI: descriptors ------------------------------------------------------

RIGHTS_READ = 1 << 1
RIGHTS_WRITE = 1 << 6
# What a pipe can be given (read, write, fdstat_set_flags, filestat_get,
# poll), and a regular file (the stream rights and datasync, seek, sync,
# tell, advise, allocate, filestat_set_size, filestat_set_times).
RIGHTS_STREAM = RIGHTS_READ | RIGHTS_WRITE | (1 << 3) | (1 << 21) | (1 << 27)
RIGHTS_FILE = RIGHTS_STREAM | (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 22) | (1 << 23)
# stdin cannot write (nor datasync, allocate, set the size)
STDIN_UNWANTED = RIGHTS_WRITE | (1 << 0) | (1 << 8) | (1 << 22)


def test_read_stdin_write_stdout(build):
    proc = invoke(build("wasi"), "cat", input=b"hello, world\n")
    assert (proc.returncode, proc.stdout) == (0, b"hello, world\n13\n")


@pytest.mark.parametrize("fd, errno", [(1, 0), (2, 0), (0, 8), (3, 8)])
def test_write_needs_a_writable_descriptor(build, fd, errno):
    proc = invoke(build("wasi"), "hello", str(fd))
    out = b"hello\n" if fd == 1 else b""
    assert proc.stdout == out + f"{errno}\n{6 if errno == 0 else 0}\n".encode()
    assert proc.stderr == (b"hello\n" if fd == 2 else b"")


def test_write_buffer_bounds(build):
    exe = build("wasi")
    assert invoke(exe, "write_buf", "65530", "6").stdout == b"\0" * 6 + b"0\n6\n"
    assert invoke(exe, "write_buf", "65530", "7").stdout == b"21\n0\n"
    assert invoke(exe, "write_buf", "65536", "0").stdout == b"0\n0\n"
    assert invoke(exe, "write_buf", "65537", "0").stdout == b"21\n0\n"


def test_seek_and_tell_on_a_pipe(build):
    proc = invoke(build("wasi"), "tell")
    assert proc.stdout == b"hello\n70\n0\n70\n0\n"  # ESPIPE


def test_seek_and_tell_on_a_redirected_file(build, tmp_path):
    out = tmp_path / "out"
    with out.open("wb") as f:
        proc = invoke(build("wasi"), "tell", stdout=f)
    assert proc.returncode == 0
    # tell after "hello\n" is 6; the seek to 2 makes the results overwrite "llo\n"
    assert out.read_bytes() == b"he0\n6\n0\n2\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["0", "3", "0"], ["0", "3"]),
        (["0", "-1", "2"], ["0", "9"]),
        (["0", "4", "1"], ["0", "4"]),
        (["0", "-100", "0"], ["28", "0"]),
        (["0", "0", "3"], ["28", "0"]),
        (["9", "0", "0"], ["8", "0"]),
    ],
)
def test_seek_redirected_stdin(build, tmp_path, args, expected):
    data = tmp_path / "in"
    data.write_bytes(b"0123456789")
    with data.open("rb") as f:
        proc = invoke(build("wasi"), "seek", *args, stdin=f)
    assert proc.stdout.decode().splitlines() == expected


def test_fdstat(build, tmp_path):
    exe = build("wasi")

    def fdstat(fd, **kwargs):
        return invoke(exe, "fdstat", str(fd), **kwargs).stdout.decode().splitlines()

    write_rights = str(RIGHTS_STREAM & ~RIGHTS_READ)
    assert fdstat(2) == ["0", "0", "0", write_rights, write_rights]  # a pipe: unknown
    with (tmp_path / "out").open("ab") as f:
        invoke(exe, "fdstat", "1", stdout=f)
    seekable = str(RIGHTS_FILE & ~RIGHTS_READ)
    lines = (tmp_path / "out").read_text().splitlines()
    assert lines == ["0", "4", "1", seekable, seekable]  # regular file, append
    null_rights = str(RIGHTS_FILE & ~STDIN_UNWANTED)
    assert fdstat(0) == ["0", "2", "0", null_rights, null_rights]  # /dev/null
    assert fdstat(5) == ["8", "255", "65535", "-1", "-1"]  # nothing written


def test_close(build):
    exe = build("wasi")
    assert invoke(exe, "close_write", "1").stdout == b"0\n8\n"
    assert invoke(exe, "close_write", "7").stdout == b"8\n8\n"


# ---- WASI: clocks, randomness ------------------------------------------------


@pytest.mark.parametrize("clock", ["0", "1", "2", "3"])
def test_clocks(build, clock):
    assert invoke(build("wasi"), "clock", clock).stdout == b"0\n0\n1\n0\n1\n"


def test_unknown_clock(build):
    assert invoke(build("wasi"), "clock", "4").stdout == b"28\n28\n0\n28\n0\n"


def test_realtime_clock_is_now(build):
    now = int(invoke(build("wasi"), "now").stdout)
    assert abs(now - time.time()) < 60


def test_random_and_sched_yield(build):
    exe = build("wasi")
    assert invoke(exe, "random").stdout == b"0\n1\n"
    assert invoke(exe, "sched_yield").stdout == b"0\n"


# ---- WASI: every guest pointer is checked -------------------------------------

FAULT, BADF, INVAL = "21", "8", "28"
ERRNO_CASES = [
    ("raw_args_sizes_get", ["65532", "0"], "0"),
    ("raw_args_sizes_get", ["65533", "0"], FAULT),
    ("raw_args_sizes_get", ["0", "65536"], FAULT),
    ("raw_args_sizes_get", ["-1", "0"], FAULT),
    # argv is ["wasi", ARG1, ARG2]: 12 bytes of pointers, 13 of strings here
    ("raw_args_get", ["65524", "0"], "0"),
    ("raw_args_get", ["65525", "0"], FAULT),
    ("raw_args_get", ["0", "65523"], "0"),
    ("raw_args_get", ["0", "65524"], FAULT),
    ("raw_environ_sizes_get", ["65536", "0"], FAULT),
    ("raw_environ_get", ["65536", "65536"], "0"),  # nothing to write, at the end
    ("raw_environ_get", ["-4", "0"], FAULT),
    ("raw_clock_time_get", ["0", "65528"], "0"),
    ("raw_clock_time_get", ["0", "65529"], FAULT),
    ("raw_clock_time_get", ["1", "-8"], FAULT),
    ("raw_clock_time_get", ["4", "0"], INVAL),
    ("raw_clock_res_get", ["1", "65529"], FAULT),
    ("raw_clock_res_get", ["2", "0"], "0"),
    ("raw_random_get", ["65530", "6"], "0"),
    ("raw_random_get", ["65530", "7"], FAULT),
    ("raw_random_get", ["-1", "2"], FAULT),
    ("raw_random_get", ["0", "-1"], FAULT),
    ("raw_random_get", ["65536", "0"], "0"),
    ("raw_fd_write", ["1", "0", "0", "65532"], "0"),
    ("raw_fd_write", ["1", "65535", "1", "0"], FAULT),  # the iovec array
    ("raw_fd_write", ["1", "0", "0x20000000", "0"], FAULT),
    ("raw_fd_write", ["1", "0", "0", "65533"], FAULT),  # nwritten
    ("raw_fd_write", ["7", "0", "0", "0"], BADF),
    ("raw_fd_write", ["0", "0", "0", "0"], BADF),
    ("raw_fd_read", ["0", "65535", "1", "0"], FAULT),
    ("raw_fd_read", ["0", "0", "1", "65533"], FAULT),
    ("raw_fd_read", ["1", "0", "0", "0"], BADF),
    ("raw_fd_seek", ["1", "3", "0"], INVAL),
    ("raw_fd_seek", ["9", "0", "0"], BADF),
    ("raw_fd_tell", ["9", "0"], BADF),
    ("raw_fd_fdstat_get", ["1", "65512"], "0"),
    ("raw_fd_fdstat_get", ["1", "65513"], FAULT),
    ("raw_fd_fdstat_get", ["5", "0"], BADF),
    ("raw_fd_prestat_get", ["3", "0"], BADF),  # no preopens
    ("raw_fd_prestat_get", ["0", "0"], BADF),
    ("raw_fd_prestat_dir_name", ["3", "0", "10"], BADF),
    ("raw_fd_close", ["7"], BADF),
    ("raw_fd_close", ["2"], "0"),
    ("raw_path_open", [], BADF),  # no preopens
    ("raw_poll_oneoff", ["0", "0", "1", "0"], "0"),  # a clock subscription (all 0) due at once
    ("raw_poll_oneoff", ["0", "0", "0", "0"], INVAL),
    ("raw_poll_oneoff", ["0", "65535", "1", "0"], FAULT),
]


@pytest.mark.parametrize("case", ERRNO_CASES, ids=case_id)
def test_wasi_errno(build, case):
    check(build("wasi"), *case)


# ---- the host-function table against the witx and wasi.h ---------------------


def parse_sexprs(text: str) -> list:
    """S-expressions of a witx file (comments dropped), as nested lists of
    atoms; string atoms keep their quotes."""
    tokens = re.findall(r'\(|\)|"[^"]*"|[^\s()]+', re.sub(r";;.*", "", text))
    stack: list[list] = [[]]
    for token in tokens:
        if token == "(":
            stack.append([])
        elif token == ")":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    return stack[0]


def witx_signatures() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each function's core Wasm signature, lowered from the witx."""
    typenames = {
        form[1]: form[2]
        for form in parse_sexprs((WITX / "typenames.witx").read_text())
        if form[0] == "typename"
    }

    def lower(t) -> list[str]:
        if isinstance(t, str) and t.startswith("$"):
            return lower(typenames[t])
        if t in ("u8", "u16", "u32", "s32"):
            return ["i32"]
        if t in ("u64", "s64"):
            return ["i64"]
        if t == "string":
            return ["i32", "i32"]
        kind = t[0]
        if kind == "@witx" and t[1] in ("pointer", "const_pointer"):
            return ["i32"]
        if kind == "list":
            return ["i32", "i32"]
        if kind in ("enum", "flags"):
            return lower(t[1][2])  # (@witx tag|repr TYPE)
        if kind == "handle":
            return ["i32"]
        raise AssertionError(f"cannot lower {t}")

    module = next(f for f in parse_sexprs((WITX / "wasi_snapshot_preview1.witx").read_text()) if f[0] == "module")
    signatures = {}
    for form in module:
        if not (isinstance(form, list) and form[:2] == ["@interface", "func"]):
            continue
        name = form[2][1].strip('"')
        params: list[str] = []
        results: list[str] = []
        for part in form[3:]:
            if part[0] == "param":
                params += lower(part[2])
            elif part[0] == "result":
                expected = part[2]
                assert expected[0] == "expected" and expected[-1][0] == "error"
                for ok in expected[1:-1]:  # the ok value, returned through pointers
                    params += ["i32"] * (len(ok) - 1 if isinstance(ok, list) and ok[0] == "tuple" else 1)
                results = ["i32"]
        signatures[name] = (tuple(params), tuple(results))
    return signatures


def test_host_functions_match_the_witx():
    expected = witx_signatures()
    assert len(expected) == 46
    assert {name for module, name in WASI_FUNCTIONS} == set(expected)
    for (module, name), (c_name, functype) in WASI_FUNCTIONS.items():
        assert module == WASI_MODULE and c_name == f"w_wasi_{name}"
        assert (functype.params, functype.results) == expected[name], name


@pytest.mark.parametrize("header, functions", [("wasi.h", WASI_FUNCTIONS), ("bench.h", BENCH_FUNCTIONS)])
def test_host_headers_match_host_functions(header, functions):
    assert set(HOST_FUNCTIONS) == set(WASI_FUNCTIONS) | set(BENCH_FUNCTIONS)
    text = (RUNTIME / header).read_text()
    prototypes = re.findall(r"^(uint32_t|_Noreturn void|void) (w_(?:wasi|bench)_\w+)\(([^)]*)\);", text, re.M)
    c_types = {"uint32_t": "i32", "uint64_t": "i64"}
    declared = {
        name: (
            tuple(c_types[p.split()[0]] for p in params.split(",") if p.strip() != "void"),
            () if ret.endswith("void") else ("i32",),
        )
        for ret, name, params in prototypes
    }
    assert declared == {c_name: (ft.params, ft.results) for c_name, ft in functions.values()}


def test_every_host_function_links(runtime_lib, tmp_path):
    src = tmp_path / "all.c"
    names = ", ".join(f"(void (*)(void)){c_name}" for c_name, _ in HOST_FUNCTIONS.values())
    src.write_text(
        '#include "wastrel.h"\n'
        f"void (*const all[])(void) = {{{names}}};\n"
        "const w_export w_program_exports[1];\n"
        "const uint32_t w_program_num_exports = 0;\n"
        "void w_program_instantiate(void) {}\n"
    )
    exe = tmp_path / "all"
    compile_c([*CFLAGS, src, runtime_lib, "-lm", "-lpthread", "-o", exe])
    assert run(exe).returncode == 0


# ---- the garbage collector (gc.c) ------------------------------------------
# gc_heap.c's exports check their objects themselves and return 1 for each
# check that held (see there).  Their heap is limited to 64 MiB.

GC_LIMIT_MIB = 64


def gc_run(build, export: str, *args: str, **env: str):
    proc = invoke(build("gc_heap"), export, *args,
               env={"WASTREL_GC_MAX_HEAP": f"{GC_LIMIT_MIB}M", **env})
    return proc.returncode, proc.stdout.decode().split(), proc.stderr.decode()


def test_gc_a_live_list_survives_collections(build):
    # 10^6 nodes held by a local only, through 3 x 64 MiB of garbage
    assert gc_run(build, "list", "1000000", "3") == (0, ["1", str(999999 * 1000000 // 2)], "")


@pytest.mark.parametrize("times, live_nodes", [(100, 1000), (20, 1000000)], ids=["small_live", "half_live"])
def test_gc_garbage_is_collected_in_bounded_memory(build, times, live_nodes):
    # `times` the limit in garbage, next to a live list (of 32 MiB for the
    # second): no trap, and neither the heap nor the process's resident
    # memory grows beyond the limit
    status, (ok, heap_mib, rss_mib), stderr = gc_run(build, "garbage", str(times * GC_LIMIT_MIB), str(live_nodes))
    assert (status, ok, stderr) == (0, "1", "")
    assert int(heap_mib) <= GC_LIMIT_MIB and int(rss_mib) <= GC_LIMIT_MIB + 16


def test_gc_roots(build):
    # a global, a segment, a table grown after it was registered, and
    # interior pointers into a small object and into a large one
    assert gc_run(build, "roots", "100") == (0, ["1"] * 6, "")


def test_gc_unreachable_objects_are_freed(build):
    status, [freed], stderr = gc_run(build, "freed", "100")
    assert (status, stderr) == (0, "") and int(freed) >= 90


def test_gc_large_arrays_are_freed_and_their_space_reused(build):
    # 100 x 4 MiB arrays, 3 of them live at a time, next to 10^5 short lists
    status, (ok, heap_mib), stderr = gc_run(build, "large", "100", "100000")
    assert (status, ok, stderr) == (0, "1", "") and int(heap_mib) <= GC_LIMIT_MIB


def test_gc_a_pending_exception_keeps_its_payload(build):
    # and exceptions no longer pending are freed: 10^7 of 64 bytes each
    status, (ok, heap_mib), stderr = gc_run(build, "exception", "50", "10000000")
    assert (status, ok, stderr) == (0, "1", "") and int(heap_mib) <= GC_LIMIT_MIB


@pytest.mark.parametrize("kind", ["0", "1", "2"], ids=["live_list", "array_over_limit", "array_over_any_size"])
def test_gc_out_of_memory_is_a_trap(build, kind):
    assert gc_run(build, "oom", kind) == (TRAP_STATUS, [], "wasm trap: out of memory\n")


# Stress mode collects at every allocation: the same checks, smaller (None:
# any value; `freed` must still be at least 90).
GC_STRESS_CASES = [
    ("list", ["2000", "0"], ["1", str(1999 * 2000 // 2)]),
    ("roots", ["0"], ["1"] * 6),
    ("large", ["3", "300"], ["1", None]),
    ("exception", ["1", "1000"], ["1", None]),
    ("freed", ["0"], [None]),
]


@pytest.mark.parametrize("case", GC_STRESS_CASES, ids=case_id)
def test_gc_stress(build, case):
    export, args, expected = case
    status, results, stderr = gc_run(build, export, *args, WASTREL_GC_STRESS="1")
    assert (status, stderr) == (0, "")
    assert len(results) == len(expected)
    assert all(e is None or r == e for r, e in zip(results, expected)), results
    if export == "freed":
        assert int(results[0]) >= 90


def test_gc_stress_out_of_memory(build):
    proc = invoke(build("gc_heap"), "oom", "0",
               env={"WASTREL_GC_STRESS": "1", "WASTREL_GC_MAX_HEAP": "256K"})
    assert (proc.returncode, proc.stdout, proc.stderr) == (TRAP_STATUS, b"", b"wasm trap: out of memory\n")


def test_gc_verbose_reports_each_collection(build):
    status, results, stderr = gc_run(build, "list", "1000", "2", WASTREL_GC_VERBOSE="1")
    lines = stderr.splitlines()
    assert status == 0 and results[0] == "1" and len(lines) >= 2
    assert all(re.fullmatch(r"wastrel gc \d+: \d+ KiB live, \d+ KiB in use, \d+ KiB heap, [\d.]+ ms", line)
               for line in lines), lines


def test_gc_malformed_heap_limit_is_ignored(build):
    proc = invoke(build("gc_heap"), "list", "1000", "0", env={"WASTREL_GC_MAX_HEAP": "lots"})
    assert proc.returncode == 0 and proc.stdout.split()[0] == b"1"
    assert proc.stderr.decode() == "wastrel: ignoring WASTREL_GC_MAX_HEAP=lots (not a size such as 512M)\n"
