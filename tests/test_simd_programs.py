"""SIMD end to end: real clang output that uses v128, run by wastrel and
compared with wasmtime.

Two kinds of module: every C program of tests/programs/ compiled with
`-O3 -msimd128`, so that clang's vectoriser writes the SIMD (loops over
bytes, shorts, ints and floats the way compilers really emit them), and
tests/simd_programs/, C written against wasm_simd128.h's intrinsics, which
reach the instructions the vectoriser rarely picks (saturation, shuffles,
lanes in memory, NaN rules of min/max/pmin).  wasmtime is the oracle: stdout,
stderr and exit code must be equal.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from tests.e2e_util import PROGRAMS_DIR, Invocation, run_wasmtime, run_wastrel, wasm_toolchain_problem, wastrel_command
from tests.test_e2e_programs import CASES

SIMD_PROGRAMS_DIR = Path(__file__).parent / "simd_programs"
BUILD_DIR = Path(__file__).parent / ".build" / "simd"
SIMD_FLAGS = ["clang", "--target=wasm32-wasi", "-msimd128"]

VECTORISED = sorted({case.program for case in CASES})
INTRINSICS = sorted(path.stem for path in SIMD_PROGRAMS_DIR.glob("*.c"))


def _build(source: Path, opt: str) -> Path:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    output = BUILD_DIR / f"{source.stem}{opt}.wasm"
    if not output.exists() or output.stat().st_mtime < source.stat().st_mtime:
        partial = output.with_suffix(f".{os.getpid()}.partial")  # xdist workers build side by side
        subprocess.run([*SIMD_FLAGS, opt, str(source), "-o", str(partial), "-lm"], check=True, capture_output=True)
        partial.replace(output)
    return output


def _uses_simd(module: Path) -> bool:
    """Whether the module has at least one SIMD instruction (0xFD prefix in
    its code): otherwise the case tests nothing new."""
    from wastrel.frontend.decode import decode_module
    from wastrel.ir.simd import BY_NAME

    decoded = decode_module(module.read_bytes())
    return any(instr.op in BY_NAME for func in decoded.funcs for instr in func.body)


@pytest.fixture(scope="module", autouse=True)
def toolchain() -> None:
    if problem := wasm_toolchain_problem():
        pytest.skip(problem)


def _case(module: Path, tmp_path: Path, invocation: Invocation = Invocation()) -> None:
    expected = run_wasmtime(module, invocation, tmp_path)
    actual = run_wastrel(module, invocation, tmp_path / "cache")
    assert actual == expected, f"reproduce with: {shlex.join(wastrel_command(module, invocation))}"


@pytest.mark.parametrize("program", VECTORISED)
def test_vectorised_program_matches_wasmtime(program: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.program == program)
    module = _build(PROGRAMS_DIR / f"{program}.c", "-O3")
    _case(module, tmp_path, case.invocation)


def test_vectorisation_happened() -> None:
    """Most programs must really contain SIMD code (else the cases above
    would test scalar code only)."""
    with_simd = [p for p in VECTORISED if _uses_simd(_build(PROGRAMS_DIR / f"{p}.c", "-O3"))]
    assert len(with_simd) >= len(VECTORISED) // 2, with_simd


@pytest.mark.parametrize("program", INTRINSICS)
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_intrinsics_program_matches_wasmtime(program: str, opt: str, tmp_path: Path) -> None:
    module = _build(SIMD_PROGRAMS_DIR / f"{program}.c", opt)
    assert _uses_simd(module)
    _case(module, tmp_path)


# ---- the SIMD header only where v128 is -------------------------------------
# A module's C includes wastrel_simd.h unless v128 appears nowhere in the
# module (W_SIMD 0): each way v128 can appear must bring the header in.

V128_SOMEWHERE = {
    "instruction only": '(func (export "f") (result i32) (i32x4.extract_lane 2 (i32x4.splat (i32.const 7))))',
    "global": '(global $g v128 (v128.const i32x4 1 2 7 4))\n'
    '(func (export "f") (result i32) (i32x4.extract_lane 2 (global.get $g)))',
    "local": '(func (export "f") (result i32) (local $v v128)\n'
    "  (local.set $v (i32x4.splat (i32.const 7))) (i32x4.extract_lane 0 (local.get $v)))",
    "parameter": '(func $id (param v128) (result v128) (local.get 0))\n'
    '(func (export "f") (result i32) (i32x4.extract_lane 3 (call $id (v128.const i32x4 0 0 0 7))))',
}


@pytest.mark.parametrize("where", sorted(V128_SOMEWHERE))
def test_the_simd_header_comes_with_any_v128(where: str, tmp_path: Path) -> None:
    from tests.cli_util import wastrel
    from wastrel.driver import public_c

    source = tmp_path / "m.wat"
    source.write_text(f"(module {V128_SOMEWHERE[where]})")
    assert "W_SIMD 0" not in public_c(source)[0]
    result = wastrel("run", "--invoke", "f", source)
    assert (result.returncode, result.stdout) == (0, "7\n"), result.stderr


def test_a_module_without_v128_leaves_the_simd_header_out(tmp_path: Path) -> None:
    from tests.cli_util import wastrel
    from wastrel.driver import public_c

    source = tmp_path / "m.wat"
    source.write_text('(module (func (export "f") (result i32) (i32.const 7)))')
    assert "#define W_SIMD 0" in public_c(source)[0]
    result = wastrel("run", "--invoke", "f", source)
    assert (result.returncode, result.stdout) == (0, "7\n"), result.stderr
