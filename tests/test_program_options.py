"""A compiled program's arguments are all its guest's (issue #11, item 3):
its own options are compiled in by `wastrel compile` (the options of `run`)
or come from $WASTREL_OPTIONS, which the guest never sees."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_cli_habits import PRINTER, strings, wastrel

# Lists the guest's preopened directories (descriptors 3, 4, ...) by name, NUL after each.
PREOPENS = """
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $fd i32) (local $len i32)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (call $prestat (local.get $fd) (i32.const 0)))
        (local.set $len (i32.load (i32.const 4)))
        (drop (call $dir_name (local.get $fd) (i32.const 1024) (local.get $len)))
        (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.const 0))
        (i32.store (i32.const 8) (i32.const 1024))
        (i32.store (i32.const 12) (i32.add (local.get $len) (i32.const 1)))
        (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))))
"""

FIB = """
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
"""


def compile_module(tmp_path: Path, text: str, *options: str) -> Path:
    source, program = tmp_path / "m.wat", tmp_path / "m"
    source.write_text(text)
    result = wastrel("compile", *options, source, "-o", program)
    assert result.returncode == 0, result.stderr
    return program


def run(program: Path, *args: str, options: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, **(env or {})}
    environment.pop("WASTREL_OPTIONS", None)
    if options is not None:
        environment["WASTREL_OPTIONS"] = options
    return subprocess.run([program, *args], capture_output=True, timeout=60, env=environment)


def test_every_argument_is_the_guests(tmp_path: Path) -> None:
    program = compile_module(tmp_path, PRINTER)
    args = ["--help", "--dir", "/", "--invoke", "x", "--", "-", "--env=K=V", "--version"]
    result = run(program, *args)
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["m", *args]


def test_wastrel_run_passes_help_to_the_guest(tmp_path: Path) -> None:
    source = tmp_path / "printer.wat"
    source.write_text(PRINTER)
    result = wastrel("run", source, "--help", "-v")
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["printer.wat", "--help", "-v"]


def test_options_compiled_in(tmp_path: Path) -> None:
    program = compile_module(tmp_path, PRINTER, "--env", "K=compiled", "--env", "FROM_HOST", "--argv0", "tool")
    result = run(program, "--help", env={"FROM_HOST": "at run time", "OTHER": "x"})
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["tool", "--help", "K=compiled", "FROM_HOST=at run time"]


def test_wastrel_options_add_to_those_compiled_in(tmp_path: Path) -> None:
    program = compile_module(tmp_path, PRINTER, "--env", "A=1", "--argv0", "tool")
    result = run(program, "x", options="--env 'B=two words' --argv0 other")
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["other", "x", "A=1", "B=two words"]


def test_directories_compiled_in_and_added(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "more").mkdir()
    program = compile_module(tmp_path, PREOPENS, "--dir", "data", "--dir-ro", f"{tmp_path}::/abs")
    # a relative --dir is relative to where the program runs
    result = subprocess.run([program], cwd=tmp_path, capture_output=True, timeout=60, env={"WASTREL_OPTIONS": "--dir more::m"})
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["data", "/abs", "m"]
    elsewhere = subprocess.run([program], cwd=tmp_path / "more", capture_output=True, timeout=60, env={})
    assert elsewhere.returncode == 1 and b"--dir data" in elsewhere.stderr


def test_invoke_compiled_in(tmp_path: Path) -> None:
    program = compile_module(tmp_path, FIB, "--invoke", "fib")
    assert run(program, "20").stdout == b"6765\n"
    assert run(program, "1", "2").stderr == b"export fib takes 1 argument, got 2\n"


def test_invoke_from_the_environment(tmp_path: Path) -> None:
    program = compile_module(tmp_path, FIB)
    assert run(program, "10", options="--invoke fib").stdout == b"55\n"
    lines = subprocess.run([program], input=b"fib 5\nfib 6\n", capture_output=True, timeout=60, env={"WASTREL_OPTIONS": "--invoke-lines"})
    assert lines.stdout == b"5\n--\n8\n--\n"


def test_the_guest_sees_the_variable_only_when_asked_for_it(tmp_path: Path) -> None:
    plain = compile_module(tmp_path, PRINTER)
    assert strings(run(plain, options="--env K=v").stdout) == ["m", "K=v"]
    asking = compile_module(tmp_path, PRINTER, "--env", "WASTREL_OPTIONS")
    assert strings(run(asking, options="--env K=v").stdout) == ["m", "WASTREL_OPTIONS=--env K=v", "K=v"]


def test_run_replaces_the_callers_options(tmp_path: Path) -> None:
    source = tmp_path / "printer.wat"
    source.write_text(PRINTER)
    result = wastrel("run", "--env", "K=v", source, "a", env={"WASTREL_OPTIONS": "--frob"})
    assert (result.returncode, result.stderr) == (0, b"")
    assert strings(result.stdout) == ["printer.wat", "a", "K=v"]


@pytest.mark.parametrize(
    "options, message",
    [
        (["--env", ""], "--env expects K=V or K, got ''"),
        (["--env", "=x"], "--env expects K=V or K, got '=x'"),
        (["--sandbox", "chroot"], "argument --sandbox: invalid choice: 'chroot'"),
    ],
)
def test_bad_options_at_compile_time(tmp_path: Path, options: list[str], message: str) -> None:
    source = tmp_path / "printer.wat"
    source.write_text(PRINTER)
    result = wastrel("compile", *options, source, "-o", tmp_path / "p")
    assert result.returncode == 2 and message in result.stderr.decode()
    assert not (tmp_path / "p").exists()


def test_help_lists_the_options(tmp_path: Path) -> None:
    program = compile_module(tmp_path, PRINTER)
    result = run(program, "x", options="--help")
    assert result.returncode == 0 and result.stdout.startswith(b"usage: WASTREL_OPTIONS='[OPTION]...' m [ARGS...]")
    assert strings(run(program, "x").stdout) == ["m", "x"]
