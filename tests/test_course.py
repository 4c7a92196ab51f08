"""The course (docs/course.md) never rots.

For each reference solution of its exercises (examples/passes/NAME.py, with
its input examples/passes/tests/NAME.wat):

* golden: the dump before and after its pass, compared with
  examples/passes/tests/expected/NAME.txt (update with `--snapshot-update`,
  then read the diff);
* behaviour: every export of its input, called with edge-case arguments in
  wasmtime and in programs wastrel builds without the pass, with it, and
  with all four solutions, gives the same results and the same traps; all
  four also run on the golden cases of tests/golden_cases against
  wasmtime's answers (expected.json); constant folding is also checked
  operator by operator against wasmtime;
* the rewrite happened: the functions it should change changed, the ones
  it must leave alone (traps, impure operands, ...) did not.

And the commands course.md shows (each line `$ wastrel...`) still run, and
the key lines of their outputs are still there (key lines only, so that a
small change of notation is a change of the golden files, not of this).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import wasmtime
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tests.test_golden_behaviour import EXPECTED, check_calls
from wastrel.passes.framework import PASSES

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "docs" / "course.md"
EXAMPLES = ROOT / "examples" / "passes"
INPUTS = EXAMPLES / "tests"
GOLDEN_CASES = ROOT / "tests" / "golden_cases"

#: Each reference solution (examples/passes/NAME.py): the pass it declares, in which language.
SOLUTIONS = {
    "fold_constants": ("fold-constants", "tree"),
    "eliminate_dead_code": ("eliminate-dead-code", "flushed"),
    "reduce_strength": ("reduce-strength", "effects"),
    "reuse_values": ("reuse-values", "effects"),
}
ALL_FOUR = [EXAMPLES / f"{name}.py" for name in SOLUTIONS]
ENGINE = wasmtime.Engine()


def solution(name: str) -> Path:
    return EXAMPLES / f"{name}.py"


def run_in_root(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`wastrel ARGS` or `wastrel-passes ARGS` (args[0]) as a student types it, in the repository root."""
    command, rest = str(args[0]), [str(a) for a in args[1:]]
    if command == "wastrel-passes":
        code = "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))"
        argv = [sys.executable, "-c", code, *rest]
    else:
        assert command == "wastrel", command
        argv = [sys.executable, "-m", "wastrel", *rest]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def dump(name: str, *plugins: Path) -> str:
    """The program before and after the solution's pass, checked (`--check`)."""
    pass_name = SOLUTIONS[name][0]
    plugin_args = [a for p in (plugins or (solution(name),)) for a in ("--plugin", p)]
    result = run_in_root("wastrel-passes", "--check", *plugin_args, f"--dump-before={pass_name}", f"--dump-after={pass_name}", INPUTS / f"{name}.wat")
    assert result.returncode == 0, result.stderr
    return result.stdout


def functions(text: str) -> dict[str, str]:
    """A dump of one language, function by function: name -> text."""
    return {re.match(r"\(func \$(\S+)", f)[1]: f for f in text.strip().split("\n\n")}  # type: ignore[index]


def before_and_after(name: str) -> tuple[dict[str, str], dict[str, str]]:
    text = dump(name)
    before, after = text.split(";; after ", 1)
    return functions(before.split("\n", 1)[1]), functions(after.split("\n", 1)[1])


# -- golden dumps --------------------------------------------------------------------


class ExpectedDump(SingleFileSnapshotExtension):
    """examples/passes/tests/expected/NAME.txt"""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
        return str(INPUTS / "expected")

    @classmethod
    def get_file_basename(cls, *, test_location, index) -> str:  # type: ignore[no-untyped-def]
        return str(index)

    @classmethod
    def matches_test_location(cls, *, test_location, snapshot_location: str) -> bool:  # type: ignore[no-untyped-def]
        return Path(snapshot_location).parent == INPUTS / "expected"


@pytest.mark.parametrize("name", SOLUTIONS)
def test_the_dump_of_each_solution_is_as_expected(name: str, snapshot) -> None:  # type: ignore[no-untyped-def]
    assert dump(name) == snapshot.use_extension(ExpectedDump)(name=name)


