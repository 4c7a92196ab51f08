"""Tests of the runtime's SIMD header (wastrel/runtime/wastrel_simd.h) on
its own, without the compiler.

* tests/simd_c/test_simd_ops.c checks every instruction against
  hand-computed results and a lane-by-lane scalar model, every load and
  store at every alignment, and the faults of accesses that reach a guard
  page; it is built with the flags of generated code at -O2 and -O0, with
  the SSE2 and the plain-vector-extension code, and with fast traps.
* Every instruction of wastrel/ir/simd.py has its `w_` function with the
  exact C prototype the C printer's calls assume (checked by assigning it to
  a function pointer of that type, with incompatible pointers an error).
* The header is warning-free (-Wall -Wextra -Werror) both ways, and on
  x86-64 v128.load and v128.store are single moves.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from wastrel.backend_c.toolchain import BASE_CFLAGS
from wastrel.ir.simd import SIMD_OPS

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "wastrel" / "runtime"
PROGRAM = Path(__file__).resolve().parent / "simd_c" / "test_simd_ops.c"
CC = shutil.which("cc") or "cc"

C_TYPE = {"v128": "w_v128", "i32": "uint32_t", "i64": "uint64_t", "f32": "float", "f64": "double"}

VARIANTS = {
    "O2": ["-O2"],
    "O0": ["-O0"],
    "O2-generic": ["-O2", "-DW_SIMD_GENERIC"],
    "O0-generic": ["-O0", "-DW_SIMD_GENERIC"],
    "O2-fast-traps": ["-O2", "-DW_PRECISE_TRAPS=0"],
}


def compile_c(args: list) -> subprocess.CompletedProcess:
    proc = subprocess.run([CC, *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("variant", VARIANTS)
def test_simd_ops(variant, tmp_path):
    exe = tmp_path / "test_simd_ops"
    compile_c([*VARIANTS[variant], *BASE_CFLAGS, "-I", RUNTIME, PROGRAM, "-o", exe, "-lm"])
    proc = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr
    assert re.search(r"\d+ checks, 0 failures", proc.stdout), proc.stdout[-5000:]


def prototype(op) -> tuple[str, list[str]]:
    """The C result and parameter types of op's `w_` function: the memory's
    base and effective address for the address operand, then the other
    operands, then an int per lane immediate."""
    params = [C_TYPE[p] for p in op.params]
    if op.access_bytes:
        params = ["uint8_t *", "uint64_t", *params[1:]]
    if op.immediate in ("lane", "memarg_lane"):
        params.append("int")
    result = C_TYPE[op.results[0]] if op.results else "void"
    return result, params


def signature_program() -> str:
    lines = ['#include "wastrel.h"', "static w_v128 g = W_V128(1, 0xffffffffffffffffull);", "void check(void) {"]
    for op in SIMD_OPS:
        name = "w_" + op.name.replace(".", "_")
        if op.immediate == "v128":  # v128.const: W_V128, also in a static initializer (above)
            lines.append("  { w_v128 v = W_V128(0x0123456789abcdefull, 0); (void)v; }")
        elif op.immediate == "shuffle":  # a macro: a call with 16 constant indices
            lanes = ", ".join(str(i) for i in range(0, 32, 2))
            lines.append(f"  {{ w_v128 v = {name}(g, g, {lanes}); (void)v; }}")
        else:
            result, params = prototype(op)
            lines.append(f"  {{ {result} (*p)({', '.join(params)}) = {name}; (void)p; }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("generic", [False, True], ids=["sse2", "generic"])
def test_every_instruction_has_its_prototype(generic, tmp_path):
    src = tmp_path / "signatures.c"
    src.write_text(signature_program())
    flags = ["-DW_SIMD_GENERIC"] if generic else []
    compile_c(["-std=gnu11", "-O0", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
               *flags, "-I", RUNTIME, "-c", src, "-o", tmp_path / "signatures.o"])  # fmt: skip


@pytest.mark.parametrize("generic", [False, True], ids=["sse2", "generic"])
def test_header_is_warning_free(generic, tmp_path):
    src = tmp_path / "header.c"
    src.write_text('#include "wastrel.h"\n')
    flags = ["-DW_SIMD_GENERIC"] if generic else []
    proc = compile_c(["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", *flags, "-I", RUNTIME,
                      "-c", src, "-o", tmp_path / "header.o"])  # fmt: skip
    assert not proc.stderr


@pytest.mark.skipif(platform.machine() != "x86_64", reason="x86-64 assembly")
@pytest.mark.parametrize("opt", ["-O2", "-O0"])
def test_v128_load_and_store_are_single_moves(opt, tmp_path):
    """One 16-byte move each: a store that faults in the guard region must
    not have written part of its bytes first."""
    src = tmp_path / "access.c"
    src.write_text(
        '#include "wastrel.h"\n'
        "w_v128 f(uint8_t *base, uint32_t a) { return w_v128_load(base, (uint64_t)a + 8); }\n"
        "void g(uint8_t *base, uint32_t a, w_v128 v) { w_v128_store(base, (uint64_t)a + 16, v); }\n"
    )
    asm = compile_c([opt, *BASE_CFLAGS, "-I", RUNTIME, "-S", "-o", "-", src]).stdout
    bodies = dict(re.findall(r"^(\w+):\n(.*?)\bret\b", asm, re.M | re.S))
    # at -O0 nothing is inlined: the access is in the runtime's function
    load, store = (bodies["f"], bodies["g"]) if opt == "-O2" else (bodies["w_v128_load"], bodies["w_v128_store"])
    stores = [line for line in store.splitlines() if re.search(r",\s*-?\d*\(%r(?!bp|sp)", line)]
    assert len(stores) == 1 and re.search(r"\bmov(dqu|ups)\b", stores[0]), store
    if opt == "-O2":
        loads = [line for line in load.splitlines() if "(%" in line]
        assert len(loads) == 1 and re.search(r"\bmov(dqu|ups)\b", loads[0]), load
