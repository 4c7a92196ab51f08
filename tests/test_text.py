"""Tests of the text reader (wastrel.frontend.text): literals, the
S-expression layer, abbreviations, errors with line and column, and the
script reader.  The reader as a whole is checked against wasm-tools on the
spec suite in test_text_spec.py; here each rule has a small case of its own.
"""

from __future__ import annotations

import struct
import time

import pytest
from lark import Token

from wastrel.frontend import WasmError
from wastrel.frontend.encode import without_offsets
from wastrel.frontend.text import position, read_module_text, read_script
from wastrel.frontend.text.literals import float_bits, id_name, integer, string_bytes, string_name, unsigned
from wastrel.frontend.text.script import (
    AssertInvalid,
    AssertMalformed,
    AssertMalformedCustom,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    BinaryModule,
    Either,
    Get,
    Invoke,
    ModuleCommand,
    ModuleInstance,
    NanPattern,
    QuoteModule,
    RefPattern,
    Register,
    TextModule,
    Value,
)
from wastrel.frontend.text.sexpr import Annotation, SList, parse
from wastrel.ir.wasm import Data, Elem, Export, FuncType, Import, Instr, Limits, MemoryType, Module, Names, Table, TableType


def num(text: str) -> Token:
    return Token("KEYWORD" if text[0].isalpha() else "NUM", text, 0, 1, 1)


def string(text: str) -> Token:
    return Token("STRING", text, 0, 1, 1)


def body(text: str, func: int = 0) -> list[tuple]:
    """The instructions of a function, as (op, *args), final end left out."""
    module = read_module_text(text)
    return [(i.op, *i.args) for i in module.funcs[func].body[:-1]]


def error(text: str) -> WasmError:
    with pytest.raises(WasmError) as info:
        read_module_text(text)
    return info.value


# -- literals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bits", "value"),
    [
        ("0", 32, 0),
        ("4294967295", 32, -1),
        ("0xffff_ffff", 32, -1),
        ("-2147483648", 32, -2147483648),
        ("-0x8000_0000", 32, -2147483648),
        ("+2147483647", 32, 2147483647),
        ("1_000_000", 32, 1000000),
        ("0xFFFF_FFFF_FFFF_FFFF", 64, -1),
        ("-9223372036854775808", 64, -(1 << 63)),
    ],
)
def test_integer_literals(text: str, bits: int, value: int) -> None:
    assert integer(num(text), bits) == value


@pytest.mark.parametrize("text", ["4294967296", "-2147483649", "+2147483648", "1__0", "_1", "1_", "0x", "0xg", "1x", "0x_1"])
def test_malformed_integer_literals(text: str) -> None:
    with pytest.raises(WasmError, match="malformed"):
        integer(num(text), 32)


def f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


