"""Each pass in isolation, on input written in its own input language, plus
the pass manager and the languages.  (The golden snapshots show every pass on
whole modules; these pin the rules one at a time.)"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import math
import operator
import random
import weakref
from dataclasses import replace
from pathlib import Path

import pytest

from wastrel.ir import effects as fx
from wastrel.backend_c.c_print import ModulePrinter
from wastrel.backend_c.kept import KeptAssignments
from wastrel.ir import nodes as n
from wastrel.ir.effects import GLOBAL, Effect, conflicts, local_bit
from wastrel.ir.languages import C, EFFECTS, FLUSHED, TREE, LanguageError
from wastrel.ir.printer import format_function
from wastrel.ir.wasm import Export, Func, FuncType, Instr, Module, per_module
from wastrel.passes.annotate_effects import annotate_effects
from wastrel.passes.fold_temps import fold_temps
from wastrel.passes import framework
from wastrel.passes.framework import PASSES, PassInfo, Rewriter
from wastrel.passes.lower_control import lower_control
from wastrel.passes.manager import PipelineError, RunOptions, build_pipeline, run_pipeline
from wastrel.passes.recognize_helpers import REFERENCES, multi3_terms, parse_code, recognize_helpers
from wastrel.passes.sequence_operands import sequence_operands
from wastrel.passes.limit_expression_depth import MAX_DEPTH, limit_expression_depth
from wastrel.ir.fast_init import fast_init
from wastrel.passes.stack_to_tree import stack_to_tree

I32 = "i32"


def module_with(body: list[tuple], params: tuple[str, ...] = (I32, I32), results: tuple[str, ...] = (I32,), locals_: tuple[str, ...] = ()) -> Module:
    instrs = tuple(Instr(op, tuple(args)) for op, *args in body) + (Instr("end"),)
    return Module(
        types=(FuncType(params, results),),
        funcs=(Func(0, locals_, instrs),),
        exports=(Export("f", "func", 0),),
    )


def program_of(*stmts: n.Stmt, local_types: tuple[str, ...] = (I32, I32, I32, I32)) -> n.Program:
    func = n.Function(0, "f", FuncType((I32, I32), (I32,)), local_types, tuple(f"x{i}" for i in range(len(local_types))), stmts)
    return n.Program(Module(types=(func.type,)), (func,))


def body_text(program: n.Program) -> str:
    """The function's statements, one a line, without its head and locals."""
    lines = [line.strip() for line in format_function(program.funcs[0]).splitlines()[1:]]
    return "\n".join(line for line in lines if not line.startswith("(local $"))


# -- the pass manager ------------------------------------------------------------


def test_pipeline_order() -> None:
    assert [p.name for p in build_pipeline()] == [
        "decode", "validate", "recognize-helpers", "stack-to-tree", "annotate-effects", "fold-temps", "sequence-operands",
        "limit-expression-depth", "lower-control", "remove-dead-stores", "shape-loops", "tidy-c", "remove-unused-labels", "c-print",
    ]  # fmt: skip


def test_a_pass_within_a_language_runs_before_the_language_changes() -> None:
    """Not in alphabetical order: `zz-tidy` works on `flushed`, so it must
    run before lower-control leaves that language."""
    from wastrel.passes.framework import PassInfo

    passes = dict(PASSES)
    passes["zz-tidy"] = PassInfo("zz-tidy", "flushed", "flushed", ("fold-temps",), lambda p: p, "")
    order = [p.name for p in build_pipeline(passes)]
    assert order.index("fold-temps") < order.index("zz-tidy") < order.index("lower-control")


def test_each_pass_module_is_named_after_its_pass() -> None:
    for info in PASSES.values():
        module = info.run.__module__.rsplit(".", 1)[1]
        if module == "passes":  # the frontend's two passes share a module
            continue
        assert module.replace("_", "-") == info.name


def test_each_pass_has_a_teaching_header() -> None:
    for info in PASSES.values():
        assert f"pass: {info.name} : {info.takes} -> {info.gives}" in info.doc or info.name in ("decode", "validate")


def _fake(name: str, takes: str, gives: str, requires: tuple[str, ...] = ()) -> PassInfo:
    return PassInfo(name, takes, gives, requires, lambda x: x, "")


