"""`wastrel-passes` views, through the command line: passes named by the
language they produce, dumps limited to some functions, --print-changed,
effect sets naming locals as the code does, --describe-language for every
language --list shows; every mistake one line and exit status 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_util import one_line_error, wastrel_passes

ROOT = Path(__file__).resolve().parent.parent
RECURSION = ROOT / "tests" / "golden_cases" / "recursion.wat"  # $fac, $fib, $is_even, $is_odd
GOLDEN = ROOT / "golden"

MODULE = """\
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $fib_twice (export "twice") (param $n i32) (result i32)
    (i32.mul (call $fib (local.get $n)) (i32.const 2)))
  (func $quit (call $exit (i32.const 0))))
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "m.wat"
    path.write_text(MODULE)
    return path


def titles(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(";; ")]


def function_heads(stdout: str) -> list[str]:
    """The functions a dump shows, by the name on their first line."""
    return re.findall(r"^\(func \$([\w.]+)|^static (?:W_\w+ )?\w+ f_(\w+)\(", stdout, re.M)


# -- passes by language ------------------------------------------------------------


def test_dump_after_effects_is_annotate_effects() -> None:
    result = wastrel_passes("--dump-after=effects", RECURSION)
    assert result.returncode == 0, result.stderr
    golden = (GOLDEN / "recursion" / "annotate-effects.txt").read_text()
    assert result.stdout == ";; after annotate-effects (effects)\n" + golden.rstrip("\n") + "\n\n"


def test_a_language_names_the_pass_that_first_gives_it() -> None:
    languages = ["wasm", "tree", "effects", "flushed", "c", "C"]
    result = wastrel_passes(*(f"--dump-after={name}" for name in languages), "--dump-before=flushed", RECURSION)
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == [
        ";; after decode (wasm)",
        ";; after stack-to-tree (tree)",
        ";; after annotate-effects (effects)",
        ";; before fold-temps (effects)",
        ";; after fold-temps (flushed)",  # not sequence-operands, which keeps flushed
        ";; after lower-control (c)",
        ";; after c-print (C)",
    ]


def test_stop_after_a_language() -> None:
    result = wastrel_passes("--dump-after=all", "--stop-after=tree", RECURSION)
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout)[-1] == ";; after stack-to-tree (tree)"


@pytest.mark.parametrize("option", ["--dump-after=effect", "--dump-before=nosuch", "--stop-after=tre"])
def test_unknown_pass_or_language(option: str) -> None:
    line = one_line_error(wastrel_passes(option, RECURSION))
    name = option.split("=")[1]
    assert line.startswith(f"wastrel: unknown pass or language {name!r}; passes: decode, validate, ")
    assert "annotate-effects" in line and "; languages: bytes, wasm, tree, effects, flushed, c, C" in line


def test_the_input_language_is_no_pass() -> None:
    line = one_line_error(wastrel_passes("--dump-after=bytes", RECURSION))
    assert "no pass produces language 'bytes'" in line


def test_the_pipeline_stops_after_the_last_dump(module: Path) -> None:
    """c-print would refuse the import; nothing after lower-control is asked for."""
    result = wastrel_passes("--dump-after=c", module)
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == [";; after lower-control (c)"]


# -- effects name locals -------------------------------------------------------------


def test_effects_name_locals_as_local_get_does() -> None:
    result = wastrel_passes("--dump-after=sequence-operands", "--function=fib", RECURSION)
    assert result.returncode == 0, result.stderr
    assert "(local.set $h1 {r:G,$n w:G,$h1 t:any} (call $fib {r:G,$n w:G t:any} (i32.sub (local.get $n) (i32.const 1))))" in result.stdout
    assert "(br $if1 {r:$n w:$if1_r0 br:$if1} (local.get $n))" in result.stdout
    braces = re.findall(r"\{[^{}]*\}", result.stdout)
    assert braces and not [b for b in braces if re.search(r"[:,]l\d", b)]


