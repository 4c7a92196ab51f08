"""Malformed and invalid modules are rejected before any C is made: one line
on stderr naming the file, the byte offset and the problem; exit status 1;
never a traceback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli_util import wastrel, wastrel_passes
from wastrel.backend_c.toolchain import RUNTIME_DIR, cache_dir

INVALID = Path(__file__).resolve().parent / "invalid"
EXPECTED: dict[str, dict[str, str]] = json.loads((INVALID / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n.removesuffix(".wasm"))
def test_rejected_with_one_line(name: str) -> None:
    expected = EXPECTED[name]
    result = wastrel("run", INVALID / name)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"wastrel: {INVALID / name}: {expected['kind']}: ")
    assert expected["keyword"].lower() in line.lower()
    assert "at byte 0x" in line or expected["kind"] == "malformed" and "unexpected end" in line
    assert result.stdout == ""


def test_missing_file() -> None:
    result = wastrel("run", "/nonexistent/x.wasm")
    assert result.returncode == 1
    assert result.stderr.strip() == "wastrel: /nonexistent/x.wasm: No such file or directory"


def test_passes_reports_bad_module_too() -> None:
    result = wastrel_passes("--dump-after=stack-to-tree", INVALID / "type_mismatch_add_f32.wasm")
    assert result.returncode == 1
    assert "invalid: " in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_import_is_a_link_error(tmp_path: Path) -> None:
    wat = tmp_path / "imp.wat"
    wat.write_text('(module (import "env" "missing" (func)) (func (export "_start") call 0))')
    result = wastrel("run", wat)
    assert result.returncode == 1
    assert result.stderr.strip() == f"wastrel: {wat}: unknown import: env.missing (the runtime provides wasi_snapshot_preview1 and bench)"


def test_text_errors_give_line_and_column(tmp_path: Path) -> None:
    wat = tmp_path / "bad.wat"
    wat.write_text("(module\n  (func (result i32)\n    i32.const 1\n    f32.const 2\n    i32.add))\n")
    result = wastrel("run", wat)
    assert result.returncode == 1
    assert result.stderr == f"wastrel: {wat}: invalid: type mismatch: expected i32 but got f32 (at line 5, column 5)\n"


def test_literals_of_thousands_of_digits(tmp_path: Path) -> None:
    # Beyond 4,300 digits Python's str -> int refuses; never a traceback.
    zeros = "0" * 5_000
    wat = tmp_path / "long.wat"
    wat.write_text(f'(module (func (export "f") (result f64)\n  (f64.const 0.{zeros}1e{len(zeros) + 1})))')
    result = wastrel("run", "--invoke", "f", wat)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n", "")
    wat.write_text(f'(module (func (export "f") (result i64)\n  (i64.const 1{zeros})))')
    result = wastrel("run", "--invoke", "f", wat)
    assert result.returncode == 1
    assert result.stderr.startswith(f"wastrel: {wat}: malformed: i64 constant out of range: 1000")
    assert result.stderr.endswith(" (5001 characters) (at line 2, column 14)\n")
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < len(str(wat)) + 150


def test_emit_wasm_writes_the_binary(tmp_path: Path) -> None:
    wat, wasm = tmp_path / "m.wat", tmp_path / "m.wasm"
    wat.write_text('(module (func (export "two") (result i32) (i32.add (i32.const 1) (i32.const 1))))')
    assert wastrel_passes("--emit-wasm", wasm, wat).returncode == 0
    assert wasm.read_bytes().startswith(b"\0asm")
    result = wastrel("run", "--invoke", "two", wasm)
    assert (result.returncode, result.stdout) == (0, "2\n")


def test_an_empty_cache_variable_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WASTREL_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("WASTREL_CACHE_DIR", "")  # not the current directory
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "wastrel"
    for xdg in ("", "relative/cache"):  # the XDG spec: empty is unset, a relative path is ignored
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert cache_dir() == tmp_path / "home" / ".cache" / "wastrel"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("WASTREL_CACHE_DIR")
    assert cache_dir() == tmp_path / "home" / ".cache" / "wastrel"


def listing(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """A directory with a module (m.wat, m.wast), an empty directory and a file."""
    (tmp_path / "m.wat").write_text('(module (func (export "_start")))')
    (tmp_path / "m.wast").write_text('(module (func (export "f") (result i32) (i32.const 1)))\n(assert_return (invoke "f") (i32.const 1))\n')
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("")
    return tmp_path


BAD_OUTPUTS = [  # (name under the test's directory, or "" for an empty name; the error after "wastrel: ")
    ("dir", "{out}: is a directory ({option} names the file to write)"),
    ("dir/", "{out}: is a directory ({option} names the file to write)"),
    ("new/", "{out}: names a directory ({option} names the file to write)"),
    ("missing/sub/out", "{out}: no such directory: {root}/missing/sub (for {option})"),
    ("file/out", "{out}: not a directory: {root}/file (for {option})"),
    ("", "{option}: an empty name (it names the file to write)"),
]


def bad_output(root: Path, name: str, message: str, option: str) -> tuple[str, str]:
    out = f"{root}/{name}" if name else ""
    return out, "wastrel: " + message.format(out=out, root=root, option=option) + "\n"


@pytest.mark.parametrize(("name", "message"), BAD_OUTPUTS, ids=lambda x: x or "empty")
def test_compile_output_must_be_a_file_in_a_directory_that_exists(outputs: Path, name: str, message: str) -> None:
    before = listing(outputs)
    out, expected = bad_output(outputs, name, message, "-o")
    result = wastrel("compile", outputs / "m.wat", "-o", out)
    assert (result.returncode, result.stderr, result.stdout) == (1, expected, "")
    assert listing(outputs) == before  # nothing created, not even a directory


@pytest.mark.parametrize(("name", "message"), BAD_OUTPUTS, ids=lambda x: x or "empty")
def test_emit_wasm_and_json_outputs_are_checked_the_same_way(outputs: Path, name: str, message: str) -> None:
    before = listing(outputs)
    out, expected = bad_output(outputs, name, message, "--emit-wasm")
    result = wastrel_passes("--emit-wasm", out, outputs / "m.wat")
    assert (result.returncode, result.stderr, result.stdout) == (1, expected, "")
    out, expected = bad_output(outputs, name, message, "--json")
    result = wastrel("wast", "--json", out, outputs / "m.wast")
    assert (result.returncode, result.stderr, result.stdout) == (1, expected, "")  # before any script runs
    assert listing(outputs) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing", "{out}: no such directory (for --emit-c)"), ("file", "{out}: not a directory (for --emit-c)"),
     ("", "--emit-c: an empty name (it names the directory to write)")],
    ids=["missing", "file", "empty"],
)
def test_emit_c_needs_a_directory_that_exists(outputs: Path, name: str, message: str) -> None:
    before = listing(outputs)
    out = str(outputs / name) if name else ""
    result = wastrel("compile", outputs / "m.wat", "-o", outputs / "prog", "--emit-c", out)
    assert (result.returncode, result.stderr) == (1, "wastrel: " + message.format(out=out) + "\n")
    assert listing(outputs) == before  # not even the program


def test_a_failed_write_names_the_users_path(outputs: Path) -> None:
    result = wastrel("compile", outputs / "m.wat", "-o", "/proc/wastrel-out")  # a directory nobody can create files in
    assert result.returncode == 1
    assert result.stderr.startswith("wastrel: /proc/wastrel-out: cannot write: ") and len(result.stderr.splitlines()) == 1
    assert ".wastrel-out." not in result.stderr  # not the temporary file


def test_outputs_are_written(outputs: Path) -> None:
    (outputs / "dir" / "prog").write_text("old")
    result = wastrel("compile", outputs / "m.wat", "-o", outputs / "dir" / "prog", "--emit-c", outputs / "dir")
    assert (result.returncode, result.stderr) == (0, "")
    runtime = [Path("runtime") / f.name for f in RUNTIME_DIR.glob("*.[ch]") if f.name != "main.c"]
    written = [Path("BUILD"), Path("m.c"), Path("m.h"), Path("prog"), Path("runtime"), Path("runtime/program"), Path("runtime/program/main.c")]
    assert listing(outputs / "dir") == sorted([*written, *runtime])
    assert (outputs / "dir" / "prog").stat().st_mode & 0o777 == 0o755
    assert wastrel_passes("--emit-wasm", outputs / "m.wasm", outputs / "m.wat").returncode == 0
    assert (outputs / "m.wasm").read_bytes().startswith(b"\0asm")
    result = wastrel("wast", "--json", outputs / "r.json", outputs / "m.wast")
    assert result.returncode == 0 and json.loads((outputs / "r.json").read_text())


def test_an_output_that_is_not_a_file_is_written_into_not_replaced(outputs: Path) -> None:
    """`-o /dev/null` (as root, renaming over it made /dev/null a file) or a
    pipe: the program is written into it, and it stays what it was."""
    import threading

    fifo = outputs / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = wastrel("compile", outputs / "m.wat", "-o", fifo)
    reader.join(timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert received and received[0].startswith(b"\x7fELF")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