def test_the_suite_checks_every_pass_against_its_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/conftest.py sets WASTREL_CHECK_IR=1: a built-in pass that gives
    the wrong language fails whichever test runs it."""
    assert os.environ["WASTREL_CHECK_IR"] == "1"

    def leaves_a_let(program: n.Program) -> n.Program:
        func = program.funcs[0]
        return replace(program, funcs=(replace(func, body=(n.Let((0,), n.Const(I32, 1)), *func.body)),))

    monkeypatch.setitem(PASSES, "tidy-c", replace(PASSES["tidy-c"], run=leaves_a_let))
    with pytest.raises(LanguageError, match="c: in f: Let is not in this language"):
        run_pipeline(module_with([("local.get", 0)]), start_after="decode")


def test_missing_requirement_is_named() -> None:
    with pytest.raises(PipelineError, match="b requires nowhere"):
        build_pipeline({"a": _fake("a", "x", "y"), "b": _fake("b", "y", "z", ("nowhere",))})


def test_cycle_is_named() -> None:
    passes = {"a": _fake("a", "x", "y", ("b",)), "b": _fake("b", "y", "z")}
    with pytest.raises(PipelineError, match="cycle"):
        build_pipeline(passes)


def test_a_plugged_in_pass_takes_its_place() -> None:
    passes = dict(PASSES)
    passes["my-pass"] = _fake("my-pass", "flushed", "flushed", ("fold-temps",))
    passes["lower-control"] = _fake("lower-control", "flushed", "c", ("my-pass",))
    order = [p.name for p in build_pipeline(passes)]
    assert order.index("fold-temps") < order.index("my-pass") < order.index("lower-control")


# -- languages -------------------------------------------------------------------


def test_languages_are_deltas() -> None:
    assert FLUSHED.productions == EFFECTS.productions - {n.Let, n.TempRef} | {n.MultiSet}
    assert n.Block in FLUSHED.productions and n.Block not in C.productions
    assert "removes: Let TempRef" in FLUSHED.describe()


def test_checker_rejects_foreign_form() -> None:
    program = program_of(n.Let((2,), n.Const(I32, 1)))
    TREE.check(program)
    with pytest.raises(LanguageError, match="Let is not in this language"):
        FLUSHED.check(program)


def test_checker_requires_effects() -> None:
    with pytest.raises(LanguageError, match="no effect annotation"):
        EFFECTS.check(program_of(n.Return((n.LocalGet(0),))))


# -- effects ---------------------------------------------------------------------


def test_conflicts() -> None:
    read_x, write_x = Effect(reads=local_bit(0)), Effect(writes=local_bit(0))
    load, store = Effect(reads=GLOBAL, traps=fx.TRAP_MEMORY), Effect(writes=GLOBAL, traps=fx.TRAP_MEMORY)
    assert conflicts(read_x, write_x) and not conflicts(read_x, read_x)
    assert not conflicts(load, load), "two loads may trap only the same way"
    assert conflicts(load, store)
    assert conflicts(Effect(traps=fx.TRAP_DIVIDE), load), "different traps keep their order"
    assert conflicts(Effect(escapes=frozenset({"b"})), Effect(traps=fx.TRAP_MEMORY))
    assert not conflicts(Effect(escapes=frozenset({"b"})), read_x)


# -- recognize-helpers ---------------------------------------------------------------

I64 = "i64"
MULTI3 = FuncType((I32, I64, I64, I64, I64), ())


def multi3_module(code: str, locals_: tuple[str, ...], name: str | None = None) -> Module:
    module = Module(types=(MULTI3,), funcs=(Func(0, locals_, parse_code(code)),))
    if name is not None:
        module.names.funcs[0] = name
    return module


def evaluate(term: tuple, params: list[int]) -> int:
    """A term of recognize-helpers' symbolic evaluation, for concrete parameters."""
    if term[0] == "param":
        return params[term[1]]
    if term[0] == "const":
        return term[2]
    values = [evaluate(t, params) for t in term[1:]]
    mask = (1 << (32 if term[0].startswith("i32.") else 64)) - 1
    match term[0].split(".")[1]:
        case "add":
            return sum(values) & mask
        case "mul":
            return math.prod(values) & mask
        case "and":
            return functools.reduce(operator.and_, values)
        case "or":
            return functools.reduce(operator.or_, values)
        case "shl":
            return (values[0] << (values[1] % 64)) & mask
        case "shr_u":
            return values[0] >> (values[1] % 64)
        case "lt_u":
            return int(values[0] < values[1])
        case "extend_i32_u":
            return values[0]
    raise AssertionError(term)