# -- --function ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, chosen",
    [("fib", ["fib"]), ("$fib", ["fib"]), ("twice", ["fib_twice"]), ("2", ["fib_twice"]), ("fi[b]", ["fib"]), ("$fib*", ["fib", "fib_twice"])],
    ids=["name", "dollar", "export", "index", "pattern", "dollar-pattern"],
)
def test_function_by_name_export_index_or_pattern(module: Path, pattern: str, chosen: list[str]) -> None:
    result = wastrel_passes("--dump-after=wasm", "--dump-after=effects", f"--function={pattern}", module)
    assert result.returncode == 0, result.stderr
    assert [a or b for a, b in function_heads(result.stdout)] == chosen * 2
    assert "(import" not in result.stdout  # module-level parts are left out


def test_function_patterns_and_exports_in_c(tmp_path: Path) -> None:
    path = tmp_path / "no_import.wat"
    path.write_text(MODULE.replace('(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))', "(func $exit (param i32))"))
    result = wastrel_passes("--dump-after=C", "--function=$fib*", "--function=exit", path)
    assert result.returncode == 0, result.stderr
    assert [a or b for a, b in function_heads(result.stdout)] == ["exit", "fib", "fib_twice"]
    assert "static W_NO_TAIL_CALLS uint32_t f_fib(uint32_t n) {" in result.stdout
    assert "w_program_instantiate" not in result.stdout and "#include" not in result.stdout
    whole = wastrel_passes("--dump-after=C", path)
    assert "w_program_instantiate" in whole.stdout and "static W_NO_TAIL_CALLS void f_quit(void)" in whole.stdout


def test_a_pattern_matching_nothing(module: Path) -> None:
    line = one_line_error(wastrel_passes("--dump-after=tree", "--function=fact*", module))
    assert line == "wastrel: --function 'fact*' matches no function; functions: $fib, $fib_twice, $quit"


def test_imported_functions_have_no_code(module: Path) -> None:
    line = one_line_error(wastrel_passes("--dump-after=tree", "--function=$exit", module))
    assert "matches no function" in line


def test_function_without_a_view_is_a_mistake(module: Path) -> None:
    line = one_line_error(wastrel_passes("--function=fib", module))
    assert "--function chooses what" in line


def test_dump_before_all_of_one_function(module: Path) -> None:
    result = wastrel_passes("--dump-before=all", "--function=quit", "--stop-after=annotate-effects", module)
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == [
        ";; before decode (bytes)",
        ";; before validate (wasm)",
        ";; before recognize-helpers (wasm)",
        ";; before stack-to-tree (wasm)",
        ";; before annotate-effects (tree)",
    ]
    assert f"{module}: {module.stat().st_size} bytes" in result.stdout
    assert [a or b for a, b in function_heads(result.stdout)] == ["quit"] * 4


# -- --print-changed -----------------------------------------------------------------------


def changes(stdout: str) -> dict[str, str]:
    """Pass name -> what its heading says after the colon."""
    return dict(re.findall(r"^;; ([\w-]+) \(\S+ -> \S+\): (.*)$", stdout, re.M))


def diff_of(stdout: str, pass_name: str) -> list[str]:
    section = stdout.split(f";; {pass_name} (", 1)[1].split("\n;; ", 1)[0]
    return section.splitlines()[1:]


def after_side(diff: list[str]) -> str:
    """The new text of a one-hunk diff that covers the whole function."""
    assert sum(line.startswith("@@") for line in diff) == 1
    return "\n".join(line[1:] for line in diff[3:] if line[:1] in (" ", "+"))


