"""Building and running the WASI test programs under wastrel and wasmtime.

The programs in tests/wasi_programs are C compiled for wasm32-wasi (with
e2e_util.build), then compiled once by `wastrel compile` into a native
program, which each test runs with its own options (--dir, --dir-ro,
--sandbox), as any user: a compiled program takes them at run time.  The
reference runs use wasmtime's Python API with the same preopens.
test_wasi.py and test_sandbox.py share this module.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import wasmtime

from tests.cli_util import wastrel
from tests.e2e_util import Outcome, build, run_wasi_command, wasm_toolchain_problem

PROGRAMS_DIR = Path(__file__).resolve().parent / "wasi_programs"
BUILD_DIR = Path(__file__).resolve().parent / ".build" / "wasi"
TIMEOUT_S = 120

NOBODY = 65534
IS_ROOT = os.geteuid() == 0
# Run as root, the tests also run every sandboxed program as this
# unprivileged user; run as anyone else, they run it as that user.
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def require_wasm_toolchain() -> None:
    problem = wasm_toolchain_problem()
    if problem:
        pytest.skip(problem)


def wasm_module(name: str) -> Path:
    """tests/wasi_programs/NAME.c for wasm32-wasi (rebuilt when it or transcript.h changes)."""
    require_wasm_toolchain()
    header = hashlib.sha256((PROGRAMS_DIR / "transcript.h").read_bytes()).hexdigest()[:12]
    out_dir = BUILD_DIR / header
    out_dir.mkdir(parents=True, exist_ok=True)
    return build(PROGRAMS_DIR / f"{name}.c", "wasm", out_dir)


@cache
def program(name: str) -> Path:
    """The native program `wastrel compile` makes of NAME's module (once per session)."""
    module = wasm_module(name)
    output = BUILD_DIR / "programs" / module.stem
    output.parent.mkdir(parents=True, exist_ok=True)  # -o names a file in an existing directory
    result = wastrel("compile", module, "-o", output)
    assert result.returncode == 0, result.stderr
    return output


@cache
def helper(name: str) -> Path:
    """tests/sandbox_helpers/NAME.c built for the host."""
    source = Path(__file__).resolve().parent / "sandbox_helpers" / f"{name}.c"
    out_dir = BUILD_DIR / "helpers"
    out_dir.mkdir(parents=True, exist_ok=True)
    return build(source, "native", out_dir)


def user_prefix(user: str) -> list[str]:
    """The command prefix that runs a program as `user` ("self" or "nobody")."""
    return AS_NOBODY if user == "nobody" else []


def users() -> list[str]:
    return ["self", "nobody"] if IS_ROOT else ["self"]


def with_options(options: Sequence[str], env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `env` (default: this process's) with a compiled
    program's options in WASTREL_OPTIONS (runtime/main.c)."""
    return {**(os.environ if env is None else env), "WASTREL_OPTIONS": shlex.join(options)}


def run(
    prog: Path,
    options: Sequence[str] = (),
    args: Sequence[str] = (),
    *,
    user: str = "self",
    stdin=subprocess.DEVNULL,
    **kwargs,
) -> subprocess.CompletedProcess[str]:
    """Runs a compiled program with the guest's ARGS and the program's
    OPTIONS (in WASTREL_OPTIONS), as `user`."""
    return subprocess.run(
        [*user_prefix(user), str(prog), *args],
        env=with_options(options, kwargs.pop("env", None)),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        **kwargs,
    )


@contextmanager
def shared_tmp() -> Iterator[Path]:
    """A temporary directory every user can reach (pytest's tmp_path is
    private to its owner), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="wastrel-wasi-"))
    try:
        path.chmod(0o755)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def give_to(path: Path, user: str) -> None:
    """Makes `user` the owner of the tree at `path` (nothing for "self")."""
    if user != "nobody":
        return
    for entry in [path, *path.rglob("*")]:
        os.lchown(entry, NOBODY, NOBODY)


@dataclass(frozen=True)
class Preopen:
    host: Path
    guest: str
    writable: bool = True

    def option(self) -> list[str]:
        return ["--dir" if self.writable else "--dir-ro", f"{self.host}::{self.guest}"]


def run_wasmtime(module: Path, args: Sequence[str], preopens: Sequence[Preopen], work_dir: Path, argv0: str) -> Outcome:
    """Runs a WASI command under wasmtime with these preopens; stdio are
    files in `work_dir` (stdin empty)."""
    stdin, stdout, stderr = (work_dir / name for name in ("stdin", "stdout", "stderr"))
    stdin.write_bytes(b"")
    config = wasmtime.WasiConfig()
    config.argv = [argv0, *args]
    config.stdin_file = str(stdin)
    config.stdout_file = str(stdout)
    config.stderr_file = str(stderr)
    for p in preopens:
        config.preopen_dir(str(p.host), p.guest, p.writable)
    exit_code = run_wasi_command(module, config)
    return Outcome(_read_text(stdout), _read_text(stderr), exit_code)


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")
