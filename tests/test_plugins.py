"""Plug-in passes, end to end: `--plugin FILE.py` and installed entry points
on `wastrel-passes`, `wastrel run` and `wastrel compile`; where a pass lands
from its declarations; `--skip`; every mistake one line; the build cache
keyed by the plug-ins and the skipped passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_util import wastrel, wastrel_passes
from wastrel.backend_c.toolchain import Toolchain
from wastrel.driver import _program_key
from wastrel.passes.framework import Rewriter

ROOT = Path(__file__).resolve().parent.parent
FOLD = ROOT / "examples" / "passes" / "fold_i32_add.py"
MULTI3 = Path(__file__).resolve().parent / "golden_cases" / "multi3.wat"
ADD = '(module (func (export "f") (result i32) (i32.add (i32.const 2) (i32.const 3))))\n'


def probe(name: str, language: str, requires: tuple[str, ...] = (), before: tuple[str, ...] = ()) -> str:
    """A plug-in pass that checks what it receives against its language and
    says on stderr what it got."""
    return f"""
import sys
from wastrel.ir.languages import LANGUAGES
from wastrel.passes.framework import declare_pass

@declare_pass({name!r}, takes={language!r}, gives={language!r}, requires={requires!r}, before={before!r})
def probe(value):
    if {language!r} in LANGUAGES:
        LANGUAGES[{language!r}].check(value)
    print({name!r}, "received", type(value).__name__, file=sys.stderr)
    return value
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def listed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines()]


def one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr.strip()


# -- placement ------------------------------------------------------------------------

BUILT_IN = [
    "decode", "validate", "recognize-helpers", "stack-to-tree", "annotate-effects", "fold-temps", "sequence-operands", "limit-expression-depth",
    "lower-control", "remove-dead-stores", "shape-loops", "tidy-c", "remove-unused-labels", "c-print",
]  # fmt: skip


@pytest.mark.parametrize(
    ("language", "requires", "after", "received"),
    [
        ("tree", "stack-to-tree", "stack-to-tree", "Program"),
        ("effects", "annotate-effects", "annotate-effects", "Program"),
        ("flushed", "fold-temps", "sequence-operands", "Program"),  # the case: it ran after c-print
        ("flushed", "limit-expression-depth", "limit-expression-depth", "Program"),
        ("c", "lower-control", "remove-dead-stores", "Program"),
        ("wasm", "validate", "recognize-helpers", "Module"),
    ],
    ids=["tree", "effects", "flushed-tie", "flushed", "c", "wasm"],
)
def test_a_same_language_plugin_runs_after_what_it_requires(tmp_path: Path, language: str, requires: str, after: str, received: str) -> None:
    plugin = write(tmp_path, "probe.py", probe("my-pass", language, (requires,)))
    order = listed(wastrel_passes("--plugin", plugin, "--list"))
    expected = list(BUILT_IN)
    expected.insert(expected.index(after) + 1, "my-pass")
    assert order == expected
    result = wastrel_passes("--plugin", plugin, "--check", MULTI3)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"my-pass received {received}\n"


def test_list_marks_plugins(tmp_path: Path) -> None:
    result = wastrel_passes("--plugin", FOLD, "--list")
    line = next(line for line in result.stdout.splitlines() if line.startswith("fold-i32-add"))
    assert f"flushed -> flushed  [plugin {FOLD}] Folds an `i32.add` of two constants" in line
    assert all("[plugin" not in line for line in wastrel_passes("--list").stdout.splitlines())


def test_before_places_a_pass_ahead_of_one_that_requires_the_same(tmp_path: Path) -> None:
    plugin = write(tmp_path, "early.py", probe("early", "flushed", ("sequence-operands",), ("limit-expression-depth",)))
    order = listed(wastrel_passes("--plugin", plugin, "--list"))
    assert order[order.index("sequence-operands") :][:3] == ["sequence-operands", "early", "limit-expression-depth"]