@pytest.mark.parametrize(
    ("text", "fmt", "bits"),
    [
        ("0", "f32", 0),
        ("-0.0", "f32", 0x8000_0000),
        ("1", "f32", 0x3F80_0000),
        ("0x10", "f32", 0x4180_0000),
        ("1.5e+1_0", "f64", f64_bits(1.5e10)),
        ("0.1", "f64", f64_bits(0.1)),
        ("1.", "f64", f64_bits(1.0)),
        ("1.e5", "f64", f64_bits(1e5)),
        ("0x1.8p1", "f64", f64_bits(3.0)),
        ("0x.8", "f32", None),  # a hex float needs a digit before the point
        # f32 from decimal, rounded once: through f64 this would tie to 1.0
        ("1.000000059604644775390625000000001", "f32", 0x3F80_0001),
        ("1.000000059604644775390625", "f32", 0x3F80_0000),  # a tie: to even
        # f32 from hexadecimal
        ("0x1.000001p0", "f32", 0x3F80_0000),
        ("0x1.0000011p0", "f32", 0x3F80_0001),
        ("0x1.fffffefffffff8p127", "f32", 0x7F7F_FFFF),
        ("0x1p-149", "f32", 1),
        ("0x1p-150", "f32", 0),  # half the smallest subnormal: a tie, to even
        ("0x1.0000000000001p-150", "f32", 1),
        ("0x1.fffffcp-127", "f32", 0x007F_FFFF),  # the largest subnormal
        ("0x1.fffffep-127", "f32", 0x0080_0000),  # a tie with the smallest normal: to even
        ("0x1p-1074", "f64", 1),
        ("1e-400", "f64", 0),
        ("inf", "f32", 0x7F80_0000),
        ("-inf", "f64", 0xFFF0_0000_0000_0000),
        ("nan", "f32", 0x7FC0_0000),
        ("-nan", "f64", 0xFFF8_0000_0000_0000),
        ("nan:0x1", "f32", 0x7F80_0001),
        ("+nan:0x8_0000_0000_0000", "f64", 0x7FF8_0000_0000_0000),
    ],
)
def test_float_literals(text: str, fmt: str, bits: int | None) -> None:
    if bits is None:
        with pytest.raises(WasmError, match="malformed"):
            float_bits(num(text), fmt)
    else:
        assert float_bits(num(text), fmt) == bits


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("0x1p128", "f32"), ("0x1.ffffffp127", "f32"), ("1e39", "f32"), ("1e309", "f64"), ("nan:0x0", "f32"),
     ("nan:0x80_0000", "f32"), (".5", "f32"), ("1e", "f32"), ("0x1p", "f64"), ("infinity", "f64")],
)
def test_malformed_float_literals(text: str, fmt: str) -> None:
    with pytest.raises(WasmError, match="malformed"):
        float_bits(num(text), fmt)


def test_float_literals_with_huge_exponents_are_quick() -> None:
    assert float_bits(num("1e-99999999999"), "f64") == 0
    assert float_bits(num("0x1p-99999999999"), "f32") == 0
    with pytest.raises(WasmError, match="out of range"):
        float_bits(num("1e99999999999"), "f64")


def exact_decimal(num_: int, den: int) -> str:
    """The exact decimal expansion of num_/den (den a power of two)."""
    whole, rest = divmod(num_, den)
    digits = ""
    while rest:
        rest *= 10
        digit, rest = divmod(rest, den)
        digits += str(digit)
    return f"{whole}.{digits}" if digits else str(whole)


@pytest.mark.parametrize("n", [5_000, 1_000_000])
def test_literals_of_any_number_of_digits(n: int) -> None:
    # Beyond 4,300 digits Python refuses decimal str -> int; the reader
    # converts only the digits that matter, exactly.
    zeros = "0" * n
    assert integer(num(zeros + "42"), 32) == 42
    assert integer(num("-" + zeros + "42"), 64) == -42
    assert integer(num("0x" + zeros + "ff"), 32) == 255
    assert unsigned(num(zeros + "8")) == 8
    for text, bits in [("9" * n, 64), ("-" + "1" * n, 32), ("0x" + "f" * n, 64), ("1" + zeros, 32)]:
        with pytest.raises(WasmError, match=r"constant out of range: .*\.\.\..* characters\)"):
            integer(num(text), bits)
    with pytest.raises(WasmError, match="u32 constant out of range"):
        unsigned(num("1" + zeros))
    assert float_bits(num(f"0.{zeros}1"), "f64") == 0
    assert float_bits(num(f"0.{zeros}1e{n + 1}"), "f64") == f64_bits(1.0)
    assert float_bits(num(f"0.{zeros}1e+{zeros}{n - 300}"), "f64") == f64_bits(1e-301)
    assert float_bits(num(f"1{zeros}e-{n}"), "f32") == 0x3F80_0000
    assert float_bits(num(f"{zeros}1.5{zeros}"), "f32") == 0x3FC0_0000
    assert float_bits(num(f"0e{'9' * n}"), "f64") == 0
    assert float_bits(num(f"1e-{'9' * n}"), "f64") == 0
    assert float_bits(num(f"0x1p-{'9' * n}"), "f32") == 0
    for text in [f"1e{'9' * n}", f"0x1p{'9' * n}", "9" * n, "0x" + "f" * n]:
        with pytest.raises(WasmError, match="f64 constant out of range"):
            float_bits(num(text), "f64")
    assert float_bits(num(f"0x1.{zeros}1p0"), "f64") == f64_bits(1.0)
    assert float_bits(num(f"0x{zeros}1p-1074"), "f64") == 1
    assert float_bits(num(f"nan:0x{zeros}1"), "f32") == 0x7F80_0001


