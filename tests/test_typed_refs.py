"""Typed function references (Wasm 3.0): the text reader, the decoder and
the encoder agree with wasm-tools on every new form; the validator's
subtyping, non-nullable locals and table initial values; the subtype
relation and canonical types of `ir/types.py`; CallRef in the tree
languages.

The spec scripts (call_ref, br_on_null, br_on_non_null, ref_as_non_null,
return_call_ref, local_init, linking, elem, table, global, ...) run in
tests/test_spec.py, and golden case `typed_func_refs` runs against
wasmtime's results (tests/test_golden_behaviour.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_util import wastrel_passes
from tests.test_memory64_frontend import check_same_module
from tests.test_simd_frontend import error
from wastrel.frontend import WasmError, decode_module
from wastrel.frontend.encode import encode_module
from wastrel.frontend.text import read_module_text
from wastrel.frontend.validate import validate_module
from wastrel.ir.types import CANONICAL, Subtyping, canonical, canonical_ids, defaultable, ref_type, representation
from wastrel.ir.wasm import FuncType
from wastrel.passes.stack_to_tree import stack_to_tree

GOLDEN = Path(__file__).parent / "golden_cases" / "typed_func_refs.wat"

# -- reading and writing ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a reference to a type defined further down, and to itself
        "(module (func (param (ref $t)) (result (ref null $t)) (local.get 0)) (type $t (func (param (ref null $t)))))",
        "(module (type $t (func)) (func (result (ref null func) nullfuncref (ref extern) nullexternref)"
        " (ref.null $t) (ref.null nofunc) unreachable))",
        "(module (type $t (func)) (func $f) (elem declare func $f)"
        " (table 2 (ref $t) (ref.func $f)) (table 1 funcref) (table $n (ref null $t) (elem $f $f)))",
        "(module (type $t (func (param i32))) (func (param (ref null $t))"
        " (block $l (br_on_null $l (local.get 0)) (ref.as_non_null) (drop))"
        " (block $m (result (ref $t)) (br_on_non_null $m (local.get 0)) (return)) (drop)"
        " (call_ref $t (i32.const 1) (local.get 0)) (return_call_ref $t (i32.const 2) (local.get 0))))",
        "(module (type $t (func)) (func (result (ref null $t)) (select (result (ref null $t)) (ref.null $t) (ref.null $t) (i32.const 1)))"
        " (func (block (result (ref null $t)) (ref.null $t)) drop))",
    ],
)
def test_text_binary_and_encoder_agree_with_wasm_tools(text: str) -> None:
    """wasm-tools' binary decodes to what the text reader reads (type names
    aside, which wastrel does not keep), and its encoding decodes to it again."""
    check_same_module(text)
    validate_module(read_module_text(text))


def test_the_golden_case_round_trips_and_validates() -> None:
    module = read_module_text(GOLDEN.read_text())
    validate_module(module)
    assert encode_module(decode_module(encode_module(module))) == encode_module(module)


def test_function_index_segments_are_never_null() -> None:
    module = read_module_text("(module (func $f) (elem declare func $f) (elem funcref (ref.null func)) (table funcref (elem $f)))")
    assert [e.type for e in module.elems] == ["(ref func)", "funcref", "(ref func)"]


def test_unknown_heap_types() -> None:
    assert "unknown type" in error("(module (func (local (ref $nope))))").message
    with pytest.raises(WasmError, match="unknown type 5"):
        validate_module(read_module_text("(module (func (local (ref null 5))))"))
    with pytest.raises(WasmError, match="unknown type 1"):  # a type may name itself and earlier ones only
        validate_module(read_module_text("(module (type (func (param (ref 1)))) (type (func)))"))


# -- validation ------------------------------------------------------------------------------


def invalid(text: str) -> str:
    with pytest.raises(WasmError) as info:
        validate_module(read_module_text(text))
    assert info.value.kind == "invalid"
    return info.value.message


def test_non_nullable_locals_must_be_set_before_they_are_read() -> None:
    ok = "(module (type $t (func)) (func $f) (elem declare func $f) (func (local $x (ref $t)) {}))"
    validate_module(read_module_text(ok.format("(local.set $x (ref.func $f)) (call_ref $t (local.get $x))")))
    validate_module(read_module_text(ok.format("(block (local.set $x (ref.func $f)) (call_ref $t (local.get $x)))")))
    assert "uninitialized local" in invalid(ok.format("(call_ref $t (local.get $x))"))
    # set inside a block: unset again after it
    assert "uninitialized local" in invalid(ok.format("(block (local.set $x (ref.func $f))) (call_ref $t (local.get $x))"))
    assert "uninitialized local" in invalid(ok.format("(if (i32.const 1) (then (local.set $x (ref.func $f))) (else (call_ref $t (local.get $x))))"))


def test_subtypes_are_accepted_where_supertypes_are_expected() -> None:
    validate_module(read_module_text(
        "(module (type $a (func)) (type $b (func)) (func $f (type $a)) (elem declare func $f)"
        " (func (result funcref) (ref.func $f))"  # (ref $a) <: funcref
        " (func (result (ref null $b)) (ref.func $f))"  # $a and $b are the same type
        " (func (result (ref null $a)) (ref.null nofunc)))"  # nofunc is the bottom
    ))  # fmt: skip
    assert "type mismatch" in invalid("(module (func (result (ref func)) (ref.null func)))")
    assert "type mismatch" in invalid("(module (func (result externref) (ref.null func)))")
    assert "type mismatch" in invalid("(module (type $t (func (param i32))) (type $u (func)) (func (param (ref $t)) (call_ref $u (local.get 0))))")


def test_tables_of_non_nullable_references_need_an_initial_value() -> None:
    assert "type mismatch" in invalid("(module (table 1 (ref func)))")
    assert "type mismatch" in invalid("(module (table 1 (ref func) (ref.null func)))")
    assert "unknown global" in invalid("(module (global $g funcref (ref.null func)) (table 1 funcref (global.get $g)))")


def test_br_on_non_null_needs_a_reference_label() -> None:
    assert "type mismatch" in invalid("(module (func (param funcref) (block $l (br_on_non_null $l (local.get 0)))))")


# -- types ----------------------------------------------------------------------------------


def test_reference_type_strings() -> None:
    assert ref_type("funcref") == ref_type("(ref null func)")
    assert str(ref_type("(ref null nofunc)")) == "nullfuncref"
    assert ref_type("i32") is None and ref_type("v128") is None
    assert ref_type("(ref 3)").heap == 3 and not ref_type("(ref 3)").nullable  # type: ignore[union-attr]
    assert [defaultable(t) for t in ("i32", "funcref", "(ref func)", "(ref null 0)", "(ref 0)")] == [True, True, False, True, False]
    assert [representation(t) for t in ("(ref 0)", "nullexternref", "(ref extern)", "f64")] == ["funcref", "externref", "externref", "f64"]


def test_subtyping() -> None:
    sub = Subtyping(canonical_ids([FuncType(("i32",)), FuncType(("i32",)), FuncType()]))
    assert sub.subtype("(ref 0)", "(ref null 1)") and sub.subtype("(ref 1)", "(ref 0)")
    assert not sub.subtype("(ref 0)", "(ref 2)") and not sub.subtype("(ref null 0)", "(ref 0)")
    assert sub.subtype("nullfuncref", "(ref null 2)") and sub.subtype("(ref nofunc)", "(ref 2)")
    assert sub.subtype("(ref 2)", "(ref func)") and not sub.subtype("(ref func)", "(ref 2)")
    assert sub.subtype("(ref noextern)", "externref") and not sub.subtype("(ref noextern)", "funcref")
    assert not sub.subtype("i32", "funcref") and sub.subtype("i32", "i32")


def test_canonical_types_are_equal_across_modules() -> None:
    """Recursive and nested types canonicalise by structure, whatever their indices."""
    first = canonical_ids([FuncType(("f64",)), FuncType(("(ref 1)",)), FuncType(("(ref null 1)", "(ref 0)"))])
    second = canonical_ids([FuncType(("(ref 0)",)), FuncType(), FuncType(("f64",)), FuncType(("(ref null 0)", "(ref 2)"))])
    assert first[1] == second[0]  # (func (param (ref <itself>)))
    assert first[2] == second[3]
    assert first[0] == second[2] != second[1]
    assert CANONICAL.equal(canonical("(ref 2)", first), canonical("(ref 3)", second))
    assert not CANONICAL.subtype(canonical("(ref null 1)", first), canonical("(ref 1)", second))


# -- passes and C ------------------------------------------------------------------------------


def test_describe_language_shows_call_ref() -> None:
    """CallRef is a production of the tree languages (its C: golden/typed_func_refs/c-print.txt)."""
    result = wastrel_passes("--describe-language", "tree")
    assert "Expr ::= CallRef(type_index: int, args: tuple[Expr, ...], callee: Expr)" in result.stdout, result.stderr


# -- recursive type groups (Wasm 3.0: GC's type system, for function types) -----------


@pytest.mark.parametrize(
    "text",
    [
        "(module (rec (type $a (func (param (ref $b)))) (type $b (func (result (ref null $a))))) (rec) (type (func)))",
        "(module (rec (type $t (func))) (rec (type (func)) (type (func (param i32)))) (func (type $t)))",
    ],
)
def test_rec_groups_agree_with_wasm_tools(text: str) -> None:
    check_same_module(text)
    validate_module(read_module_text(text))


def test_types_in_a_group_are_not_those_outside_it() -> None:
    # (func) alone, and (func) first of a group of two: different types
    ids = canonical_ids([FuncType(), FuncType(), FuncType(("i32",))], (1, 2))
    assert ids[0] != ids[1]
    # equal groups, equal types -- in any module; a reference into the group is relative
    group = [FuncType(("(ref 1)",)), FuncType((), ("(ref null 0)",))]
    assert canonical_ids(group, (2,)) == canonical_ids([FuncType(), *[_shifted(t, 1) for t in group]], (1, 2))[1:]


def _shifted(ftype: FuncType, by: int) -> FuncType:
    def shift(t: str) -> str:
        ref = ref_type(t)
        return str(type(ref)(ref.nullable, ref.heap + by)) if ref is not None and isinstance(ref.heap, int) else t

    return FuncType(tuple(map(shift, ftype.params)), tuple(map(shift, ftype.results)))


def test_an_implicit_type_use_never_names_a_type_of_a_group() -> None:
    module = read_module_text("(module (rec (type (func)) (type (func (param i32)))) (func))")
    assert len(module.types) == 3 and module.rec_groups == (2, 1)  # the function's (func) is a type of its own
    assert module.funcs[0].type_index == 2


def test_a_reference_beyond_its_group_is_an_unknown_type() -> None:
    with pytest.raises(WasmError, match="unknown type 1"):
        validate_module(read_module_text("(module (rec (type (func (param (ref 1))))) (rec (type (func))))"))


# -- GC's types: struct, array, sub (read and validated; no GC values in C yet) ----------


@pytest.mark.parametrize(
    "text",
    [
        "(module (type $p (sub (struct (field $x (mut i32)) (field i64 f32)))) (type (sub final $p (struct (field (mut i32)) (field i64 f32 i8))))"
        " (rec (type $a (array (mut i16))) (type (array (ref null $a)))) (type $f (sub (func (param eqref)))) (type (sub $f (func (param anyref)))))",
        "(module (type (struct)) (type (array i8)) (func (param structref arrayref i31ref nullref eqref)))",
    ],
)
def test_gc_types_agree_with_wasm_tools(text: str) -> None:
    check_same_module(text)
    validate_module(read_module_text(text))


@pytest.mark.parametrize(
    "text, message",
    [
        ("(module (type $p (struct)) (type (sub $p (struct))))", "final"),
        ("(module (type $p (sub (struct (field i32)))) (type (sub $p (struct (field i64)))))", "does not match"),
        ("(module (type $p (sub (struct (field (mut i32))))) (type (sub $p (struct (field i32)))))", "does not match"),
        ("(module (type $p (sub (array anyref))) (type (sub $p (struct))))", "does not match"),
        ("(module (type $f (sub (func (param eqref)))) (type (sub $f (func (param anyref)))) (type (sub $f (func (param i31ref)))))", "does not match"),
        ("(module (type (sub 1 (struct))) (type (sub (struct))))", "unknown type 1"),
        ("(module (type $s (struct)) (func (type $s)))", "not a function type"),
    ],
)
def test_gc_type_definitions_are_checked(text: str, message: str) -> None:
    assert message in invalid(text)


def test_gc_subtyping() -> None:
    module = read_module_text(
        "(module (type $p (sub (struct (field i32)))) (type $c (sub $p (struct (field i32 i64)))) (type $a (array i8)) (type $f (func)))"
    )
    sub = Subtyping(canonical_ids(module.types, module.rec_groups, module.subtypes))
    assert sub.subtype("(ref 1)", "(ref 0)") and not sub.subtype("(ref 0)", "(ref 1)")
    assert all(sub.subtype("(ref 1)", t) for t in ("structref", "eqref", "anyref", "(ref struct)"))
    assert sub.subtype("(ref 2)", "arrayref") and not sub.subtype("(ref 2)", "structref") and not sub.subtype("(ref 3)", "anyref")
    assert sub.subtype("nullref", "(ref null 1)") and sub.subtype("i31ref", "eqref") and not sub.subtype("anyref", "eqref")
    assert not sub.subtype("nullfuncref", "(ref null 0)") and sub.subtype("nullfuncref", "(ref null 3)")


GC_CODE = """
(module
  (type $p (sub (struct (field $x (mut i32)) (field $y i64) (field $b (mut i8)))))
  (type $c (sub $p (struct (field (mut i32)) (field i64) (field (mut i8)) (field f32))))
  (type $a (array (mut i16)))
  (type $r (array (ref null $p)))
  (data $d "\\01\\02")
  (elem $e (ref null $p) (ref.null $p))
  (global $g (ref $c) (struct.new $c (i32.const 1) (i64.const 2) (i32.const 3) (f32.const 4)))
  (global $n (ref $a) (array.new_fixed $a 2 (i32.const 5) (i32.const 6)))
  (func (param $s (ref null $p)) (param $arr (ref $a)) (result i32)
    (struct.set $p $x (local.get $s) (struct.get_u $p $b (local.get $s)))
    (drop (struct.get $p $y (ref.cast (ref $p) (global.get $g))))
    (array.set $a (local.get $arr) (i32.const 0) (array.get_s $a (local.get $arr) (i32.const 1)))
    (array.fill $a (local.get $arr) (i32.const 0) (i32.const 7) (array.len (local.get $arr)))
    (array.copy $a $a (local.get $arr) (i32.const 0) (global.get $n) (i32.const 0) (i32.const 1))
    (array.init_data $a $d (local.get $arr) (i32.const 0) (i32.const 0) (i32.const 1))
    (drop (array.new_elem $r $e (i32.const 0) (i32.const 1)))
    (drop (array.new_data $a $d (i32.const 0) (i32.const 1)))
    (drop (array.new_default $a (i32.const 3)))
    (drop (struct.new_default $p))
    (drop (block $l (result (ref null $c)) (br_on_cast $l (ref null $p) (ref null $c) (local.get $s)) (drop) (ref.null $c)))
    (drop (block $m (result (ref null $p)) (br_on_cast_fail $m (ref null $p) (ref $c) (local.get $s))))
    (drop (extern.convert_any (any.convert_extern (ref.null extern))))
    (drop (ref.eq (ref.i31 (i32.const 9)) (local.get $s)))
    (i32.add (i31.get_u (ref.i31 (i32.const -1))) (ref.test (ref null $c) (local.get $s)))))