def test_plugins_tie_in_the_order_they_are_loaded_and_chain_on_each_other(tmp_path: Path) -> None:
    first = write(tmp_path, "first.py", probe("zz-first", "tree", ("stack-to-tree",)))
    second = write(tmp_path, "second.py", probe("aa-second", "tree", ("stack-to-tree",)))
    third = write(tmp_path, "third.py", probe("mm-third", "tree", ("zz-first",)))
    order = listed(wastrel_passes("--plugin", third, "--plugin", first, "--plugin", second, "--list"))
    assert order[order.index("stack-to-tree") :][:5] == ["stack-to-tree", "zz-first", "aa-second", "mm-third", "annotate-effects"]


# -- declarations that do not make a pipeline ------------------------------------------------


@pytest.mark.parametrize(
    ("takes", "gives", "requires", "message"),
    [
        ("foo", "foo", (), "pass bad (foo -> foo, plugin {}) does not chain: no pass gives foo (languages: bytes, wasm, tree, effects, flushed, c, C)"),
        ("effects", "mine", (), "pass bad (effects -> mine, plugin {}) does not chain: fold-temps (effects -> flushed) already leaves effects"),
        ("c", "C", (), "pass bad (c -> C, plugin {}) does not chain: c-print (c -> C) already leaves c"),
        ("C", "asm", (), "pass bad (C -> asm, plugin {}) does not chain: no pass takes asm"),
        ("tree", "tree", ("fold-temps",), "pass bad (tree -> tree, plugin {}) requires fold-temps, after which the language is flushed, not tree"),
        ("tree", "tree", ("nowhere",), "pass bad requires nowhere, which is not declared"),
    ],
    ids=["unknown-language", "leaves-a-left-language", "replaces-c-print", "past-the-end", "required-later", "required-missing"],
)
def test_a_pass_that_does_not_chain_is_one_line(tmp_path: Path, takes: str, gives: str, requires: tuple[str, ...], message: str) -> None:
    plugin = write(tmp_path, "bad.py", f"from wastrel.passes.framework import declare_pass\ndeclare_pass('bad', takes={takes!r}, gives={gives!r}, requires={requires!r})(lambda p: p)\n")
    assert one_line_error(wastrel_passes("--plugin", plugin, "--list")) == f"wastrel: {message.format(plugin)}"


def test_a_before_that_comes_too_late_is_one_line(tmp_path: Path) -> None:
    plugin = write(tmp_path, "late.py", probe("late", "flushed", (), ("stack-to-tree",)))
    error = one_line_error(wastrel_passes("--plugin", plugin, "--list"))
    assert error == f"wastrel: pass late (flushed -> flushed, plugin {plugin}) must run before stack-to-tree, before which the language is wasm, not flushed"


def test_a_cycle_is_one_line(tmp_path: Path) -> None:
    a = write(tmp_path, "a.py", probe("a", "effects", ("b",)))
    b = write(tmp_path, "b.py", probe("b", "effects", ("a",)))
    assert one_line_error(wastrel_passes("--plugin", a, "--plugin", b, "--list")) == "wastrel: the passes' requirements form a cycle: a -> b -> a"


# -- bad plug-in files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\ndef broken(:\n", "{}:2: SyntaxError: invalid syntax"),
        ("import os\nimport no_such_module_here\n", "{}:2: cannot load plugin: ModuleNotFoundError: No module named 'no_such_module_here'"),
        ("from wastrel.passes.framework import declare_pass\n\n@declare_pass('fold-temps', takes='flushed', gives='flushed')\ndef mine(p):\n    return p\n", "{}:3: pass name 'fold-temps' is taken (by a built-in pass)"),
        ("from wastrel.passes.framework import declare_pass\ndeclare_pass('mine', takes='wasm', gives='tree', optional=True)(print)\n", "{}:2: pass mine (wasm -> tree) cannot be optional: only a pass that keeps its language can be skipped"),
        ("raise RuntimeError('not\\ntoday')\n", "{}:1: cannot load plugin: RuntimeError: not"),
    ],
    ids=["syntax", "import", "taken", "optional-transition", "raises"],
)
def test_a_bad_plugin_file_is_one_line_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    plugin = write(tmp_path, "bad.py", text)
    for result in (wastrel_passes("--plugin", plugin, "--list"), wastrel("run", "--plugin", plugin, MULTI3)):
        assert one_line_error(result) == f"wastrel: {message.format(plugin)}"