@pytest.mark.parametrize("n", [5_000, 1_000_000])
def test_long_float_literals_round_exactly(n: int) -> None:
    # Midpoints between neighbouring floats, written out exactly, round to
    # even; a nonzero digit far beyond them decides upwards, a smaller last
    # digit downwards.
    zeros = "0" * n
    cases = [
        ("f64", 2**53 + 1, 2**53, f64_bits(1.0)),  # 1 + half an ulp
        ("f32", 2**24 + 1, 2**24, 0x3F80_0000),
        ("f64", 1, 2**1075, 0),  # half the smallest subnormal
        ("f64", 2**53 - 1, 2**1075, 2**52),  # a midpoint of 767 significant digits
        ("f32", 2**24 - 1, 2**150, 0x0080_0000),  # a tie with the smallest normal
    ]
    for fmt, num_, den, even in cases:
        midpoint = exact_decimal(num_, den)
        assert float_bits(num(midpoint), fmt) == even
        assert float_bits(num(midpoint + zeros), fmt) == even
        below = float_bits(num(midpoint[:-1] + str(int(midpoint[-1]) - 1) + "9" * n), fmt)
        above = float_bits(num(midpoint + zeros + "1"), fmt)
        assert above == below + 1 and even in (below, above)
    # The same with hexadecimal digits: 1 + half an f64 ulp, then a little more.
    assert float_bits(num(f"0x1.00000000000008{zeros}p0"), "f64") == f64_bits(1.0)
    assert float_bits(num(f"0x1.00000000000008{zeros}1p0"), "f64") == f64_bits(1.0) + 1
    assert float_bits(num(f"0x1.00000000000007{'f' * n}p0"), "f64") == f64_bits(1.0)
    # And against Python's own correctly rounded conversion.
    digits = "".join(str(i * 7 % 10) for i in range(n))
    for exp in (-n - 400, -n - 320, -n - 300, -n, 200 - n, 300 - n):
        text = f"{digits}e{exp}"
        assert float_bits(num(text), "f64") == f64_bits(float(text))


def test_huge_literals_are_quick_and_errors_do_not_repeat_them() -> None:
    ten_mb = "1" * 10_000_000
    start = time.monotonic()
    for make in (lambda: integer(num(ten_mb), 64), lambda: float_bits(num(ten_mb), "f64"),
                 lambda: float_bits(num("1e" + ten_mb), "f32"), lambda: unsigned(num(ten_mb))):
        with pytest.raises(WasmError) as info:
            make()
        assert len(str(info.value)) < 200
    assert float_bits(num("0." + ten_mb), "f64") == f64_bits(0.1111111111111111)
    assert float_bits(num("0x1." + "0" * 10_000_000 + "1p0"), "f32") == 0x3F80_0000
    assert time.monotonic() - start < 10


def test_long_literals_in_a_module() -> None:
    zeros = "0" * 5_000
    m = read_module_text(
        f"(module (memory 1) (func $f (param i32) (result f64)\n"
        f"  (i64.store offset={zeros}16 align={zeros}8 (local.get {zeros}0) (i64.const {zeros}42))\n"
        f"  (call {zeros}0 (i32.const -{zeros}1)) (f64.const 0.{zeros}1)))"
    )
    assert [(i.op, *i.args) for i in m.funcs[0].body[:-1]] == [
        ("local.get", 0), ("i64.const", 42), ("i64.store", 3, 16, 0), ("i32.const", -1), ("call", 0), ("f64.const", 0)]
    err = error(f"(module (func\n  (call 1{zeros})))")
    assert (err.kind, err.line, err.column) == ("malformed", 2, 9)
    assert "u32 constant out of range" in err.message and len(err.message) < 100
    err = error(f"(module (func (result i32)\n  (i32.const {'4' * 5_000})))")
    assert (err.kind, err.line, err.column, err.message[:26]) == ("malformed", 2, 14, "i32 constant out of range:")
    err = error(f"(module (memory 1) (func (result i32)\n  (i32.load offset=1{zeros} (i32.const 0))))")
    assert (err.line, err.column) == (2, 20) and "u64 constant out of range" in err.message


