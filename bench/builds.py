"""Build a benchmark kernel three ways.

From bench/kernels/NAME.c: a native executable (gcc, -O2 by default), a wasm32-wasi
module (clang -O2), and wastrel's executable compiled from that module with
`python -m wastrel compile`.  Compilation happens here, once, so that the
timed runs measure only execution.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
KERNELS_DIR = Path(__file__).resolve().parent / "kernels"


class BuildError(Exception):
    """A compiler (gcc, clang or wastrel) failed on a kernel."""


def available_kernels() -> list[str]:
    return sorted(path.stem for path in KERNELS_DIR.glob("*.c"))


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BuildError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def _wastrel_env() -> dict[str, str]:
    """The host environment with this checkout of wastrel importable."""
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": python_path}


def build_native(name: str, build_dir: Path, flags: list[str]) -> Path:
    output = build_dir / f"{name}.native"
    _run(["gcc", *flags, str(KERNELS_DIR / f"{name}.c"), "-o", str(output), "-lm"])
    return output


def build_wasm(name: str, build_dir: Path) -> Path:
    output = build_dir / f"{name}.wasm"
    _run(["clang", "--target=wasm32-wasi", "-O2", str(KERNELS_DIR / f"{name}.c"), "-o", str(output)])
    return output


def compile_with_wastrel(module: Path, output: Path | None = None) -> Path:
    """`python -m wastrel compile` the module into an executable (default: beside it)."""
    output = output or module.with_suffix(".wastrel")
    _run([sys.executable, "-m", "wastrel", "compile", str(module), "-o", str(output)], env=_wastrel_env())
    return output