def test_two_plugins_declaring_one_name(tmp_path: Path) -> None:
    first = write(tmp_path, "first.py", probe("twice", "tree"))
    second = write(tmp_path, "second.py", probe("twice", "effects"))
    assert one_line_error(wastrel_passes("--plugin", first, "--plugin", second, "--list")) == f"wastrel: {second}:6: pass name 'twice' is taken (by {first})"


def test_a_missing_plugin_file(tmp_path: Path) -> None:
    assert one_line_error(wastrel("compile", "--plugin", tmp_path / "none.py", MULTI3, "-o", tmp_path / "p")) == f"wastrel: {tmp_path / 'none.py'}: no such file (for --plugin)"


# -- plug-in passes that go wrong while running ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [("return 1 // 0", "ZeroDivisionError: integer division or modulo by zero"), ("return 'text'", "LanguageError: effects: the pass returned str")],
    ids=["raises", "returns-text"],
)
def test_a_crashing_plugin_pass_names_the_pass_and_its_file(tmp_path: Path, body: str, reason: str) -> None:
    plugin = write(tmp_path, "boom.py", f"from wastrel.passes.framework import declare_pass\n\n@declare_pass('boom', takes='effects', gives='effects')\ndef boom(p):\n    {body}\n")
    error = one_line_error(wastrel_passes("--plugin", plugin, MULTI3), 70)
    assert error == f"wastrel: {MULTI3}: internal error in pass boom (plugin {plugin}): {reason} (WASTREL_TRACEBACK=1 shows where)"


# -- --skip -----------------------------------------------------------------------------------


def test_skip_an_optional_pass() -> None:
    order = listed(wastrel_passes("--skip", "recognize-helpers", "--list"))
    assert order == [name for name in BUILT_IN if name != "recognize-helpers"]
    with_it = wastrel_passes("--dump-after=c-print", MULTI3)
    without = wastrel_passes("--skip", "recognize-helpers", "--dump-after=c-print", MULTI3)
    assert "w_i64_mul_high_u" in with_it.stdout and "w_i64_mul_high_u" not in without.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("limit-expression-depth", "cannot skip limit-expression-depth: it is not optional (optional passes: recognize-helpers)"),
        ("fold-temps", "cannot skip fold-temps: it is not optional (optional passes: recognize-helpers)"),
        ("no-such-pass", "cannot skip no-such-pass: no such pass (optional passes: recognize-helpers)"),
    ],
    ids=["limit-expression-depth", "fold-temps", "unknown"],
)
def test_skip_a_required_pass_is_one_line(name: str, message: str) -> None:
    assert one_line_error(wastrel_passes("--skip", name, "--list")) == f"wastrel: {message}"
    assert one_line_error(wastrel("run", "--skip", name, MULTI3)) == f"wastrel: {message}"


def test_skip_a_pass_a_plugin_requires(tmp_path: Path) -> None:
    plugin = write(tmp_path, "needs.py", probe("needs", "wasm", ("recognize-helpers",)))
    error = one_line_error(wastrel_passes("--plugin", plugin, "--skip", "recognize-helpers", "--list"))
    assert error == "wastrel: cannot skip recognize-helpers: needs requires it"


# -- the five-line plug-in, and programs built with plug-ins ----------------------------------------


def test_the_example_plugin_folds_and_the_program_agrees(tmp_path: Path) -> None:
    module = write(tmp_path, "add.wat", '(module (func (export "f") (result i32) (i32.add (i32.const 2147483647) (i32.const 3))))\n')
    dump = wastrel_passes("--plugin", FOLD, "--check", "--dump-after=fold-i32-add", module)
    assert dump.returncode == 0, dump.stderr
    assert "(return {br:return} (i32.const -2147483646))" in dump.stdout
    out = tmp_path / "c"
    out.mkdir()
    result = wastrel("compile", "--plugin", FOLD, module, "-o", tmp_path / "prog", "--emit-c", out)
    assert result.returncode == 0, result.stderr
    assert "return (uint32_t)-2147483646;" in (out / "add.c").read_text()
    assert subprocess.run([tmp_path / "prog"], capture_output=True, text=True, env={**os.environ, "WASTREL_OPTIONS": "--invoke f"}).stdout == "-2147483646\n"