"""


def test_gc_instructions_agree_with_wasm_tools_and_validate() -> None:
    check_same_module(GC_CODE)
    module = read_module_text(GC_CODE)
    validate_module(module)
    stack_to_tree(module)  # (tests/test_gc.py runs GC code)


@pytest.mark.parametrize(
    "code, message",
    [
        ("(struct.set $p 1 (local.get $s) (i64.const 0))", "immutable field"),
        ("(drop (struct.get $p $b (local.get $s)))", "type mismatch"),  # packed: get_s or get_u
        ("(array.set $r (array.new_default $r (i32.const 1)) (i32.const 0) (ref.null $p))", "immutable array"),
        ("(drop (array.new_data $r $d (i32.const 0) (i32.const 1)))", "type mismatch"),
        ("(drop (struct.get $a 0 (local.get $s)))", "not a struct type"),
        ("(drop (ref.test (ref func) (local.get $s)))", "type mismatch"),
        ("(drop (ref.eq (ref.null func) (local.get $s)))", "type mismatch"),
    ],
)
def test_gc_instructions_are_checked(code: str, message: str) -> None:
    text = GC_CODE.replace('(func (param $s (ref null $p))', f'(func {code}) (func (param $s (ref null $p))')
    text = text.replace(f"(func {code})", f"(func (local $s (ref null $p)) {code})")
    assert message in invalid(text)