def test_recognize_helpers_references_compute_the_128_bit_product() -> None:
    """The references are the trusted base: their terms must be the product."""
    rng = random.Random(3)
    edges = [0, 1, (1 << 32) - 1, 1 << 32, (1 << 63), (1 << 64) - 1]
    for lo, hi in multi3_terms():
        for _ in range(300):
            a_lo, a_hi, b_lo, b_hi = (rng.choice(edges) if rng.random() < 0.3 else rng.getrandbits(64) for _ in range(4))
            product = ((a_hi << 64 | a_lo) * (b_hi << 64 | b_lo)) % (1 << 128)
            params = [0, a_lo, a_hi, b_lo, b_hi]
            assert (evaluate(lo, params), evaluate(hi, params)) == (product % (1 << 64), product >> 64)


def test_recognize_helpers_replaces_multi3_by_its_code() -> None:
    """No name needed; other operand orders and locals are the same terms."""
    code = REFERENCES["compiler-rt"].replace("local.get 4  local.get 1  i64.mul", "local.get 1  local.get 4  i64.mul")
    result = recognize_helpers(multi3_module(code, (I64,)))
    assert [str(i.op) for i in result.funcs[0].body] == [
        "local.get", "local.get", "local.get", "i64.mul_high_u", "local.get", "local.get", "i64.mul", "i64.add",
        "local.get", "local.get", "i64.mul", "i64.add", "i64.store",  # the high half first, as before
        "local.get", "local.get", "local.get", "i64.mul", "i64.store", "end",
    ]  # fmt: skip


def test_recognize_helpers_keeps_a_function_named_multi3_that_computes_something_else() -> None:
    for wrong in ("i64.const 32  i64.shl", "i64.const 31  i64.shl"), ("i64.store 3 0", "i64.store 3 16"):
        module = multi3_module(REFERENCES["compiler-rt"].replace(*wrong), (I64,), name="__multi3")
        assert recognize_helpers(module) is module
    branching = multi3_module("local.get 0  i32.eqz  br_if 0  " + REFERENCES["compiler-rt"], (I64,), name="__multi3")
    assert recognize_helpers(branching) is branching


# -- stack-to-tree -----------------------------------------------------------------


def test_stack_to_tree_builds_one_expression() -> None:
    module = module_with([("local.get", 0), ("local.get", 1), ("i32.const", 3), ("i32.mul",), ("i32.add",)])
    assert body_text(stack_to_tree(module)) == "(return (i32.add (local.get $l0) (i32.mul (local.get $l1) (i32.const 3)))))"


def test_stack_to_tree_binds_values_that_outlive_a_statement() -> None:
    module = module_with([("local.get", 0), ("i32.const", 5), ("local.set", 0), ("local.get", 0), ("i32.add",)])
    assert body_text(stack_to_tree(module)).splitlines() == [
        "(let (t1) (local.get $l0))",
        "(local.set $l0 (i32.const 5))",
        "(return (i32.add t1 (local.get $l0))))",
    ]


def test_stack_to_tree_drops_unreachable_code() -> None:
    module = module_with([("i32.const", 1), ("return",), ("local.get", 0), ("drop",), ("i32.const", 2)])
    assert body_text(stack_to_tree(module)) == "(return (i32.const 1)))"


def test_stack_to_tree_block_result_becomes_a_local() -> None:
    module = module_with(
        [("block", FuncType((), (I32,))), ("local.get", 0), ("local.get", 1), ("br_if", 0), ("drop",), ("i32.const", 7), ("end",)]
    )
    lines = body_text(stack_to_tree(module)).splitlines()
    assert lines[0] == "(block $block1 (result $block1_r0)"
    assert "(br_if $block1 t1 (local.get $l1))" in lines
    assert lines[-2:] == ["(br $block1 (i32.const 7)))", "(return (local.get $block1_r0)))"]


