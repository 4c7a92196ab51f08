"""wasmtime's habits on wastrel's command line (issue #11, item 4): the
module without `run`, `--env NAME` from the host, `--argv0`, the module
from standard input, CFLAGS, `wastrel cache`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_util import one_line_error
from wastrel.backend_c.toolchain import Toolchain

# Prints its arguments (with argv[0]) and its environment, each followed by a NUL.
PRINTER = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $env_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $print (param $at i32) (param $len i32)
    (i32.store (i32.const 8) (local.get $at))
    (i32.store (i32.const 12) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16))))
  (func (export "_start")
    (drop (call $args_sizes (i32.const 0) (i32.const 4)))
    (drop (call $args_get (i32.const 1024) (i32.const 4096)))
    (call $print (i32.const 4096) (i32.load (i32.const 4)))
    (drop (call $env_sizes (i32.const 0) (i32.const 4)))
    (drop (call $env_get (i32.const 1024) (i32.const 8192)))
    (call $print (i32.const 8192) (i32.load (i32.const 4)))))
"""


@pytest.fixture(scope="module")
def printer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("habits") / "printer.wat"
    path.write_text(PRINTER)
    return path


def wastrel(*args: str | Path, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "wastrel", *map(str, args)],
        input=stdin, capture_output=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def strings(output: bytes) -> list[str]:
    return output.decode().split("\0")[:-1]


def test_a_module_runs_without_run(printer: Path) -> None:
    plain = wastrel(printer, "a", "--b")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == wastrel("run", printer, "a", "--b").stdout
    assert strings(plain.stdout) == ["printer.wat", "a", "--b"]
    first_options = wastrel("--env", "K=1", printer, "x")
    assert strings(first_options.stdout) == ["printer.wat", "x", "K=1"]


def test_env_name_takes_the_hosts_value(printer: Path) -> None:
    result = wastrel("--env", "FROM_HOST", "--env", "NOT_SET_ANYWHERE", "--env", "K=v", printer, env={"FROM_HOST": "yes"})
    assert strings(result.stdout) == ["printer.wat", "FROM_HOST=yes", "K=v"]


def test_argv0(printer: Path) -> None:
    assert strings(wastrel("--argv0", "tool", printer, "1").stdout) == ["tool", "1"]


def test_the_module_from_standard_input(printer: Path, tmp_path: Path) -> None:
    result = wastrel("run", "-", "x", stdin=printer.read_bytes())
    assert result.returncode == 0, result.stderr
    assert strings(result.stdout) == ["-", "x"]
    wasm = tmp_path / "printer.wasm"
    subprocess.run([sys.executable, "-c", "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))", "--emit-wasm", str(wasm), str(printer)], check=True)
    assert strings(wastrel("-", stdin=wasm.read_bytes()).stdout) == ["-"]
    bad = wastrel("-", stdin=b"(module (func (result i32)))")
    assert bad.returncode == 1
    assert bad.stderr.decode().startswith("wastrel: -: invalid: type mismatch")
    assert bad.stderr.decode().count("\n") == 1


def test_cflags_are_the_compilers_last_word(monkeypatch: pytest.MonkeyPatch, printer: Path) -> None:
    monkeypatch.setenv("CFLAGS", "-O3 -DFROM_CFLAGS=1")
    toolchain = Toolchain()
    assert toolchain.cflags[-2:] == ["-O3", "-DFROM_CFLAGS=1"]
    assert toolchain.identity() != Toolchain(extra=()).identity()  # another cache key
    result = wastrel("run", printer, env={"CFLAGS": "-fno-such-flag-anywhere"})
    assert result.returncode == 1
    assert b"-fno-such-flag-anywhere" in result.stderr


def test_cc_may_be_a_command_with_arguments(printer: Path, tmp_path: Path) -> None:
    """CC="ccache gcc", as build tools take it: the second build (wastrel's
    cache emptied) is ccache's hit."""
    ccache = shutil.which("ccache")
    assert ccache, "ccache is not installed (scripts/setup.sh installs it)"
    env = {"CC": f"{ccache} gcc", "CCACHE_DIR": str(tmp_path / "ccache"), "WASTREL_CACHE_DIR": str(tmp_path / "cache")}
    first = wastrel(printer, "x", env=env)
    assert (first.returncode, strings(first.stdout)) == (0, ["printer.wat", "x"]), first.stderr
    assert wastrel("cache", "--clean", env=env).returncode == 0
    assert wastrel(printer, "x", env=env).returncode == 0
    stats = subprocess.run([ccache, "--print-stats"], capture_output=True, text=True, env={**os.environ, **env}).stdout
    hits = sum(int(line.split()[1]) for line in stats.splitlines() if line.startswith(("direct_cache_hit", "preprocessed_cache_hit")))
    assert hits >= 2, stats  # the runtime's files and the module's


def test_cache_shows_trims_and_cleans(printer: Path, tmp_path: Path) -> None:
    env = {"WASTREL_CACHE_DIR": str(tmp_path / "cache")}
    assert wastrel(printer, env=env).returncode == 0
    shown = wastrel("cache", env=env).stdout.decode()
    assert shown.startswith(f"{tmp_path / 'cache'}: 2 entries")
    assert "programs: 1" in shown and "runtime: 1" in shown
    assert wastrel("cache", "--max-size", "1K", env=env).stdout.decode().startswith("removed 2 entries")
    assert wastrel(printer, env=env).returncode == 0  # built again
    assert wastrel("cache", "--clean", env=env).stdout.decode().startswith("removed 2 entries")
    assert wastrel("cache", env=env).stdout.decode().startswith(f"{tmp_path / 'cache'}: 0 entries")
    result = subprocess.run([sys.executable, "-m", "wastrel", "cache", "--max-size", "lots"], capture_output=True, text=True, env={**os.environ, **env})
    assert one_line_error(result, 2).startswith("wastrel: --max-size: not a size")