def test_print_changed_of_one_function() -> None:
    result = wastrel_passes("--print-changed", "--function=fib", RECURSION)
    assert result.returncode == 0, result.stderr
    assert changes(result.stdout) == {
        "decode": "the module as read",
        "validate": "no change",
        "recognize-helpers": "no change",
        "stack-to-tree": "changed $fib",
        "annotate-effects": "changed $fib",
        "fold-temps": "no change",
        "sequence-operands": "changed $fib",
        "limit-expression-depth": "no change",
        "lower-control": "changed $fib",
        "remove-dead-stores": "no change",
        "shape-loops": "no change",
        "tidy-c": "changed $fib",
        "remove-unused-labels": "changed $fib",
        "c-print": "changed $fib",
    }
    flush = diff_of(result.stdout, "sequence-operands")
    assert flush[:2] == ["--- $fib before sequence-operands (flushed)", "+++ $fib after sequence-operands (flushed)"]
    assert "+      (local.set $h1 {r:G,$n w:G,$h1 t:any} (call $fib {r:G,$n w:G t:any} (i32.sub (local.get $n) (i32.const 1))))" in flush
    assert "-  (local $if1_r0 i32)" in flush and "+  (local $if1_r0 i32) (local $h1 i32)" in flush
    # A change of language is a diff too, and its new side is the next dump.
    for pass_name, language in (("stack-to-tree", "tree"), ("c-print", "C")):
        dump = wastrel_passes(f"--dump-after={pass_name}", "--function=fib", RECURSION).stdout
        assert after_side(diff_of(result.stdout, pass_name)) == dump.split("\n", 1)[1].rstrip("\n"), language


def test_print_changed_of_every_function() -> None:
    result = wastrel_passes("--print-changed", "--stop-after=annotate-effects", RECURSION)
    assert result.returncode == 0, result.stderr
    assert changes(result.stdout)["annotate-effects"] == "changed $fac, $fib, $is_even, $is_odd"
    assert [line for line in result.stdout.splitlines() if line.startswith("+++ ")] == [
        f"+++ ${name} after {p} ({language})"
        for p, language in (("stack-to-tree", "tree"), ("annotate-effects", "effects"))
        for name in ("fac", "fib", "is_even", "is_odd")
    ]


# -- --describe-language -------------------------------------------------------------------


def listed_languages() -> list[str]:
    listing = wastrel_passes("--list").stdout
    found: list[str] = []
    for takes, gives in re.findall(r"^\S+\s+(\S+) -> (\S+)", listing, re.M):
        found += [x for x in (takes, gives) if x not in found]
    return found


def test_every_listed_language_is_described() -> None:
    languages = listed_languages()
    assert languages == ["bytes", "wasm", "tree", "effects", "flushed", "c", "C"]
    for name in languages:
        result = wastrel_passes("--describe-language", name)
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout.startswith(f"language {name}: "), name
        legend = "t:KIND" in result.stdout
        assert legend == (name in ("effects", "flushed", "c")), name
        if legend:
            for kind in ("mem", "div", "ovf", "conv", "table", "indirect", "unreachable", "loop", "any"):
                assert re.search(rf"^ +{kind} +\S", result.stdout, re.M), (name, kind)
            assert "r:G,$x" in result.stdout and "br:$l" in result.stdout


def test_wasm_and_c_descriptions_come_from_their_classes() -> None:
    wasm = wastrel_passes("--describe-language", "wasm").stdout
    assert "Instr(op: str, args: tuple, offset: int)" in wasm and "`call_indirect`: `(typeidx, tableidx)`" in wasm
    c_text = wastrel_passes("--describe-language", "C").stdout
    assert "CModule(head: str" in c_text and "functions: tuple[str, ...]" in c_text


def test_unknown_language() -> None:
    line = one_line_error(wastrel_passes("--describe-language", "ast"))
    assert line == "wastrel: unknown language 'ast'; languages: bytes, wasm, tree, effects, flushed, c, C"


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    """`wastrel-passes ... | head`: the reader leaves; no traceback, no error line."""
    path = tmp_path / "big.wat"
    path.write_text("(module " + " ".join(f"(func $f{i} (result i32) (i32.const {i}))" for i in range(300)) + ")")
    code = "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", code, "--dump-after=all", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141
    assert stderr == ""
