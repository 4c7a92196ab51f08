"""C identifiers have one owner (wastrel/backend_c/names.py): whatever a
module names its functions, parameters and locals, the C compiles and the
program computes what wasmtime computes."""

from __future__ import annotations

from pathlib import Path

import wasmtime

from tests.cli_util import wastrel
from wastrel.backend_c.names import C_KEYWORDS, LIBM_NAMES, RESULTS, memory_base

MEMORY_BASE = memory_base(0)

# Names a body's own C uses, C keywords, the backend's prefixes, type- and macro-like names.
AWKWARD = sorted(LIBM_NAMES) + [MEMORY_BASE, RESULTS, f"{MEMORY_BASE}_2", "int", "return", "goto", "errno", "f_f", "g_0", "w_i32_load", "mem0", "uint32_t", "NULL", "h1", "l0"]

MODULE = """(module
  (memory 1)
  (func $pair (result i32 i32) (i32.const 3) (i32.const 4))
  (func $f (export "f") (param $x i32) (result i32)
    {locals}
    {sets}
    (call $pair)
    (local.set ${last})
    (local.set ${first})
    (i32.store (local.get $x) (i32.const 7))
    (f64.store (i32.const 8) (f64.sqrt (f64.convert_i32_s (local.get $x))))
    (f32.store (i32.const 16) (f32.abs (f32.convert_i32_s (local.get $x))))
    (i32.add (i32.load (local.get $x)) (i32.add {sum})))
  (func ${first} (export "other") (param ${last} i32) (result i32) (local.get ${last})))
"""


def test_awkward_names_compile_and_compute(tmp_path: Path) -> None:
    names = [f"n{k}" if name == "x" else name for k, name in enumerate(AWKWARD)]
    assert set(AWKWARD) & C_KEYWORDS
    locals_ = " ".join(f"(local ${name} i32)" for name in names)
    sets = " ".join(f"(local.set ${name} (i32.const {k + 1}))" for k, name in enumerate(names))
    total = "(i32.const 0)"
    for name in names:
        total = f"(i32.add {total} (local.get ${name}))"
    text = MODULE.format(locals=locals_, sets=sets, first=names[0], last=names[-1], sum=f"{total} (i32.const 0)")
    source = tmp_path / "names.wat"
    source.write_text(text)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, text), [])
    for export, arg in (("f", 32), ("other", 5)):
        expected = instance.exports(store)[export](store, arg)
        result = wastrel("run", "--invoke", export, source, str(arg))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(expected)