def test_strings() -> None:
    assert string_bytes(string(r'"a\t\n\r\"\'\\b"')) == b"a\t\n\r\"'\\b"
    assert string_bytes(string(r'"\00\ff\41"')) == b"\x00\xffA"
    assert string_bytes(string(r'"\u{41}\u{1F600}\u{1_0000}"')) == "A\U0001F600\U00010000".encode()
    assert string_bytes(string('"Heiße"')) == "Heiße".encode()
    assert string_name(string(r'"\e2\82\ac"')) == "€"
    with pytest.raises(WasmError, match="UTF-8"):
        string_name(string(r'"\ff"'))
    with pytest.raises(WasmError, match="escape"):
        string_bytes(string(r'"\q"'))
    with pytest.raises(WasmError, match="Unicode"):
        string_bytes(string(r'"\u{d800}"'))


def test_identifiers() -> None:
    assert id_name(Token("ID", "$x.y", 0, 1, 1)) == "x.y"
    assert id_name(Token("ID", '$"a b"', 0, 1, 1)) == "a b"
    assert id_name(Token("ID", r'$"\41"', 0, 1, 1)) == "A"
    with pytest.raises(WasmError, match="empty identifier"):
        id_name(Token("ID", '$""', 0, 1, 1))


# -- the S-expression layer -------------------------------------------------------


def test_lists_atoms_and_positions() -> None:
    items = parse('(a $b\n  (0x1 "s") ;; comment\n)')
    assert items == [["a", "$b", ["0x1", '"s"']]]
    inner = items[0][2]
    assert isinstance(inner, SList) and (inner.line, inner.column) == (2, 3)
    assert [t.type for t in items[0][:2]] + [t.type for t in inner] == ["KEYWORD", "ID", "NUM", "STRING"]


def test_comments() -> None:
    assert parse("(a (; x (; nested ;) y ;) b) ;; c\n(d);;e\r(f)") == [["a", "b"], ["d"], ["f"]]
    assert parse('(;comment";)(;;) (a (;;;;) b)') == [["a", "b"]]


def test_tokens_run_as_far_as_they_can() -> None:
    """`0$l`, `$l"a"` and `i32.const0` are single tokens, not what they start with."""
    items = parse('(0$l $l"a" i32.const0 $l$l)')
    assert [(t.type, str(t)) for t in items[0]] == [
        ("NUM", "0$l"), ("RESERVED", '$l"a"'), ("KEYWORD", "i32.const0"), ("ID", "$l$l"),
    ]  # fmt: skip
    assert "'0$l'" in error("(module (func br 0$l))").message
    assert "unexpected token '@a'" in error("(module ( @a))").message


