"""`wastrel compile --emit-c DIR [--prefix NAME]` (issue #11, item 2): the C
it writes builds with cc alone, by the command DIR/BUILD gives; a header
per module declares its exports; two modules with prefixes link into one
program of one's own."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli_util import one_line_error, wastrel

ADDER = """(module (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i64) (result i64 i32) (local.get 0) (i32.const 7))
  (func (export "free") (result i32) (i32.const 1)))"""  # `free`: a name of the C library
BOXES = """(module (type $box (struct (field i32)))
  (func (export "add") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
  (func (export "boxed") (param i32) (result i32) (struct.get $box 0 (struct.new $box (local.get 0)))))"""
HELLO = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, C\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 9))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"""

MAIN = r"""
#include <stdio.h>
#include "adder.h"
#include "boxes.h"
int main(void) {
  first_instantiate();
  second_instantiate();
  w_results_Ii r = first_pair(5);
  printf("%u %u %llu %u %u %u\n", first_add(2, 3), second_add(2, 3), (unsigned long long)r.r0, r.r1,
         second_boxed(42), first_free());
  printf("%llu\n", (unsigned long long)first_memory()->size);
  return 0;
}
"""


def build_line(out: Path, which: int) -> str:
    """BUILD's command (its globs for a shell)."""
    return [line for line in (out / "BUILD").read_text().splitlines() if line.startswith("cc ")][which]


def emit(tmp_path: Path, name: str, text: str, out: Path, *options: str) -> None:
    source = tmp_path / f"{name}.wat"
    source.write_text(text)
    result = wastrel("compile", source, "-o", tmp_path / f"{name}.bin", "--emit-c", out, *options)
    assert result.returncode == 0, result.stderr


def test_one_module_builds_into_a_program_with_cc_alone(tmp_path: Path) -> None:
    out = tmp_path / "c"
    out.mkdir()
    emit(tmp_path, "hello", HELLO, out)
    assert (out / "hello.h").read_text().count("w_program_instantiate") == 1
    subprocess.run(build_line(out, 0), cwd=out, check=True, shell=True, capture_output=True)
    result = subprocess.run(["./program"], cwd=out, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "hello, C\n")


def test_options_compiled_in_are_emitted_too(tmp_path: Path) -> None:
    out = tmp_path / "c"
    out.mkdir()
    emit(tmp_path, "adder", ADDER, out, "--invoke", "add")
    assert '"--invoke",' in (out / "settings.c").read_text()
    subprocess.run(build_line(out, 0), cwd=out, check=True, shell=True, capture_output=True)
    result = subprocess.run(["./program", "20", "22"], cwd=out, capture_output=True, text=True, env={})
    assert (result.returncode, result.stdout) == (0, "42\n")


def test_two_modules_link_into_one_program(tmp_path: Path) -> None:
    out = tmp_path / "c"
    out.mkdir()
    emit(tmp_path, "adder", ADDER, out, "--prefix", "first")
    emit(tmp_path, "boxes", BOXES, out, "--prefix", "second")
    header = (out / "adder.h").read_text()
    assert "uint32_t first_add(uint32_t p0, uint32_t p1);" in header
    assert "w_memory *first_memory(void);" in header
    (tmp_path / "main.c").write_text(MAIN)
    build = subprocess.run(build_line(out, 1), cwd=out, capture_output=True, text=True, shell=True)
    assert build.returncode == 0, build.stderr
    result = subprocess.run(["./program"], cwd=out, capture_output=True, text=True)
    assert result.stdout.splitlines() == ["5 6 5 7 42 1", "65536"]


def test_a_prefix_must_be_an_identifier(tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text(ADDER)
    result = wastrel("compile", source, "-o", tmp_path / "m.bin", "--emit-c", tmp_path, "--prefix", "no good")
    assert one_line_error(result, 1) == "wastrel: --prefix: 'no good' is not a C identifier"