SWAP = """from wastrel.ir.nodes import Op
from wastrel.passes.framework import Rewriter, declare_rewrite

@declare_rewrite("swap", "effects")
class Swap(Rewriter):
    def leave_Op(self, op):
        return Op("{new}", op.args, op.imm, effect=op.effect) if op.op == "i32.add" else op
"""


def test_a_plugin_changes_what_run_runs_and_the_cache_follows(tmp_path: Path) -> None:
    module = write(tmp_path, "add.wat", ADD)
    swap = tmp_path / "swap.py"

    def run(*options: str | Path) -> str:
        result = wastrel("run", *options, "--invoke", "f", module)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert run() == "5\n"
    swap.write_text(SWAP.format(new="i32.sub"))
    assert run("--plugin", swap) == "-1\n"
    swap.write_text(SWAP.format(new="i32.mul"))  # same path, new source: a new program
    assert run("--plugin", swap) == "6\n"
    assert run() == "5\n"


def test_skipped_passes_plugins_and_compiled_options_are_in_the_cache_key(tmp_path: Path) -> None:
    toolchain = Toolchain()
    built_in = _program_key(ADD.encode(), toolchain, frozenset())
    assert _program_key(ADD.encode(), toolchain, frozenset({"recognize-helpers"})) != built_in
    assert _program_key(ADD.encode(), toolchain, frozenset()) == built_in
    assert _program_key(ADD.encode(), toolchain, frozenset(), ["--dir", "."]) not in (built_in, _program_key(ADD.encode(), toolchain, frozenset(), ["--dir", ".."]))


# -- installed plug-ins: the entry-point group ----------------------------------------------


def installed(tmp_path: Path, module_text: str) -> dict[str, str]:
    """An environment in which a distribution declaring a `wastrel.passes`
    entry point is installed (a dist-info directory on PYTHONPATH)."""
    site = tmp_path / "site"
    info = site / "course_passes-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: course-passes\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wastrel.passes]\nprobe = course_probe\n")
    (site / "course_probe.py").write_text(module_text)
    env = {k: v for k, v in os.environ.items() if k != "WASTREL_DISABLE_PLUGIN_AUTOLOAD"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    return env


def passes_in(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def test_an_installed_plugin_is_loaded_and_listed(tmp_path: Path) -> None:
    env = installed(tmp_path, probe("course-probe", "tree", ("stack-to-tree",)))
    result = passes_in(env, "--list")
    order = listed(result)
    assert order[order.index("stack-to-tree") + 1] == "course-probe"
    assert f"[plugin {tmp_path / 'site' / 'course_probe.py'}]" in result.stdout
    assert passes_in(env, MULTI3).stderr == "course-probe received Program\n"
    env["WASTREL_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    assert listed(passes_in(env, "--list")) == BUILT_IN


def test_a_broken_installed_plugin_is_one_line(tmp_path: Path) -> None:
    env = installed(tmp_path, "\n\nimport no_such_module_here\n")
    error = one_line_error(passes_in(env, "--list"))
    assert error == f"wastrel: {tmp_path / 'site' / 'course_probe.py'}:3: cannot load plugin: ModuleNotFoundError: No module named 'no_such_module_here'"


# -- the framework helpers a plug-in is written with ---------------------------------------------


def test_a_rewriter_defines_visit_or_leave_not_both() -> None:
    with pytest.raises(TypeError, match="both visit_Op and leave_Op"):

        class Both(Rewriter):
            def visit_Op(self, op: object) -> object:
                return op

            def leave_Op(self, op: object) -> object:
                return op