def test_annotations() -> None:
    items = parse('(module (@a x (y) "z" , }) (@custom "n" "d") (@"metadata.code.branch_hint" "\\00"))')
    module = items[0]
    assert module[0] == "module" and len(module) == 3
    assert isinstance(module[1], Annotation) and module[1].name == "custom"
    assert isinstance(module[2], Annotation) and module[2].name == "metadata.code.branch_hint"


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("(a\n  (b", "unclosed", 2, 5),
        ("(a (; x", "unclosed comment", 1, 8),
        ("(a))", "unexpected `\\)`", 1, 4),
        ('(a\n "x\x01")', "illegal character", 2, 4),
        ('(a "x', "unclosed string", 1, 4),
        ("(a\n\n  ¢)", "illegal character", 3, 3),
        ('(@"")', "empty annotation id", 1, 1),
    ],
)
def test_syntax_errors_have_line_and_column(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(WasmError, match=message) as info:
        parse(text)
    assert (info.value.kind, info.value.line, info.value.column) == ("malformed", line, column)
    assert str(info.value).endswith(f"(at line {line}, column {column})")


def test_utf8_errors_have_a_position() -> None:
    with pytest.raises(WasmError, match="UTF-8") as info:
        read_module_text(b'(module\n  (func) "\xff")')
    assert (info.value.line, info.value.column) == (2, 11)


# -- modules ----------------------------------------------------------------------


def test_module_forms() -> None:
    fields = '(func (export "f"))'
    expected = without_offsets(read_module_text(f"(module {fields})"))
    assert without_offsets(read_module_text(fields)) == expected
    assert without_offsets(read_module_text(fields.encode())) == expected
    assert read_module_text("") == Module()
    assert read_module_text('(module binary "\\00asm" "\\01\\00\\00\\00")') == Module()
    assert read_module_text("(module $m)").names == Names(module="m")


def test_inline_imports_and_exports() -> None:
    m = without_offsets(read_module_text(
        '(module (func $f (export "a") (export "b") (import "m" "f") (param i32))'
        '  (table (export "t") (import "m" "t") 1 funcref) (memory (import "m" "mem") 1 2)'
        '  (global $g (import "m" "g") (mut i64)) (global (export "h") i32 (i32.const 7)))'
    ))
    assert m.imports[0] == Import("m", "f", "func", 0) and m.exports[0] == Export("a", "func", 0)
    assert [(i.module, i.name, i.kind) for i in m.imports] == [("m", "f", "func"), ("m", "t", "table"), ("m", "mem", "memory"), ("m", "g", "global")]
    assert m.imports[2].desc == MemoryType(Limits(1, 2))
    assert [(e.name, e.kind, e.index) for e in m.exports] == [("a", "func", 0), ("b", "func", 0), ("t", "table", 0), ("h", "global", 1)]
    assert m.names.funcs == {0: "f"} and m.names.globals == {0: "g"}


def test_imports_come_first() -> None:
    assert "import after global" in error('(module (global i32 (i32.const 0)) (func (import "m" "f")))').message


def test_implicit_types_follow_the_explicit_ones_in_order_of_use() -> None:
    m = read_module_text(
        "(module (func (result f64) (f64.const 0))"  # a new type, after the explicit ones
        "  (func (param i32))"  # the explicit type defined below
        "  (func (block (result i32 i32) (i32.const 1) (i32.const 2)) (drop) (drop))"  # a block type
        "  (func (block (result i32) (i32.const 1)) (drop))"  # one result: no type
        "  (type $t (func (param i32))))"
    )
    assert m.types == (FuncType(("i32",)), FuncType((), ("f64",)), FuncType(), FuncType((), ("i32", "i32")))
    assert [f.type_index for f in m.funcs] == [1, 0, 2, 2]


def test_type_uses_must_match_their_type() -> None:
    assert read_module_text("(module (type (func (param i32))) (func (type 0) (param i32)))").funcs[0].type_index == 0
    assert "does not match" in error("(module (type (func (param i32))) (func (type 0) (param i64)))").message
    assert "unknown type" in error("(module (func (type 1) (param i32)))").message


def test_block_types() -> None:
    m = read_module_text("(module (type $two (func (result i32 i32))) (func (block (type $two) unreachable) drop drop))")
    assert m.funcs[0].body[0] == Instr("block", (FuncType((), ("i32", "i32")),), m.funcs[0].body[0].offset)
    assert error("(module (func (block (type 5))))").kind == "invalid"
    assert "identifier" in error("(module (func (block (param $x i32))))").message


def test_block_type_of_a_type_defined_later_by_a_use() -> None:
    m = read_module_text("(module (func (block (type 1))) (func (param i32)))")
    assert m.funcs[0].body[0].args == (FuncType(("i32",)),)


def test_folded_instructions() -> None:
    text = "(module (func (result i32) (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))))"
    assert body(text) == [("i32.const", 1), ("i32.const", 2), ("i32.const", 3), ("i32.mul",), ("i32.add",)]
    text = "(module (func (if (result i32) (i32.const 0) (then (i32.const 1)) (else (i32.const 2))) drop))"
    if_type = FuncType((), ("i32",))
    assert body(text) == [("i32.const", 0), ("if", if_type), ("i32.const", 1), ("else",), ("i32.const", 2), ("end",), ("drop",)]
    assert body("(module (func (if (i32.const 0) (then) (else))))") == [("i32.const", 0), ("if", FuncType()), ("else",), ("end",)]
    # Operands of a folded instruction may be plain instructions (as wasm-tools reads them).
    assert body("(module (func (drop i32.const 1)))") == [("i32.const", 1), ("drop",)]


def test_labels() -> None:
    assert body("(module (func (block $l (block $l (br $l)))))")[2] == ("br", 0)
    assert body("(module (func (block $l (block (br $l)))))")[2] == ("br", 1)
    assert body("(module (func block $a loop $b br $a br $b br 1 end $b end $a))")[2:5] == [("br", 1), ("br", 0), ("br", 1)]
    assert body("(module (func (block $a (i32.const 0) (br_table $a 0 $a))))")[2] == ("br_table", (0, 0), 0)
    assert "mismatching label" in error("(module (func block $a end $b))").message
    assert "unknown label" in error("(module (func (i32.const 0) (if $l (br $l) (then))))").message


def test_locals() -> None:
    m = read_module_text(
        "(module (type $t (func (param i32 i32)))"
        "  (func $f (type $t) (local $x i64) (local.get $x) drop)"
        "  (func $g (param $a i32) (param f32) (local $b f64) (local i32 i32) (local.get $b) drop))"
    )
    assert m.funcs[0].body[0].args == (2,) and m.funcs[1].body[0].args == (2,)
    assert m.funcs[1].locals == ("f64", "i32", "i32")
    assert m.names.locals == {0: {2: "x"}, 1: {0: "a", 2: "b"}}
    assert "duplicate local" in error("(module (func (param $a i32) (local $a i32)))").message


def test_immediates() -> None:
    m = read_module_text(
        "(module (type $v (func)) (memory 1) (table $t 2 funcref) (elem $e func) (data $d \"\")"
        "  (func $f (i32.load offset=0x10 align=1 (i32.const 0)) (i64.store (i32.const 0) (i64.const -1)) drop"
        "    (call_indirect $t (type $v) (i32.const 0)) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))"
        "    (ref.null extern) (ref.null func) (ref.func $f) (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0))"
        "    (table.init $e (i32.const 0) (i32.const 0) (i32.const 0)) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))"
        "    (data.drop $d) (f32.const -0x1p-1) (memory.size) (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))))"
    )
    ops = [(i.op, *i.args) for i in m.funcs[0].body]
    assert ("i32.load", 0, 16, 0) in ops and ("i64.store", 3, 0, 0) in ops and ("i64.const", -1) in ops
    assert ("call_indirect", 0, 0) in ops and ("select", ("i32",)) in ops
    assert ("ref.null", "externref") in ops and ("ref.null", "funcref") in ops and ("ref.func", 0) in ops
    assert ("table.init", 0, 0) in ops and ("memory.init", 0, 0) in ops and ("data.drop", 0) in ops
    assert ("f32.const", 0xBF00_0000) in ops and ("memory.size", 0) in ops and ("memory.copy", 0, 0) in ops
    assert m.data_count == 1  # memory.init and data.drop need the data count section
    assert read_module_text('(module (memory 1) (data "x"))').data_count is None
    assert "power of two" in error("(module (memory 1) (func (i32.load align=3 (i32.const 0)) drop))").message


def test_table_with_inline_elements_and_memory_with_inline_data() -> None:
    m = without_offsets(read_module_text('(module (func $f) (table $t funcref (elem $f $f 0)) (memory $m (data "ab" "c")))'))
    assert m.tables == (Table(TableType("funcref", Limits(3, 3))),)
    ref0 = (Instr("ref.func", (0,)),)
    assert m.elems == (Elem("active", "(ref func)", (ref0,) * 3, 0, (Instr("i32.const", (0,)),)),)
    assert m.memories == (MemoryType(Limits(1, 1)),)
    assert m.datas == (Data("active", b"abc", 0, (Instr("i32.const", (0,)),)),)


def test_element_segments() -> None:
    m = read_module_text(
        "(module (func $f) (table $t 1 funcref)"
        "  (elem (i32.const 0) $f) (elem 0 (i32.const 0) 0) (elem (table $t) (offset (i32.const 0)) func $f)"
        "  (elem func $f) (elem declare func $f) (elem funcref (ref.func $f) (item ref.null func))"
        "  (elem (table $t) (i32.const 0) funcref (ref.null func)) (elem externref (ref.null extern)))"
    )
    modes = [(e.mode, e.type, e.table, len(e.init)) for e in m.elems]
    assert modes == [
        ("active", "(ref func)", 0, 1), ("active", "(ref func)", 0, 1), ("active", "(ref func)", 0, 1), ("passive", "(ref func)", 0, 1),
        ("declarative", "(ref func)", 0, 1), ("passive", "funcref", 0, 2), ("active", "funcref", 0, 1), ("passive", "externref", 0, 1),
    ]  # fmt: skip
    assert [i.op for i in m.elems[5].init[1]] == ["ref.null"]


def test_data_segments() -> None:
    m = read_module_text('(module (memory $m 1) (data "a") (data (memory $m) (offset (i32.const 8)) "b" "c") (data 0 (i32.const 1)))')
    assert [(d.mode, d.init, d.memory, [i.args for i in d.offset_expr or ()]) for d in m.datas] == [
        ("passive", b"a", 0, []), ("active", b"bc", 0, [(8,)]), ("active", b"", 0, [(1,)]),
    ]  # fmt: skip


def test_start_and_names() -> None:
    m = read_module_text('(module $M (import "m" "f" (func $imported)) (func $main) (start $main) (global $g i32 (i32.const 0)))')
    assert m.start == 1
    assert m.names == Names(module="M", funcs={0: "imported", 1: "main"}, globals={0: "g"})
    assert "multiple start" in error("(module (func) (start 0) (start 0))").message


def test_custom_sections_in_binary_order() -> None:
    m = read_module_text(
        '(module (@custom "last" "1") (@custom "code" (before code) "2") (@custom "first" (before first) "3" "4")'
        '  (@custom "types" (after type)) (func))'
    )
    assert m.customs == (("first", b"34"), ("types", b""), ("code", b"2"), ("last", b"1"))
    assert "misplaced @custom" in error('(module (func (@custom "x")))').message
    assert "malformed placement" in error('(module (@custom "x" (here)))').message


def test_branch_hints() -> None:
    m = read_module_text(
        "(module (func (param i32) (local.get 0) (@metadata.code.branch_hint \"\\01\") if end"
        "  (@metadata.code.branch_hint \"\\00\") (br_if 0 (local.get 0))))"
    )
    # Function 0; hints at byte 3 (`if`, after the locals vector and local.get) and 8 (`br_if`), of size 1.
    assert m.customs == (("metadata.code.branch_hint", bytes([1, 0, 2, 3, 1, 1, 8, 1, 0])),)
    assert "duplicate" in error('(module (func (@metadata.code.branch_hint "\\00") (@metadata.code.branch_hint "\\00") nop))').message
    assert "not in a function" in error('(module (@metadata.code.branch_hint "\\00"))').message


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("(module (memory 1 1 shared))", "unsupported", "threads"),
        ("(module (memory i64 1 1 shared))", "unsupported", "threads"),
        ("(module (memory $m 2) (func (memory.size $n) drop))", "malformed", "unknown memory $n"),
        ("(module (func (get_local 0)))", "malformed", "unknown operator"),
        ("(module (func (call $missing)))", "malformed", "unknown func"),
        ("(module (frob))", "malformed", "a module field"),
    ],
)
def test_rejected_modules(text: str, kind: str, message: str) -> None:
    err = error(text)
    assert err.kind == kind and message in err.message