def test_stack_to_tree_looks_for_throws_once_however_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A big module is made into trees a part at a time.  Looking at every
    # function's body for throws once per part made yosys.wasm (46,473
    # functions, exceptions, 679 parts) quadratic: 1.2 s of every part.
    from wastrel.frontend.load import load_module
    from wastrel.ir import throws

    source = tmp_path / "m.wat"
    calls = "".join(f"(func $f{k} (call $f{k + 1}))" for k in range(5))
    source.write_text(f"(module (tag $e) {calls} (func $f5 (throw $e)))")
    module = load_module(source)
    looked = []
    look = throws._throwing_functions
    monkeypatch.setattr(throws, "_throwing_functions", lambda m: looked.append(1) or look(m))
    trees = [stack_to_tree(module, range(k, k + 2)) for k in (0, 2, 4)]
    assert len(looked) == 1
    assert [f.name for tree in trees for f in tree.funcs] == [f"f{k}" for k in range(6)]
    assert throws.throws_of(module).functions == set(range(6))  # f5 throws, so each call may


def test_a_per_module_analysis_is_made_once_and_dropped_with_its_module() -> None:
    made = []

    @per_module
    def analysis(module: Module) -> int:
        made.append(1)
        return len(module.funcs)

    module = Module()
    assert analysis(module) == analysis(module) == 0
    assert len(made) == 1
    alive = weakref.ref(module)
    del module
    assert alive() is None  # the memo does not keep the module alive
    assert analysis(Module()) == 0
    assert len(made) == 2  # nor answers for a new module with the old one's id


# -- annotate-effects: filled in place when no one else holds the trees ----------------


def nodes_of(program: n.Program) -> list[n.Node]:
    found: list[n.Node] = []
    pending: list[n.Node] = [s for f in program.funcs for s in f.body]
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(node.children())
    return found


def test_annotate_effects_called_as_a_function_leaves_its_input_alone() -> None:
    tree = program_of(n.LocalSet(2, n.Op("i32.add", (n.LocalGet(0), n.Const(I32, 1)))), n.Return((n.LocalGet(2),)))
    annotated = annotate_effects(tree)
    assert all(node.effect is None for node in nodes_of(tree))
    EFFECTS.check(annotated)
    assert str(annotated.funcs[0].body[0].effect) == "{r:l0 w:l2}"


FILL_MODULE = module_with([("local.get", 0), ("local.get", 1), ("i32.div_u",), ("local.set", 2), ("local.get", 2)], locals_=(I32,))


def test_the_pipeline_fills_in_effects_in_the_trees_it_made(monkeypatch: pytest.MonkeyPatch) -> None:
    copies = []
    copy = framework.copy_trees
    monkeypatch.setattr("wastrel.passes.annotate_effects.copy_trees", lambda program: copies.append(1) or copy(program))
    seen = {}
    unseen = run_pipeline(FILL_MODULE, start_after="decode")
    run_pipeline(FILL_MODULE, RunOptions(after_pass=lambda info, before, after: seen.setdefault(info.name, before)), start_after="decode")
    assert len(copies) == 1  # the first run's trees were its own; the second's, a view's
    assert all(node.effect is None for node in nodes_of(seen["annotate-effects"]))  # a view's trees are left alone
    assert str(unseen) == str(run_pipeline(FILL_MODULE, RunOptions(dump_after={"all"}, on_dump=lambda *_: None), start_after="decode"))


