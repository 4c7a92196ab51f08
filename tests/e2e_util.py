"""Build the C test programs and run them natively, under wasmtime and under wastrel.

The end-to-end tests (test_e2e_programs.py) compile each program in
tests/programs/ twice -- for wasm32-wasi with clang and for the host with
gcc -- and compare three runs of it: the native binary, the wasm module under
wasmtime (through its Python API), and the same module under
`python -m wastrel run`.  This module holds everything those tests need that
is not a test: toolchain checks, content-keyed builds that are safe to share
between pytest-xdist workers, and the three runners, which all report an
`Outcome`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import wasmtime

REPO_ROOT = Path(__file__).resolve().parent.parent
PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
BUILD_DIR = Path(__file__).resolve().parent / ".build" / "e2e"

Target = Literal["wasm", "native"]

# Compiler command (before the source file) and trailing libraries, per target.
COMPILE_COMMANDS: dict[Target, tuple[list[str], list[str]]] = {
    "wasm": (["clang", "--target=wasm32-wasi", "-O2"], []),
    "native": (["gcc", "-O2"], ["-lm"]),
}

NATIVE_TIMEOUT_S = 60
WASTREL_TIMEOUT_S = 900  # the first run of a module includes compiling its C


@dataclass(frozen=True)
class Invocation:
    """What a program runs with: its arguments after argv[0], environment and stdin."""

    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    stdin: bytes = b""


@dataclass(frozen=True)
class Outcome:
    """What a run produced; output is decoded losslessly (undecodable bytes become surrogates)."""

    stdout: str
    stderr: str
    exit_code: int


class BuildError(Exception):
    """A compiler rejected a test program."""


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


@cache
def _compiler_identity(compiler: str) -> str:
    """The compiler's version banner, so that a compiler upgrade invalidates builds."""
    result = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=True)
    return result.stdout


@cache
def wasm_toolchain_problem() -> str | None:
    """Why C cannot be compiled for wasm32-wasi here, or None if it can."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "probe.c")
        source.write_text("#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n")
        try:
            build(source, "wasm", Path(tmp))
        except FileNotFoundError:
            return "clang is not installed"
        except BuildError as error:
            return f"clang cannot build for wasm32-wasi (wasi-libc missing?): {error}"
    return None


def build(source: Path, target: Target, out_dir: Path) -> Path:
    """Compile `source` for `target` into `out_dir`, reusing an earlier identical build.

    The output name contains a hash of the command, the compiler's version and
    the source text, and is written by an atomic rename, so concurrent
    processes may share `out_dir` without locking.
    """
    command, libraries = COMPILE_COMMANDS[target]
    key = hashlib.sha256()
    for part in (*command, *libraries, _compiler_identity(command[0])):
        key.update(part.encode() + b"\0")
    key.update(source.read_bytes())
    suffix = ".wasm" if target == "wasm" else ""
    output = out_dir / f"{source.stem}-{key.hexdigest()[:16]}{suffix}"
    if not output.exists():
        partial = output.with_name(f"{output.name}.{os.getpid()}.partial")
        result = subprocess.run(
            [*command, str(source), "-o", str(partial), *libraries],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BuildError(f"{' '.join(command)} {source.name} failed:\n{result.stderr}")
        os.replace(partial, output)
    return output


def run_native(executable: Path, invocation: Invocation) -> Outcome:
    """Run a host binary with exactly the invocation's environment."""
    result = subprocess.run(
        [str(executable), *invocation.args],
        input=invocation.stdin,
        env=dict(invocation.env),
        capture_output=True,
        timeout=NATIVE_TIMEOUT_S,
    )
    return Outcome(_decode(result.stdout), _decode(result.stderr), result.returncode)


def run_wasmtime(module: Path, invocation: Invocation, work_dir: Path) -> Outcome:
    """Run a WASI command module in wasmtime; `work_dir` holds the stdio files.

    A trap other than a WASI exit propagates: the programs never trap, so it
    means the oracle itself is broken.
    """
    stdin, stdout, stderr = (work_dir / name for name in ("stdin", "stdout", "stderr"))
    stdin.write_bytes(invocation.stdin)
    config = wasmtime.WasiConfig()
    config.argv = [module.name, *invocation.args]
    config.env = list(invocation.env.items())
    config.stdin_file = str(stdin)
    config.stdout_file = str(stdout)
    config.stderr_file = str(stderr)
    exit_code = run_wasi_command(module, config)
    return Outcome(_decode(stdout.read_bytes()), _decode(stderr.read_bytes()), exit_code)


def run_wasi_command(module: Path, config: wasmtime.WasiConfig) -> int:
    """Runs a WASI command's `_start` in wasmtime; its exit code."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(module)))
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
        return 0
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code


def wastrel_command(module: Path, invocation: Invocation) -> list[str]:
    """The `python -m wastrel run` command line for an invocation."""
    env_options = [part for key, value in invocation.env.items() for part in ("--env", f"{key}={value}")]
    return [sys.executable, "-m", "wastrel", "run", *env_options, str(module), *invocation.args]


def run_wastrel(module: Path, invocation: Invocation, cache_dir: Path) -> Outcome:
    """Run a module with `python -m wastrel run`, compiling into `cache_dir`.

    The host environment is passed on (wastrel needs PATH to find gcc); the
    guest sees only the invocation's environment, given with --env.
    """
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    host_env = {**os.environ, "WASTREL_CACHE_DIR": str(cache_dir), "PYTHONPATH": python_path}
    result = subprocess.run(
        wastrel_command(module, invocation),
        input=invocation.stdin,
        env=host_env,
        capture_output=True,
        timeout=WASTREL_TIMEOUT_S,
    )
    return Outcome(_decode(result.stdout), _decode(result.stderr), result.returncode)