def test_elaboration_errors_have_line_and_column() -> None:
    err = error("(module\n  (func\n    (local.get $nope)))")
    assert (err.kind, err.line, err.column) == ("malformed", 3, 16)
    assert str(err) == "malformed: unknown local $nope (at line 3, column 16)"


def test_offsets_are_positions_in_the_text() -> None:
    text = "(module\n  (func\n    nop))"
    nop = read_module_text(text).funcs[0].body[0]
    assert position(text, nop.offset) == (3, 5)


# -- scripts ----------------------------------------------------------------------


SCRIPT = r"""
(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(module binary "\00asm" "\01\00\00\00")
(module quote "(func)")
(module definition $D)
(module instance $I $D)
(register "m" $M)
(invoke $M "f" (i32.const -1))
(get "g")
(assert_return (invoke "f" (i32.const 0xffffffff)) (i32.const -1))
(assert_return (invoke "g" (f32.const -0x1p0) (ref.null extern) (ref.extern 3))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.func) (ref.extern) (ref.null) (either (i32.const 1) (i32.const 2)))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (start 0) (func unreachable)) "unreachable")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unclosed")
(assert_malformed_custom (module quote "(@custom)") "@custom annotation")
"""


def test_script_commands() -> None:
    commands = read_script(SCRIPT)
    assert [c.line for c in commands] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17]
    module, binary, quote, definition, instance, register, invoke, get = commands[:8]
    assert isinstance(module, ModuleCommand) and module.name == "M" and isinstance(module.source, TextModule)
    assert module.source.load().names.module == "M"
    assert binary == ModuleCommand(3, None, BinaryModule(b"\0asm\x01\0\0\0"))
    assert quote == ModuleCommand(4, None, QuoteModule(b"(func)"))
    assert isinstance(definition, ModuleCommand) and definition.is_definition and definition.name == "D"
    assert instance == ModuleInstance(6, "I", "D")
    assert register == Register(7, "m", "M")
    assert invoke == Invoke(8, "M", "f", (Value("i32", -1),))
    assert get == Get(9, None, "g")