@pytest.mark.parametrize("name", SOLUTIONS)
def test_each_solution_declares_what_its_header_says(name: str) -> None:
    pass_name, language = SOLUTIONS[name]
    text = solution(name).read_text()
    assert text.startswith(f'"""pass: {pass_name} : {language} -> {language}\n')
    listed = run_in_root("wastrel-passes", "--plugin", solution(name), "--list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if line.startswith(pass_name + " "))
    assert line.split()[1:5] == [language, "->", language, "[plugin"]


# -- behaviour: the same results as wasmtime and as without the pass ------------------

#: Arguments for a one-parameter export, and for each parameter of a two-parameter one.
EDGE = {
    "i32": [0, 1, -1, 2, 3, 7, -7, 8, -8, 15, 1024, -1025, 2**30, 2**31 - 1, -(2**31), -(2**31) + 1, 123456789, -987654321],
    "i64": [0, 1, -1, 7, -7, 8, -9, 2**32, -(2**32) - 5, 2**62, 2**63 - 1, -(2**63), -(2**63) + 1, 1234567890123, -98765432109876],
}
PAIRS = {"i32": [0, 1, -1, 7, -(2**31)], "i64": [0, 1, -1, 7, -(2**63)]}
TRAPS = {
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "integer overflow",
    wasmtime.TrapCode.UNREACHABLE: "unreachable",
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
}

Call = tuple[str, tuple[int, ...]]


def calls_for(wat: Path) -> list[Call]:
    """Every exported function called with edge-case arguments, each call
    followed by one of `calls` where the module exports it (what ran)."""
    module = wasmtime.Module(ENGINE, wat.read_text())
    exports = {e.name: e.type for e in module.exports if isinstance(e.type, wasmtime.FuncType)}
    calls: list[Call] = []
    for name, type_ in exports.items():
        assert type_.results, f"{name}: an export without results cannot be told from a trap"
        if name == "calls":
            continue
        params = [str(p) for p in type_.params]
        for args in itertools.product(*([EDGE[t] for t in params] if len(params) == 1 else [PAIRS[t] for t in params])):
            calls.append((name, args))
            if "calls" in exports:
                calls.append(("calls", ()))
    return calls


def in_wasmtime(wat: Path, calls: list[Call]) -> list[str]:
    """Each call's results, or its trap, made in order on one instance."""
    store = wasmtime.Store(ENGINE)
    exports = wasmtime.Instance(store, wasmtime.Module(ENGINE, wat.read_text()), []).exports(store)
    outcomes = []
    for name, args in calls:
        try:
            results = exports[name](store, *args)  # type: ignore[operator]
        except wasmtime.Trap as trap:
            outcomes.append(f"trap: {TRAPS[trap.trap_code]}")
        else:
            outcomes.append(" ".join(map(str, results if isinstance(results, (list, tuple)) else [results])))
    return outcomes


def in_wastrel(wat: Path, calls: list[Call], plugins: list[Path], program: Path) -> list[str]:
    """The same, in the program `wastrel compile --plugin ...` builds."""
    built = run_in_root("wastrel", "compile", *[a for p in plugins for a in ("--plugin", p)], wat, "-o", program)
    assert built.returncode == 0, built.stderr
    script = "".join(" ".join([name, *map(str, args)]) + "\n" for name, args in calls)
    run = subprocess.run([program], env={**os.environ, "WASTREL_OPTIONS": "--invoke-lines"}, input=script, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    outputs = run.stdout.split("--\n")
    assert len(outputs) == len(calls) + 1
    traps = iter(run.stderr.splitlines())
    return [" ".join(out.split()) if out else "trap: " + next(traps).removeprefix("wasm trap: ") for out in outputs[:-1]]


@pytest.mark.parametrize("name", SOLUTIONS)
def test_programs_built_with_each_solution_behave_as_without_it_and_as_wasmtime(name: str, tmp_path: Path) -> None:
    wat = INPUTS / f"{name}.wat"
    calls = calls_for(wat)
    expected = in_wasmtime(wat, calls)
    assert any(outcome.startswith("trap: ") for outcome in expected) or name == "reuse_values"
    for label, plugins in [("without", []), ("with", [solution(name)]), ("all four", ALL_FOUR)]:
        got = in_wastrel(wat, calls, plugins, tmp_path / label.replace(" ", "_"))
        mismatches = [(call, want, outcome) for call, want, outcome in zip(calls, expected, got) if want != outcome]
        assert not mismatches, f"{label} {name}: (call, wasmtime, wastrel) {mismatches[:5]}"


@pytest.mark.parametrize("case", sorted(EXPECTED), ids=str)
def test_the_golden_cases_built_with_all_four_solutions_give_wasmtimes_answers(case: str, tmp_path: Path) -> None:
    program = tmp_path / case
    built = run_in_root("wastrel", "compile", *[a for p in ALL_FOUR for a in ("--plugin", p)], GOLDEN_CASES / f"{case}.wat", "-o", program)
    assert built.returncode == 0, built.stderr
    check_calls(program, case)


def test_wastrel_run_loads_a_solution_and_a_constant_division_by_zero_still_traps() -> None:
    wat = INPUTS / "fold_constants.wat"
    ran = run_in_root("wastrel", "run", "--plugin", solution("fold_constants"), "--invoke", "overflow", wat)
    assert (ran.returncode, ran.stdout, ran.stderr.splitlines()[0]) == (134, "", "wasm trap: integer overflow")
    ran = run_in_root("wastrel", "run", "--plugin", solution("fold_constants"), "--invoke", "guarded", wat, "0")
    assert (ran.returncode, ran.stdout) == (0, "7\n"), ran.stderr


# -- constant folding, operator by operator --------------------------------------------

BINARY = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr".split()
COMPARISONS = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u".split()


def load_solution(name: str) -> ModuleType:
    """The solution's module, imported here without registering its pass
    (this process's other tests build the built-in pipeline)."""
    saved = dict(PASSES)
    try:
        spec = importlib.util.spec_from_file_location(f"course_solution_{name}", solution(name))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        PASSES.clear()
        PASSES.update(saved)


def operands(width: int) -> list[int]:
    top = 2 ** (width - 1)
    return [0, 1, -1, 2, -2, 3, 7, -7, width - 1, width, width + 1, 2 * width, top - 1, -top, -top + 1, 2 ** (width - 2), 0x5A5A5A5A, -0x12345679]


@pytest.mark.parametrize("type_", ["i32", "i64"])
def test_fold_computes_what_wasmtime_computes_and_nothing_that_traps(type_: str) -> None:
    fold = load_solution("fold_constants").fold
    ops = BINARY + COMPARISONS
    text = "".join(
        f'(func (export "{op}") (param {type_} {type_}) (result {"i32" if op in COMPARISONS else type_}) ({type_}.{op} (local.get 0) (local.get 1)))\n' for op in ops
    )
    store = wasmtime.Store(ENGINE)
    exports = wasmtime.Instance(store, wasmtime.Module(ENGINE, f"(module {text})"), []).exports(store)
    traps = 0
    for op in ops:
        for a, b in itertools.product(operands(int(type_[1:])), repeat=2):
            try:
                want = exports[op](store, a, b)  # type: ignore[operator]
            except wasmtime.Trap:
                want = None
                traps += 1
            assert fold(f"{type_}.{op}", a, b) == want, f"{type_}.{op} {a} {b}"
    assert traps > 0


def test_folded_programs_compute_what_wasmtime_computes(tmp_path: Path) -> None:
    """Every operator on constants, compiled with the pass: only the
    trapping ones are left, and every function gives wasmtime's answer."""
    values = {"i32": [0, 1, -1, 33, -(2**31)], "i64": [0, -1, 65, 2**63 - 1, -(2**63)]}
    funcs, calls = [], []
    for type_, ops in itertools.product(["i32", "i64"], [BINARY + COMPARISONS]):
        for op, (a, b) in itertools.product(ops, itertools.product(values[type_], repeat=2)):
            name = f"{type_}.{op}/{a}/{b}"
            result = "i32" if op in COMPARISONS else type_
            funcs.append(f'(func (export "{name}") (result {result}) ({type_}.{op} ({type_}.const {a}) ({type_}.const {b})))')
            calls.append((name, ()))
    wat = tmp_path / "every_operator.wat"
    wat.write_text("(module\n" + "\n".join(funcs) + ")\n")
    expected = in_wasmtime(wat, calls)
    assert in_wastrel(wat, calls, [solution("fold_constants")], tmp_path / "program") == expected
    folded = run_in_root("wastrel-passes", "--plugin", solution("fold_constants"), "--dump-after=fold-constants", wat)
    left = re.findall(r"\(return \((i\d\d\.(?!const)\w+) ", folded.stdout)
    assert len(left) == sum(outcome.startswith("trap: ") for outcome in expected) > 0
    assert set(left) <= {"i32.div_s", "i32.div_u", "i32.rem_s", "i32.rem_u", "i64.div_s", "i64.div_u", "i64.rem_s", "i64.rem_u"}


# -- the rewrites happened (and only where they may) --------------------------------------


def test_fold_leaves_only_the_operations_that_trap() -> None:
    _, after = before_and_after("fold_constants")
    on_constants = re.compile(r"\((?:i32|i64)\.\w+(?: \((?:i32|i64)\.const -?\d+\))+\)")
    assert {f: on_constants.findall(text) for f, text in after.items() if on_constants.search(text)} == {
        "div_by_zero": ["(i32.div_s (i32.const 1) (i32.const 0))"],
        "overflow": ["(i32.div_s (i32.const -2147483648) (i32.const -1))"],
        "rem_by_zero": ["(i64.rem_u (i64.const 1) (i64.const 0))"],
        "guarded": ["(i32.div_u (i32.const 1) (i32.const 0))"],
    }
    assert "(return (i32.const -2147483648))" in after["wrap"]
    assert "(return (i32.add (local.get $x) (i32.const 12))))" in after["nested"]
    assert "(return (i64.const 3))" in after["rotate"]


def test_dead_code_is_gone_and_what_has_effects_stays() -> None:
    before, after = before_and_after("eliminate_dead_code")
    assert "(if " not in after["constant_if"] and "(i32.const 2)" not in after["constant_if"] and "(i32.const 3)" not in after["constant_if"]
    assert "(call $log {r:G w:G t:any} (i32.const 1))" in after["constant_if"]
    assert "br_if" not in after["after_branch"] and "br_table" not in after["after_branch"]
    assert [digit for digit in "4567" if f"(i32.const {digit}))" in after["after_branch"]] == ["5", "7"]
    assert "i32.mul" not in after["drops"] and "global.get" not in after["drops"]
    assert "(i32.div_u" in after["drops"] and "(call $id" in after["drops"]
    assert "unreachable" in before["loop_exit"] and "unreachable" not in after["loop_exit"]
    assert after["after_folding"] == before["after_folding"]  # its condition is constant only once folded
    with_folding = functions(dump("eliminate_dead_code", solution("fold_constants"), solution("eliminate_dead_code")).split(";; after ", 1)[1].split("\n", 1)[1])
    assert "(i32.const 9)" not in with_folding["after_folding"] and "br_if" not in with_folding["after_folding"]
    assert after["log"] == before["log"] and after["id"] == before["id"]


def test_strength_is_reduced_where_it_is_safe() -> None:
    before, after = before_and_after("reduce_strength")
    for f in ["double", "mul", "mul_first", "mul_top", "div_u", "rem_u", "div_s", "rem_s", "div_s_big", "by_one", "div_s_pending"]:
        assert not re.search(r"\.(mul|div|rem)", after[f]), after[f]
    assert "(i32.shl (local.get $x) (i32.const 3))" in after["mul"]
    assert "(i64.and (local.get $x) (i64.const 1023))" in after["rem_u"]
    for f in ["div_s_negative", "div_s_min", "div_s_impure", "div_by_zero", "not_a_power", "bump"]:
        assert after[f] == before[f]


def test_values_are_reused_only_where_nothing_changed_them() -> None:
    before, after = before_and_after("reuse_values")
    assert "(local.set $b {r:$x,$y,$a w:$b} (i32.add (local.get $a) (i32.const 1)))" in after["reused"]
    assert "(local.set $b {r:G,$x,$a w:$b} (local.get $a))" in after["reads_global"]
    assert after["reads_global"].count("(global.get 0)") == 2  # the last one comes after a call
    assert "(i32.add (local.get $i) (local.get $a))" in after["across_a_loop"]
    assert "(loop $loop1 {r:$i w:$i t:loop}" in after["across_a_loop"]  # a loop's effect has no branch to itself
    for f in ["input_changed", "changed_inside", "own_input", "traps_are_not_pure", "touch"]:
        assert after[f] == before[f]


# -- the commands of the course -------------------------------------------------------------

COMMANDS = [line[2:] for line in COURSE.read_text().splitlines() if line.startswith("$ wastrel")]

#: A fragment naming one command of the course -> what lines of its output must
#: hold (runs of blanks compared as one space).  Other commands must merely succeed.
KEY_LINES = {
    "wastrel-passes --list": ["stack-to-tree wasm -> tree", "annotate-effects tree -> effects", "lower-control flushed -> c", "c-print c -> C"],
    "--dump-after=effects --function fib": [
        "(if $if1 (result $if1_r0) {r:G,$n w:G,$if1_r0 t:any} (i32.lt_s (local.get $n) (i32.const 2))",
        "(br $if1 {r:$n w:$if1_r0 br:$if1} (local.get $n))",
        "(return {r:$if1_r0 br:return} (local.get $if1_r0))",
    ],
    "--describe-language effects": ["language effects: tree with the effect of every node annotated", "r:G,$x may read global state (G) and the local printed as $x", "any a call: anything, stack exhaustion included"],
    "--dump-after=wasm --function fib": ["if [] -> [i32]", "call $fib"],
    "--dump-after=tree --function fib": ["(br $if1 (local.get $n))", "(return (local.get $if1_r0))"],
    "--dump-after=tree --function load_call_load": ["(let (t1) (i32.load (local.get $p)))", "(eval (call $clobber (local.get $p)))", "(return (i32.add t1 (i32.load (local.get $p))))"],
    "--dump-after=c --function fib": ["(c.if (i32.lt_s (local.get $n) (i32.const 2))", "(local.set $if1_r0 {r:$n w:$if1_r0} (local.get $n))"],
    "--dump-after=C --function fib": ["h1 = f_fib(n - 1u);", "if1_r0 = h1 + f_fib(n - 2u);"],
    "--dump-after=C --function load_call_load": ["t1 = w_i32_load(m0, p);", "f_clobber(p);", "return t1 + w_i32_load(m0, p);"],
    "--print-changed --function=fib": ["+ (local.set $h1 {r:G,$n w:G,$h1 t:any} (call $fib {r:G,$n w:G t:any} (i32.sub (local.get $n) (i32.const 1))))"],
    "--graph cfg --function sum_to --dump-after=tree": ['digraph "cfg" {', '"b3" -> "b2" [label="br $loop2", back="true", style="dashed", color="blue"]'],
    "--plugin examples/passes/fold_constants.py --plugin examples/passes/reuse_values.py": [
        "fold-constants tree -> tree [plugin examples/passes/fold_constants.py]",
        "reuse-values effects -> effects [plugin examples/passes/reuse_values.py]",
        "reduce-strength effects -> effects [plugin examples/passes/reduce_strength.py]",
        "eliminate-dead-code flushed -> flushed [plugin examples/passes/eliminate_dead_code.py]",
    ],
    "--skip fold-constants": ["return x + (1u + 2u) * 4u;"],
    "times_two_wrong.py": ["internal error in pass times-two (plugin examples/passes/tests/times_two_wrong.py): LanguageError: effects: in double: Op has no effect annotation"],
    "--dump-after=fold-constants --function nested": ["(return (i32.add (local.get $x) (i32.const 12)))", "(return (i32.div_s (i32.const 1) (i32.const 0)))"],
    "--invoke div_by_zero": ["wasm trap: integer divide by zero"],
    "--dump-after=eliminate-dead-code --function drops": ["(eval {r:$x t:div} (i32.div_u {r:$x t:div} (i32.const 1) (local.get $x)))"],
    "--print-changed --function after_folding": [
        "+ (br_if $block1 (i32.const 1))",
        "- (br_if $block1 {br:$block1} (i32.const 1))",
        "- (eval {r:G w:G t:any} (call $log {r:G w:G t:any} (i32.const 9)))",
        "+ (br $block1 {br:$block1})",
    ],
    "--dump-after=reduce-strength --function div_u": ["(return {r:$x t:div br:return} (i32.shr_u (local.get $x) (i32.const 4)))"],
    "--dump-after=C --function div_s": ["return (uint32_t)((int32_t)(x + ((uint32_t)((int32_t)x >> 31) >> 30)) >> 2);"],
    "--dump-after=reuse-values --function reused": ["(local.set $b {r:$x,$y,$a w:$b} (i32.add (local.get $a) (i32.const 1)))"],
}
#: `wastrel run` commands -> their whole output.
STDOUT = {"--invoke wrap": "-2147483648\n", "--invoke rem_min": "0\n", "--invoke div_s": "-1\n"}
#: Commands that end otherwise than with status 0, on purpose.
STATUS = {"times_two_wrong.py": 70, "--invoke div_by_zero": 134}


def the_command(fragment: str) -> str:
    matching = [c for c in COMMANDS if fragment in c]
    assert len(matching) == 1, f"{fragment!r} names {len(matching)} commands of docs/course.md"
    return matching[0]


def test_every_key_line_belongs_to_one_command_of_the_course() -> None:
    for fragment in [*KEY_LINES, *STDOUT, *STATUS]:
        the_command(fragment)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[:90])
def test_the_commands_of_the_course_still_say_what_it_says(command: str, tmp_path: Path) -> None:
    args = shlex.split(command)
    if "-o" in args:  # a picture: made where the test can look at it
        i = args.index("-o") + 1
        if not shutil.which("dot"):
            pytest.skip("Graphviz's dot is not installed")
        args[i] = str(tmp_path / Path(args[i]).name)
    result = run_in_root(*args)
    fragments = [f for f in KEY_LINES if f in command]
    status = next((s for f, s in STATUS.items() if f in command), 0)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    output = [" ".join(line.split()) for line in (result.stdout + result.stderr).splitlines()]
    for fragment in fragments:
        for key in KEY_LINES[fragment]:
            key = " ".join(key.split())
            assert any(key in line for line in output), f"{command}: no line with {key!r}"
    for fragment in [f for f in STDOUT if f in command]:
        assert result.stdout == STDOUT[fragment]
    if "-o" in args:
        assert "<svg" in Path(args[args.index("-o") + 1]).read_text()
    if "--check" in args and not fragments and status == 0:
        assert result.stdout == result.stderr == ""


def test_the_code_the_course_quotes_is_the_code_of_the_example() -> None:
    quoted = re.search(r"`examples/passes/fold_i32_add.py` is a whole pass:\n\n```python\n(.*?)```", COURSE.read_text(), re.S)
    assert quoted, "docs/course.md no longer quotes examples/passes/fold_i32_add.py"
    assert quoted[1] in (EXAMPLES / "fold_i32_add.py").read_text()


def test_strength_reduced_programs_compute_what_wasmtime_computes(tmp_path: Path) -> None:
    """x * c, x / c and x % c for every power of two c = 2**k and its
    negation, of both widths, with the pass: the same as wasmtime on every
    edge-case x."""
    funcs, calls, reducible = [], [], 0
    for type_, width in [("i32", 32), ("i64", 64)]:
        for op, k, sign in itertools.product(["mul", "div_u", "div_s", "rem_u", "rem_s"], range(width), [1, -1]):
            name = f"{type_}.{op}/{sign * 2**k}"
            funcs.append(f'(func (export "{name}") (param $x {type_}) (result {type_}) ({type_}.{op} (local.get $x) ({type_}.const {sign * 2**k})))')
            calls += [(name, (x,)) for x in EDGE[type_]]
            reducible += sign == 1 and not (op in ("div_s", "rem_s") and k == width - 1)
    wat = tmp_path / "powers_of_two.wat"
    wat.write_text("(module\n" + "\n".join(funcs) + ")\n")
    expected = in_wasmtime(wat, calls)
    got = in_wastrel(wat, calls, [solution("reduce_strength")], tmp_path / "program")
    mismatches = [(call, want, outcome) for call, want, outcome in zip(calls, expected, got) if want != outcome]
    assert not mismatches, mismatches[:5]
    reduced = run_in_root("wastrel-passes", "--plugin", solution("reduce_strength"), "--dump-after=reduce-strength", wat)
    left = len(re.findall(r"\(return \{[^}]*\} \(i\d\d\.(?:mul|div|rem)", reduced.stdout))
    assert len(funcs) - left >= reducible  # every positive power (and mul by 2**(w-1), negative as a constant) is gone
