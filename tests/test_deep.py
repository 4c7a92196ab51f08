"""No depth limit: 100,000 nested blocks, ifs and loops, and 100,000-deep
expression chains (folded and flat), through the text reader, the decoder,
the validator, every pass and every printer; the blocks and the chain also
through the C compiler and run.

Real compilers emit such code (a C `switch` is hundreds of nested blocks),
and the compiler recurses on nesting: `wastrel.deep` gives it the stack for
that, and the passes are linear in the program, however deep."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_util import wastrel, wastrel_passes
from wastrel.deep import run_deep
from wastrel.frontend.encode import encode_module
from wastrel.frontend.text import read_module_text
from wastrel.passes.manager import RunOptions, run_pipeline

DEPTH = 100_000


def nested_blocks(n: int) -> str:
    """`f(x)`: x == 0 leaves through all blocks at once, else x + 1 after
    leaving the innermost."""
    return (
        '(module (func (export "f") (param $x i32) (result i32)\n'
        + "(block $outer\n"
        + "(block\n" * n
        + "(br_if $outer (i32.eqz (local.get $x)))\n"
        + "(br_if 0 (i32.const 1))\n"
        + "(local.set $x (i32.const -1))\n"
        + ")\n" * n
        + "(local.set $x (i32.add (local.get $x) (i32.const 1))))\n"
        + "(local.get $x)))\n"
    )


def folded_chain(n: int) -> str:
    """`f(x)` = n * x + 1, as one expression n deep."""
    return (
        '(module (func (export "f") (param $x i32) (result i32)\n'
        + "(i32.add (local.get $x) " * n
        + "(i32.const 1)"
        + ")" * n
        + "))\n"
    )


def flat_chain(n: int) -> str:
    """The same, in stack-machine form: n operands pushed, then n adds."""
    return (
        '(module (func (export "f") (param $x i32) (result i32)\n'
        + "local.get $x\n" * n
        + "i32.const 1\n"
        + "i32.add\n" * n
        + "))\n"
    )


def nested_ifs(n: int) -> str:
    return (
        '(module (func (export "f") (param $x i32) (result i32)\n'
        + "(if (local.get $x) (then (local.set $x (i32.sub (local.get $x) (i32.const 1)))\n" * n
        + "(local.set $x (i32.const 77))\n"
        + "))\n" * n
        + "(local.get $x)))\n"
    )


def nested_loops(n: int) -> str:
    return (
        '(module (func (export "f") (param $x i32) (result i32)\n'
        + "(loop\n" * n
        + "(local.set $x (i32.add (local.get $x) (i32.const 1)))\n"
        + "(br_if 0 (i32.lt_u (local.get $x) (i32.const 10)))\n"
        + ")\n" * n
        + "(local.get $x)))\n"
    )


SHAPES = {
    "nested_blocks": nested_blocks,
    "folded_chain": folded_chain,
    "flat_chain": flat_chain,
    "nested_ifs": nested_ifs,
    "nested_loops": nested_loops,
}


def _compile_everything(text: str) -> dict[str, int]:
    """Text reader, encoder, decoder, validator, every pass and every
    printer (a dump after each pass); the size of each dump."""
    module = read_module_text(text)
    binary = encode_module(module)
    sizes: dict[str, int] = {}
    options = RunOptions(dump_after={"all"}, on_dump=lambda title, dump: sizes.__setitem__(title, len(dump)))
    c = run_pipeline(binary, options)
    sizes["C"] = len(str(c))
    return sizes


@pytest.mark.parametrize("shape", SHAPES)
def test_every_pass_and_printer_at_depth(shape: str) -> None:
    sizes = run_deep(_compile_everything, SHAPES[shape](DEPTH))
    assert "after c-print (C)" in sizes
    # Every dump stays linear in the program (indentation is capped), and
    # nothing was lost on the way: a deep program gives a long dump.
    text_size = len(SHAPES[shape](DEPTH))
    for title, size in sizes.items():
        assert size < 100 * text_size, title
    assert sizes["after stack-to-tree (tree)"] > DEPTH


def test_deep_expressions_are_cut_for_the_c_compiler() -> None:
    def c_of(text: str) -> str:
        return str(run_pipeline(read_module_text(text), start_after="decode"))

    c = run_deep(c_of, folded_chain(1000))
    deepest = max(line.count("(") for line in c.splitlines())
    assert deepest <= 110  # limit-expression-depth: MAX_DEPTH operators, a few calls' parentheses


@pytest.mark.parametrize("make", [nested_blocks, folded_chain], ids=["nested_blocks", "folded_chain"])
def test_deep_programs_run(make, tmp_path: Path) -> None:
    source = tmp_path / "deep.wat"
    source.write_text(make(DEPTH))
    binary = tmp_path / "deep.wasm"
    assert wastrel_passes("--emit-wasm", binary, source).returncode == 0
    for module in (source, binary):
        for x, expected in ((0, 0 if make is nested_blocks else 1), (5, 6 if make is nested_blocks else DEPTH * 5 + 1)):
            result = wastrel("run", "--invoke", "f", module, str(x))
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == str(expected)


def test_the_collector_is_paused_while_the_compiler_runs_and_back_after() -> None:
    import gc

    assert gc.isenabled()
    assert run_deep(gc.isenabled) is False
    assert gc.isenabled()
    gc.disable()
    try:
        run_deep(gc.isenabled)
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()