def test_script_assertions() -> None:
    commands = read_script(SCRIPT)[8:]
    assert commands[0] == AssertReturn(10, Invoke(10, None, "f", (Value("i32", -1),)), (Value("i32", -1),))
    returns = commands[1]
    assert isinstance(returns, AssertReturn) and isinstance(returns.action, Invoke)
    assert returns.action.args == (Value("f32", 0xBF80_0000), Value("externref", None), Value("externref", 3))
    assert returns.expected == (
        NanPattern("f32", "canonical"), NanPattern("f64", "arithmetic"), RefPattern("funcref"), RefPattern("externref"),
        RefPattern(None, null=True), Either((Value("i32", 1), Value("i32", 2))),
    )  # fmt: skip
    assert commands[2] == AssertTrap(13, Invoke(13, None, "f", ()), "unreachable")
    assert isinstance(commands[3], AssertUninstantiable) and commands[3].message == "unreachable"
    assert isinstance(commands[4], AssertInvalid) and isinstance(commands[4].module.load(), Module)
    assert isinstance(commands[5], AssertMalformed)
    with pytest.raises(WasmError, match="unclosed"):
        commands[5].module.load()
    assert isinstance(commands[6], AssertMalformedCustom)


def test_a_script_of_module_fields_is_one_module() -> None:
    (command,) = read_script("(func) (memory 0) (func (export \"f\"))")
    assert isinstance(command, ModuleCommand) and len(command.source.load().funcs) == 2


def test_script_errors() -> None:
    with pytest.raises(WasmError, match="unsupported") as info:
        read_script('(module)\n(input "x.wast")')
    assert info.value.line == 2
    with pytest.raises(WasmError, match="malformed i32 constant"):
        read_script('(invoke "f" (i32.const x))')
    with pytest.raises(WasmError, match="wrong number of lane literals"):
        read_script('(invoke "f" (v128.const i32x4 0 0 0))')


def test_quote_modules_may_be_any_bytes() -> None:
    (command,) = read_script(r'(module quote "(@a \80)")')
    assert isinstance(command, ModuleCommand) and command.source == QuoteModule(b"(@a \x80)")
    with pytest.raises(WasmError, match="UTF-8"):
        command.source.load()


def test_producers_annotation() -> None:
    m = read_module_text('(module (@producers (processed-by "clang" "14") (language "C" "11") (processed-by "ld" "1")))')
    # Fields in the order language, processed-by; each a vector of (name, version).
    expected = b"\x02" + b"\x08language\x01\x01C\x0211" + b"\x0cprocessed-by\x02\x05clang\x0214\x02ld\x011"
    assert m.customs == (("producers", expected),)
