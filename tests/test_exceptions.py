"""Exception handling (Wasm 3.0, and the legacy form): the text reader,
decoder and encoder agree with wasm-tools; the validator's rules; which
calls test for a pending exception (none in a module without exceptions);
an uncaught exception in `wastrel run`.

The spec scripts (try_table, throw, throw_ref, tag, imports, instance and
the four legacy/ scripts, exceptions crossing modules included) run in
tests/test_spec.py; golden case `exceptions` runs against wasmtime's
results.  C++ with -fwasm-exceptions cannot be built here: Debian's
libc++abi-16-dev-wasm32 has no exception support (no __cxa_throw).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli_util import wastrel, wastrel_passes
from tests.test_memory64_frontend import check_same_module
from wastrel.frontend import WasmError
from wastrel.frontend.encode import without_offsets
from wastrel.frontend.text import read_module_text
from wastrel.frontend.validate import validate_module
from wastrel.ir.throws import Throws

GOLDEN = Path(__file__).parent / "golden_cases" / "exceptions.wat"


@pytest.mark.parametrize(
    "text",
    [
        '(module (type $t (func (param i32))) (import "m" "e" (tag $c (param i32)))'
        ' (tag $a (export "a") (type $t)) (tag $b (param f64 i64)) (func (param exnref) (result nullexnref) (ref.null noexn)))',
        "(module (tag $e (param i32)) (func (result i32)"
        " (block $h (result i32) (try_table (result i32) (catch $e $h) (throw $e (i32.const 1)))"
        " ) (block $r (result i32 exnref) (try_table (catch_ref $e $r) (nop)) unreachable) drop drop"
        " (block $a (try_table (catch_all $a) (nop))) (block $x (result exnref) (try_table (catch_all_ref $x)) unreachable) throw_ref))",
        # the legacy form (wasm-tools reads its plain form only)
        "(module (tag $e (param i32)) (func (result i32)"
        " try (result i32) i32.const 1 catch $e catch_all i32.const 2 end drop"
        " try $l nop catch $e drop rethrow $l end block try nop delegate 0 end i32.const 3))",
    ],
)
def test_text_binary_and_encoder_agree_with_wasm_tools(text: str) -> None:
    check_same_module(text)
    validate_module(read_module_text(text))


def test_the_folded_legacy_try_is_its_plain_form() -> None:
    folded = "(module (tag $e (param i32)) (func (result i32) (block $b (try (do (nop)) (delegate $b)))" \
             " (try (result i32) (do (i32.const 3)) (catch $e) (catch_all (i32.const 4)))))"
    plain = "(module (tag $e (param i32)) (func (result i32) block $b try nop delegate $b end" \
            " try (result i32) i32.const 3 catch $e catch_all i32.const 4 end))"
    assert without_offsets(read_module_text(folded)) == without_offsets(read_module_text(plain))


def invalid(text: str) -> str:
    with pytest.raises(WasmError) as info:
        validate_module(read_module_text(text))
    assert info.value.kind == "invalid"
    return info.value.message


def test_validation() -> None:
    assert "non-empty tag result type" in invalid("(module (tag (result i32)))")
    assert "unknown tag" in invalid("(module (func (throw 0)))")
    assert "type mismatch" in invalid("(module (tag $e (param i32)) (func (throw $e)))")
    # a catch clause delivers the payload (and the exception, non-null) to its label
    assert "type mismatch" in invalid("(module (tag $e (param i32)) (func (block $h (try_table (catch $e $h)))))")
    assert "type mismatch" in invalid("(module (tag $e) (func (block $h (result funcref) (try_table (catch_ref $e $h))) drop))")
    validate_module(read_module_text("(module (tag $e) (func (block $h (result exnref) (try_table (catch_ref $e $h)) unreachable) drop))"))
    assert "invalid rethrow label" in invalid("(module (func (block (rethrow 0))))")
    assert "without a matching try" in invalid("(module (tag $e) (func block catch $e end))")


def test_only_calls_that_may_throw_are_tested() -> None:
    plain = read_module_text("(module (table 1 funcref) (func $f) (func (call $f)) (func (call_indirect (i32.const 0))))")
    assert not Throws(plain).any
    module = read_module_text(
        "(module (import \"wasi_snapshot_preview1\" \"sched_yield\" (func $y (result i32))) (tag $e)"
        " (func $pure) (func $thrower (throw $e)) (func $caller (call $thrower))"
        " (func (export \"f\") (call $pure) (call $caller) (drop (call $y))))"
    )
    throws = Throws(module)
    assert throws.functions == {2, 3, 4}  # $thrower, $caller, f: not the host's import, not $pure
    dump = wastrel_passes("--dump-after", "stack-to-tree", "--stop-after", "stack-to-tree", "--function", "classify", GOLDEN)
    assert "(br_if $dispatch" in dump.stdout and "(exn.pending)" in dump.stdout, dump.stderr
    dump = wastrel_passes("--dump-after", "stack-to-tree", "--stop-after", "stack-to-tree", Path(__file__).parent / "golden_cases" / "recursion.wat")
    assert dump.returncode == 0 and "exn." not in dump.stdout


UNCAUGHT = """
(module
  (tag $e (export "oops") (param i32))
  (func (export "f") (param i32) (result i32)
    (if (local.get 0) (then (throw $e (local.get 0))))
    (i32.const 5))
  (func (export "_start") (drop (call 0 (i32.const 1)))))
"""


def test_an_uncaught_exception_ends_the_program_like_a_trap(tmp_path: Path) -> None:
    module = tmp_path / "uncaught.wat"
    module.write_text(UNCAUGHT)
    run = wastrel("run", module)
    assert run.returncode == 134, run
    assert run.stderr.strip() == "wasm exception: uncaught exception (oops)"
    invoked = wastrel("run", "--invoke", "f", module, "0")
    assert (invoked.returncode, invoked.stdout.strip()) == (0, "5")
    program = tmp_path / "uncaught"
    assert wastrel("compile", "-o", program, module).returncode == 0
    lines = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input="f 0\nf 3\nf 0\n", capture_output=True, text=True)
    assert lines.stdout.split() == ["5", "--", "--"]  # a command stops at the first, as at a trap
    assert lines.returncode == 134 and "uncaught exception (oops)" in lines.stderr


def test_a_call_whose_results_are_returned_needs_no_test(tmp_path: Path) -> None:
    """Returning is propagating, outside a try: no test of the pending exception."""
    module = tmp_path / "wrapper.wat"
    module.write_text(
        "(module (tag $e) (func $f (param i32) (result i32) (if (local.get 0) (then (throw $e))) (local.get 0))"
        " (func (export \"direct\") (param i32) (result i32) (call $f (local.get 0)))"
        " (func (export \"returned\") (param i32) (result i32) (return (call $f (local.get 0))))"
        " (func (export \"caught\") (param i32) (result i32)"
        "   (block $h (try_table (catch_all $h) (return (call $f (local.get 0))))) (i32.const -1)))"
    )
    dump = wastrel_passes("--dump-after", "stack-to-tree", "--stop-after", "stack-to-tree", module).stdout
    functions = dump.split("(func ")
    assert all("exn.pending" not in f for f in functions if f.startswith(("$direct", "$returned")))
    assert "exn.pending" in next(f for f in functions if f.startswith("$caught"))
    for export, expected in [("direct", "0"), ("caught", "-1")]:
        result = wastrel("run", "--invoke", export, module, "0" if export == "direct" else "1")
        assert result.stdout.strip() == expected, result