def test_trees_the_caller_holds_or_a_plugin_gave_are_copied_first(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = run_pipeline(FILL_MODULE, RunOptions(stop_after="stack-to-tree"), start_after="decode")
    run_pipeline(tree, RunOptions(stop_after="annotate-effects"), start_after="stack-to-tree")
    assert all(node.effect is None for node in nodes_of(tree))
    kept: list[n.Program] = []
    keeper = PassInfo("keeper", "tree", "tree", ("stack-to-tree",), lambda p: kept.append(p) or p, "", origin="keeper.py")
    passes = {**PASSES, "keeper": keeper}
    pipeline = build_pipeline(passes)
    assert pipeline.index(keeper) == pipeline.index(PASSES["annotate-effects"]) - 1
    monkeypatch.setattr("wastrel.passes.manager.build_pipeline", lambda skip=(): pipeline)
    run_pipeline(FILL_MODULE, RunOptions(stop_after="annotate-effects"), start_after="decode")
    assert all(node.effect is None for node in nodes_of(kept[0]))  # what the plug-in kept is as it gave it


# -- fold-temps, sequence-operands ----------------------------------------------------


def flushed(*stmts: n.Stmt, sequenced: bool = True) -> str:
    result = fold_temps(annotate_effects(program_of(*stmts)))
    if sequenced:
        result = sequence_operands(result)
    FLUSHED.check(result)
    return body_text(result)


def test_fold_folds_a_temporary_that_commutes() -> None:
    text = flushed(n.Let((2,), n.LocalGet(0)), n.LocalSet(1, n.Const(I32, 5)), n.Return((n.Op("i32.add", (n.TempRef(2), n.LocalGet(1))),)))
    assert text.endswith("(return {r:$x0,$x1,$x2 br:return} (i32.add (local.get $x0) (local.get $x1))))")
    assert "local.set $x2" not in text


def test_fold_keeps_a_temporary_whose_input_is_overwritten() -> None:
    text = flushed(n.Let((2,), n.LocalGet(0)), n.LocalSet(0, n.Const(I32, 5)), n.Return((n.Op("i32.add", (n.TempRef(2), n.LocalGet(0))),)))
    assert text.splitlines()[0:2] == ["(local.set $x2 {r:$x0 w:$x2} (local.get $x0))", "(local.set $x0 {w:$x0} (i32.const 5))"]


def test_fold_leaves_conflicting_operands_to_sequence_operands() -> None:
    call = n.Call(0, ())
    program = program_of(n.Let((2,), call), n.Return((n.Op("i32.sub", (n.TempRef(2), n.Call(0, ()))),)))
    program = n.Program(Module(types=(FuncType((), (I32,)),), funcs=(Func(0, (), ()),)), program.funcs)
    folded = fold_temps(annotate_effects(program))
    assert body_text(folded).endswith("(i32.sub {r:G,$x2 w:G t:any} (call $0 {r:G w:G t:any}) (call $0 {r:G w:G t:any}))))")
    text = body_text(sequence_operands(folded))
    assert "(local.set $h1 {r:G w:G,$h1 t:any} (call $0 {r:G w:G t:any}))" in text
    assert text.endswith("(i32.sub {r:G,$x2 w:G t:any} (local.get $h1) (call $0 {r:G w:G t:any}))))")


def test_sequence_keeps_call_order_in_one_expression() -> None:
    program = program_of(n.Return((n.Op("i32.sub", (n.Call(0, ()), n.Call(0, ()))),)))
    program = n.Program(Module(types=(FuncType((), (I32,)),), funcs=(Func(0, (), ()),)), program.funcs)
    text = body_text(sequence_operands(fold_temps(annotate_effects(program))))
    assert "(local.set $h1 {r:G w:G,$h1 t:any} (call $0 {r:G w:G t:any}))" in text
    assert text.endswith("(i32.sub {r:G w:G t:any} (local.get $h1) (call $0 {r:G w:G t:any}))))")


def test_sequence_keeps_trapping_select_arm() -> None:
    div = n.Op("i32.div_s", (n.LocalGet(0), n.LocalGet(1)))
    assert "(local.set $h1" not in flushed(n.Return((n.Op("select", (div, n.Const(I32, 0), n.LocalGet(1))),)), sequenced=False)
    text = flushed(n.Return((n.Op("select", (div, n.Const(I32, 0), n.LocalGet(1))),)))
    assert "(local.set $h1 {r:$x0,$x1 w:$h1 t:div,ovf} (i32.div_s" in text
    assert "(select {r:$x0,$x1 t:div,ovf} (local.get $h1) (i32.const 0) (local.get $x1))" in text


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2])
def test_limit_depth_cuts_exactly_past_its_bound(depth: int) -> None:
    # A chain `depth` nodes deep (a local at its bottom) under a statement:
    # cut only when deeper than MAX_DEPTH (the quick check and the cutting
    # itself must agree at the bound), and then to at most MAX_DEPTH.
    chain: n.Expr = n.LocalGet(0)
    for _ in range(depth - 1):
        chain = n.Op("i32.eqz", (chain,))
    program = sequence_operands(fold_temps(annotate_effects(program_of(n.Return((chain,))))))
    limited = limit_expression_depth(program)
    assert (limited is not program and limited.funcs[0] is not program.funcs[0]) == (depth > MAX_DEPTH)

    def deepest(e: n.Node) -> int:
        return 1 + max((deepest(c) for c in e.operands()), default=0)

    assert max(deepest(o) for s in limited.funcs[0].body for o in s.operands()) <= MAX_DEPTH


