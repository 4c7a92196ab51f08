"""The Python API (wastrel/api.py), used as a library is: the README's
example as shown, traps (the instance stays usable), memory, host
functions (and their failures), references, WASI, proc_exit, several
instances of one module and of different modules in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

import wastrel

FIB = """
(module
  (import "env" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func $fib (export "fib") (param $n i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "calls") (result i32) (global.get $calls))
  (func (export "report") (param $n i32) (call $log (local.get $n)))
  (func (export "store") (param $at i32) (param $v i64) (i64.store (local.get $at) (local.get $v)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (i32.const 1) (call $deep (local.get 0))))
  (func (export "mix") (param i64 f32 f64) (result f64 i64 f32)
    (f64.add (local.get 2) (f64.promote_f32 (local.get 1))) (i64.mul (local.get 0) (i64.const -1)) (local.get 1)))
"""


@pytest.fixture(scope="module")
def fib_wat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "fib.wat"
    path.write_text(FIB)
    return path


def test_the_readme_example(fib_wat: Path) -> None:
    module = wastrel.load(fib_wat)
    logged: list[int] = []
    instance = module.instantiate(imports={"env": {"log": logged.append}})
    assert instance.exports.fib(20) == 6765
    assert instance.exports["fib"](10) == 55
    instance.exports.report(42)
    assert logged == [42]
    instance.exports.store(0, 0x0102030405060708)
    assert instance.exports.memory.read(0, 8) == bytes([8, 7, 6, 5, 4, 3, 2, 1])
    instance.exports.memory.write(8, b"wasm")
    assert instance.exports.memory.read(8, 4) == b"wasm"
    assert instance.exports.memory.size == 65536


def test_values_convert_by_type(fib_wat: Path) -> None:
    instance = wastrel.load(fib_wat.read_bytes()).instantiate(imports={"env": {"log": print}})
    assert instance.exports.mix(5, 0.5, 1.25) == (1.75, -5, 0.5)
    assert instance.exports.div(-7, 2) == -3
    assert instance.exports.div(0xFFFFFFFF, 1) == -1  # arguments wrap, results are signed


def test_a_trap_raises_and_the_instance_stays_usable(fib_wat: Path) -> None:
    instance = wastrel.load(fib_wat).instantiate(imports={"env": {"log": print}})
    with pytest.raises(wastrel.Trap) as info:
        instance.exports.div(1, 0)
    assert info.value.message == "integer divide by zero"
    with pytest.raises(wastrel.Trap, match="call stack exhausted"):
        instance.exports.deep(0)
    assert instance.exports.fib(10) == 55
    with pytest.raises(wastrel.Trap, match="out of bounds memory access"):
        instance.exports.store(65535, 1)
    with pytest.raises(IndexError):
        instance.exports.memory.read(65530, 10)


def test_a_failing_host_function_traps_and_its_exception_is_raised(fib_wat: Path) -> None:
    def log(n: int) -> None:
        raise ValueError(f"no {n}")

    instance = wastrel.load(fib_wat).instantiate(imports={"env": {"log": log}})
    with pytest.raises(wastrel.Trap, match="host function failed") as info:
        instance.exports.report(7)
    assert isinstance(info.value.__cause__, ValueError)
    assert instance.exports.fib(5) == 5


def test_several_instances_have_their_own_state(fib_wat: Path) -> None:
    module = wastrel.load(fib_wat)
    a = module.instantiate(imports={"env": {"log": print}})
    b = module.instantiate(imports={"env": {"log": print}})
    a.exports.fib(10)
    assert a.exports.calls() == 177
    assert b.exports.calls() == 0
    a.exports.memory.write(0, b"a")
    assert b.exports.memory.read(0, 1) == b"\0"
    other = wastrel.load(b'(module (func (export "fib") (result i32) (i32.const 7)))').instantiate()
    assert other.exports.fib() == 7
    assert a.exports.fib(1) == 1


def test_missing_imports_and_bad_modules_are_errors(fib_wat: Path) -> None:
    module = wastrel.load(fib_wat)
    with pytest.raises(wastrel.LinkError, match="env.log"):
        module.instantiate()
    with pytest.raises(wastrel.WasmError, match="<bytes>"):
        wastrel.load(b"(module (func (result i32)))")
    with pytest.raises(wastrel.LinkError, match="a host gives functions only"):
        wastrel.load(b'(module (import "env" "m" (memory 1)))')


def test_references_round_trip() -> None:
    module = wastrel.load(
        b"""(module
          (type $box (struct (field i32)))
          (func $f (export "f") (result i32) (i32.const 3))
          (func (export "id") (param externref) (result externref) (local.get 0))
          (func (export "box") (param i32) (result anyref) (struct.new $box (local.get 0)))
          (func (export "unbox") (param anyref) (result i32) (struct.get $box 0 (ref.cast (ref $box) (local.get 0))))
          (func (export "fref") (result funcref) (ref.func $f))
          (func (export "garbage") (param $n i32)
            (loop $more
              (drop (array.new_default $bytes (i32.const 1000)))
              (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
          (type $bytes (array i8))
          (elem declare func $f))"""
    )
    exports = module.instantiate().exports
    thing = object()
    assert exports.id(thing) is thing
    assert exports.id(None) is None
    boxed = exports.box(41)
    assert isinstance(boxed, wastrel.Ref)
    assert exports.unbox(boxed) == 41
    boxes = [exports.box(k) for k in range(1000)]
    exports.garbage(200_000)  # 200 MB: collections, which must keep what Python holds
    assert [exports.unbox(b) for b in boxes] == list(range(1000))
    del boxes
    exports.garbage(200_000)
    assert isinstance(exports.fref(), wastrel.Ref)
    with pytest.raises(wastrel.Trap, match="cast failure"):
        exports.unbox(wastrel.Ref(2000))  # no struct there


WASI = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasi\\n")
  (func (export "hello") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "argc") (result i32)
    (drop (call $args_sizes (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
  (func (export "quit") (param i32) (call $exit (local.get 0))))
"""


def test_wasi(capfd: pytest.CaptureFixture[str]) -> None:
    instance = wastrel.load(WASI.encode()).instantiate(wasi=wastrel.WasiConfig(argv=["prog", "a", "b"]))
    assert instance.exports.hello() == 0
    assert capfd.readouterr().out == "hello from wasi\n"
    assert instance.exports.argc() == 3
    with pytest.raises(wastrel.Exit) as info:
        instance.exports.quit(3)
    assert info.value.status == 3


WASI_STATE = """
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "host" "other" (func $other (result i32)))
  (memory (export "memory") 1)
  (func $argc (export "argc") (result i32)
    (drop (call $args_sizes (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
  (func (export "envc") (result i32)
    (drop (call $env_sizes (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
  (func (export "prestat") (param i32) (result i32) (call $prestat (local.get 0) (i32.const 200)))
  ;; the other instance's answer, then this one's argc (after the other ran)
  (func (export "both") (result i32 i32) (call $other) (call $argc)))
"""


def test_each_wasi_instance_has_its_own_state(tmp_path: Path) -> None:
    """argv, environment and preopens per instance, also across a call from
    one into the other (through a host function)."""
    module = wastrel.load(WASI_STATE.encode())
    inner: list = []
    first = module.instantiate(
        imports={"host": {"other": lambda: inner[0].exports.argc()}},
        wasi=wastrel.WasiConfig(argv=["a", "b", "c"], env={"K": "v"}, dirs={"/data": str(tmp_path)}),
    )
    second = module.instantiate(imports={"host": {"other": lambda: 0}}, wasi=wastrel.WasiConfig(argv=["one"]))
    inner.append(second)
    assert (first.exports.argc(), second.exports.argc()) == (3, 1)
    assert (first.exports.envc(), second.exports.envc()) == (1, 0)
    assert (first.exports.prestat(3), second.exports.prestat(3)) == (0, 8)  # 8: ERRNO_BADF
    assert first.exports.both() == (1, 3)
    assert (first.exports.argc(), second.exports.argc()) == (3, 1)


WASMTIME_FIRST = """
import wasmtime, wastrel
wat = '(module (memory 1) (func (export "f") (param i32) (result i32) (i32.load (local.get 0))))'
store = wasmtime.Store()
theirs = wasmtime.Instance(store, wasmtime.Module(store.engine, wat), []).exports(store)["f"]
ours = wastrel.load(wat.encode()).instantiate().exports.f
for call, trap in ((lambda: theirs(store, 70000), wasmtime.Trap), (lambda: ours(70000), wastrel.Trap), (lambda: theirs(store, 70000), wasmtime.Trap)):
    try:
        call()
    except trap:
        print("trapped")
"""


def test_with_wasmtime_in_the_same_process() -> None:
    """Each runtime's memory faults are its own traps, whichever set up its
    signal handlers first (wastrel's hands on the faults it does not know)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", WASMTIME_FIRST], capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stdout) == (0, "trapped\ntrapped\ntrapped\n"), result.stderr