def test_fast_init_keeps_a_frozen_dataclass_as_it_was() -> None:
    # Nodes and effects are built by fast_init's __init__: the same
    # positional and keyword use, defaults and immutability as dataclass's.
    op = n.Op("i32.add", (n.LocalGet(0), n.Const(I32, 1)))
    assert op.imm == () and op.effect is None
    assert n.Op(op="i32.add", args=op.args, imm=(), effect=fx.PURE) == op  # effect: not compared
    assert n.Br("l") == n.Br(label="l", values=())
    assert Effect(1, 2) == Effect(reads=1, writes=2, traps=0, escapes=frozenset())
    assert replace(op, op="i32.sub").args is op.args
    with pytest.raises(dataclasses.FrozenInstanceError):
        op.op = "i32.sub"  # type: ignore[misc]
    with pytest.raises(TypeError):
        n.Op("i32.add", (), (), fx.PURE)  # type: ignore[misc]  # effect is keyword-only
    with pytest.raises(TypeError):
        n.LocalGet()  # type: ignore[call-arg]

    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    with pytest.raises(TypeError, match="not a frozen dataclass"):
        fast_init(Mutable)


def test_a_statement_pass_does_not_enter_expressions() -> None:
    # `visit_Expr = Rewriter.keep_expression`: the nested statements are
    # still rewritten, the expressions never visited; a visit_Expr of its
    # own (which might do anything) is called for each.
    class DropEvals(Rewriter):
        visit_Expr = Rewriter.keep_expression

        def __init__(self) -> None:
            self.seen: list[type] = []

        def rewrite(self, node):  # type: ignore[no-untyped-def]
            self.seen.append(type(node))
            return super().rewrite(node)

        def visit_Eval(self, s: n.Eval) -> tuple[()]:
            return ()

    class DropEvalsLooking(DropEvals):
        def visit_Expr(self, e: n.Expr) -> n.Expr:
            return e

    cond = n.Op("i32.eqz", (n.LocalGet(0),))
    body = (n.CIf(cond, (n.Eval(n.LocalGet(1)), n.LocalSet(0, n.Const(I32, 1))), (n.Eval(n.Const(I32, 2)),)),)
    expected = (n.CIf(cond, (n.LocalSet(0, n.Const(I32, 1)),), ()),)
    quick, looking = DropEvals(), DropEvalsLooking()
    assert quick.rewrite_body(body) == expected == looking.rewrite_body(body)
    assert DropEvals._statements_only and not DropEvalsLooking._statements_only
    assert not any(issubclass(kind, n.Expr) for kind in quick.seen)
    assert n.Op in looking.seen and n.Const in looking.seen


def test_a_statement_pass_that_overrides_rewrite_children_sees_every_statement() -> None:
    class CountChildren(Rewriter):
        visit_Expr = Rewriter.keep_expression

        def __init__(self) -> None:
            self.count = 0

        def rewrite_children(self, node, effect=framework.KEEP):  # type: ignore[no-untyped-def]
            self.count += 1
            return super().rewrite_children(node, effect)

    counter = CountChildren()
    body = (n.LocalSet(0, n.Const(I32, 1)), n.CIf(n.LocalGet(0), (n.Eval(n.LocalGet(1)),), ()))
    assert counter.rewrite_body(body) == body
    assert counter.count == 3  # both statements and the one in the `if`


def test_a_handler_named_after_a_base_class_serves_its_subclasses() -> None:
    class CountStatements(Rewriter):
        def __init__(self) -> None:
            self.kinds: list[str] = []

        def visit_Expr(self, e: n.Expr) -> n.Expr:
            raise AssertionError("not entered: the statements' handler sees them")

        def visit_Stmt(self, s: n.Stmt) -> n.Stmt:
            self.kinds.append(type(s).__name__)
            return s

        def visit_Return(self, s: n.Return) -> tuple[n.Stmt, ...]:
            return ()

    counter = CountStatements()
    body = (n.LocalSet(0, n.Const(I32, 1)), n.Eval(n.LocalGet(0)), n.Return())
    assert counter.rewrite_body(body) == body[:2]
    assert counter.kinds == ["LocalSet", "Eval"]


# -- lower-control and the C passes after it ---------------------------------------------

C_PASSES = ("lower-control", "remove-dead-stores", "shape-loops", "tidy-c", "remove-unused-labels")


def lowered(*stmts: n.Stmt, through: str = "remove-unused-labels") -> str:
    """The statements in C control, after the C passes up to `through`."""
    result = sequence_operands(fold_temps(annotate_effects(program_of(*stmts))))
    for name in C_PASSES[: C_PASSES.index(through) + 1]:
        result = PASSES[name].run(result)
        C.check(result)
    return body_text(result)


def test_lower_control_makes_labels_gotos_and_loops_ending_in_break() -> None:
    text = lowered(n.Block("b", (2,), (n.Br("b", (n.Const(I32, 1),)),)), n.Loop("l", (), ()), n.Return((n.LocalGet(2),)), through="lower-control")
    assert text.splitlines() == [
        "(local.set $x2 {w:$x2} (i32.const 1))", "(c.goto $b)", "(c.label $b)", "(c.for $l", "(c.break))", "(return {r:$x2 br:return} (local.get $x2)))",
    ]  # fmt: skip


def test_tidy_c_removes_fall_through_goto_and_remove_unused_labels_its_label() -> None:
    block = n.Block("b", (2,), (n.Br("b", (n.Const(I32, 1),)),))
    assert "(c.goto $b)" not in lowered(block, n.Return((n.LocalGet(2),)), through="tidy-c")
    text = lowered(block, n.Return((n.LocalGet(2),)))
    assert text.splitlines() == ["(local.set $x2 {w:$x2} (i32.const 1))", "(return {r:$x2 br:return} (local.get $x2)))"]


def test_tidy_c_makes_a_goto_past_the_loop_a_break() -> None:
    loop = n.Loop("l", (), (n.BrIf("b", (), n.LocalGet(0)), n.Br("l", ())))
    text = lowered(n.Block("b", (), (loop,)), n.Return((n.LocalGet(0),)))
    assert text.splitlines()[:4] == ["(c.for $l", "(c.if (local.get $x0)", "(then", "(c.break))))"]


def test_shape_loops_makes_do_while() -> None:
    loop = n.Loop("l", (), (n.LocalSet(0, n.Op("i32.add", (n.LocalGet(0), n.Const(I32, 1)))), n.BrIf("l", (), n.LocalGet(0))))
    text = lowered(loop, n.Return((n.LocalGet(0),)))
    assert text.splitlines()[0:3] == ["(c.do", "(local.set $x0 {r:$x0 w:$x0} (i32.add (local.get $x0) (i32.const 1)))", "(c.while (local.get $x0)))"]


def test_shape_loops_keeps_for_when_a_nested_loop_jumps_to_the_top() -> None:
    inner = n.Loop("i", (), (n.BrIf("o", (), n.LocalGet(1)),))
    outer = n.Loop("o", (), (inner, n.BrIf("o", (), n.LocalGet(0))))
    text = lowered(outer, n.Return((n.LocalGet(0),)))
    assert text.splitlines()[0] == "(c.for $o" and "(c.do" not in text and "(c.goto $o)" in text


def test_lower_control_stages_swapping_loop_parameters() -> None:
    loop = n.Loop("l", (0, 1), (n.BrIf("l", (n.LocalGet(1), n.LocalGet(0)), n.LocalGet(2)),))
    text = lowered(loop, n.Return((n.LocalGet(0),)))
    assert "(local.set $v1 {r:$x1 w:$v1} (local.get $x1))" in text
    assert "(local.set $x0 {r:$v1 w:$x0} (local.get $v1))" in text


def test_remove_dead_stores_keeps_only_effects() -> None:
    loaded = n.Op("i32.load", (n.LocalGet(0),), (2, 0, 0))
    body = (
        n.LocalSet(2, n.Op("i32.add", (n.LocalGet(0), n.Const(I32, 1)))),  # unread, pure: goes
        n.LocalSet(3, loaded),  # read only by the next, which goes: a trap, kept as an evaluation
        n.LocalSet(2, n.LocalGet(3)),
        n.Return((n.LocalGet(1),)),
    )
    assert lowered(*body, through="lower-control").count("local.set") == 3
    text = lowered(*body)
    assert text.splitlines() == ["(eval {r:G,$x0 t:mem} (i32.load {r:G,$x0 t:mem} (local.get $x0)))", "(return {r:$x1 br:return} (local.get $x1)))"]


# -- c-print: what fast traps keep (backend_c/kept.py) --------------------------------


def kept_sets(*body: n.Stmt) -> list[int]:
    """The positions in `body` (top level) of the assignments kept."""
    kept = KeptAssignments(body, lambda v: True)
    return [k for k, s in enumerate(body) if s in kept]


def load(address: int = 70000) -> n.Op:
    return n.Op("i32.load", (n.Const(I32, address),), (2, 0, 0), effect=Effect(traps=fx.TRAP_MEMORY))


def add(a: n.Expr, b: n.Expr) -> n.Op:
    return n.Op("i32.add", (a, b), effect=(a.effect or Effect()) | (b.effect or Effect()))


def store(value: n.Expr) -> n.Perform:
    return n.Perform("i32.store", (n.Const(I32, 0), value), (2, 0, 0))


def test_kept_a_load_consumed_later_is_plain() -> None:
    body = (n.LocalSet(0, load()), n.LocalSet(1, n.Const(I32, 1)), store(n.Op("i32.add", (n.LocalGet(0), n.LocalGet(1)))))
    assert kept_sets(*body) == []


def test_kept_a_load_overwritten_or_read_on_one_branch_is_kept() -> None:
    assert kept_sets(n.LocalSet(0, load()), n.LocalSet(0, n.Const(I32, 1)), n.Return((n.LocalGet(0),))) == [0]
    branch = n.CIf(n.LocalGet(1), (store(n.LocalGet(0)),), ())
    assert kept_sets(n.LocalSet(0, load()), branch, n.Return()) == [0]
    arm = n.Op("select", (n.LocalGet(0), n.Const(I32, 1), n.LocalGet(1)))
    assert kept_sets(n.LocalSet(0, load()), n.Return((arm,))) == [0]


def test_kept_follows_gotos_chains_and_loop_back_edges() -> None:
    assert kept_sets(n.LocalSet(0, load()), n.CGoto("l"), n.Return(), n.CLabel("l"), store(n.LocalGet(0))) == []
    chain = (n.LocalSet(0, load()), n.LocalSet(1, add(n.LocalGet(0), n.Const(I32, 1))), store(n.LocalGet(1)))
    assert kept_sets(*chain) == []
    assert kept_sets(*chain[:2], n.Return()) == [0]  # the chain ends in nothing
    accumulate = n.LocalSet(0, add(n.LocalGet(0), load()))
    loop = n.CDoWhile((n.LocalSet(1, n.Const(I32, 0)), accumulate), n.LocalGet(2))
    assert accumulate not in KeptAssignments((loop, n.Return((n.LocalGet(0),))), lambda v: True)
    assert accumulate in KeptAssignments((loop, n.Return()), lambda v: True)
    forever = n.CLoop("l", (accumulate,))  # no way out: gcc may drop every load
    assert accumulate in KeptAssignments((forever,), lambda v: True)


def test_kept_follows_both_branches_of_an_if_to_where_they_meet() -> None:
    jump = n.CIf(n.LocalGet(1), (store(n.Const(I32, 1)), n.CGoto("l")), ())
    meet = (n.LocalSet(0, load()), jump, store(n.Const(I32, 2)), n.CLabel("l"), store(n.LocalGet(0)))
    assert kept_sets(*meet) == []
    away = (n.LocalSet(0, load()), n.CIf(n.LocalGet(1), (n.Return(),), ()), store(n.LocalGet(0)))
    assert kept_sets(*away) == [0]
    chain = [n.LocalSet(k, add(n.LocalGet(k - 1), load())) for k in range(1, 40)]
    assert kept_sets(n.LocalSet(0, load()), *chain, n.Return((n.LocalGet(39),))) == []


def test_c_print_declares_the_locals_of_an_evaluation_it_leaves_out() -> None:
    # An evaluation without effects prints nothing, but every local the code
    # mentions is declared: c-print notes the locals as it prints, and
    # these apart.
    unused = n.Eval(n.LocalGet(2, effect=Effect(reads=local_bit(2))))
    program = replace(program_of(unused, n.Return((n.LocalGet(0),))), wasm=module_with([("local.get", 0)], locals_=(I32, I32)))
    text = ModulePrinter(program).c_module().functions[0]
    assert "uint32_t x2 = 0;" in text and "x3" not in text
    assert "return x0;" in text and "x2;" not in text


def test_cli_pass_names_match_modules() -> None:
    for path in (Path(__file__).resolve().parent.parent / "wastrel" / "passes").glob("*.py"):
        if path.stem in ("__init__", "framework", "manager", "helpers"):
            continue
        importlib.import_module(f"wastrel.passes.{path.stem}")
        assert path.stem.replace("_", "-") in PASSES
