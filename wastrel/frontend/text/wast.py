"""The script reader: a .wast text -> the commands of `script`.

Takes the text of a WebAssembly script and gives its commands (see `script`
for what each means), in order, each with the line it starts on.  Modules
are not elaborated here (see `modules`), so a script reads even when one of
its modules is malformed or uses an unsupported feature; the constants of
actions and results are read here, and a malformed one is an error of the
whole script, as is a command wastrel does not know.  A script made only of
module fields (no command) is one module.
"""

from __future__ import annotations

from wastrel.frontend.errors import WasmError

from collections.abc import Callable

from lark import Token

from wastrel.frontend.text.cursor import Cursor, unexpected
from wastrel.frontend.text.instrs import lane_type, v128_lanes, v128_literal
from wastrel.frontend.text.literals import float_bits, id_name, integer, lane_bits, unsigned, v128_bits
from wastrel.frontend.text.modules import ModuleSource, TextModule, module_form
from wastrel.frontend.text.script import (
    Action,
    AssertException,
    AssertExhaustion,
    AssertInvalid,
    AssertInvalidCustom,
    AssertMalformed,
    AssertMalformedCustom,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    AssertUnlinkable,
    Command,
    Either,
    GcPattern,
    Expected,
    Get,
    Invoke,
    ModuleCommand,
    ModuleInstance,
    NanPattern,
    RefPattern,
    Register,
    V128Pattern,
    Value,
)
from wastrel.frontend.text.sexpr import Item, SList, fail, parse
from wastrel.frontend.text.types import heaptype
from wastrel.ir.types import reference
from wastrel.ir.simd import LANES

UNSUPPORTED_COMMANDS = {
    "script": "nested scripts",
    "input": "script input",
    "output": "script output",
    "thread": "threads",
    "wait": "threads",
    "assert_suspension": "stack switching",
}


def read_script(text: str | bytes) -> list[Command]:
    """The commands of a script (UTF-8 if bytes)."""
    items = parse(text)
    if items and not (isinstance(items[0], SList) and items[0].head() in COMMANDS):
        return [ModuleCommand(1, None, TextModule(items, 0, None))]
    commands = []
    for item in items:
        if not isinstance(item, SList):
            raise unexpected(item, "a command")
        head = item.head()
        read = COMMANDS.get(head) if head else None
        if read is None:
            if head in UNSUPPORTED_COMMANDS:
                raise fail(f"unsupported feature: {UNSUPPORTED_COMMANDS[head]} ({head})", item, kind="unsupported")
            raise unexpected(item, "a command")
        commands.append(read(item, Cursor(item, 1)))
    return commands


def _name(ident: Token | None) -> str | None:
    return None if ident is None else id_name(ident)


# -- modules ----------------------------------------------------------------------


def _module(lst: SList, cur: Cursor) -> ModuleCommand | ModuleInstance:
    if cur.take_keyword("instance"):
        instance, definition = cur.take_id(), cur.take_id()
        cur.end()
        return ModuleInstance(lst.line, _name(instance), _name(definition))
    is_definition = cur.take_keyword("definition") is not None
    ident, source = module_form(cur)
    return ModuleCommand(lst.line, _name(ident), source, is_definition)


def _module_arg(cur: Cursor) -> ModuleSource:
    """The module an assertion is about."""
    lst = cur.list("(module ...)")
    if lst.head() != "module":
        raise unexpected(lst, "(module ...)")
    inner = Cursor(lst, 1)
    inner.take_keyword("definition")
    return module_form(inner)[1]


def _register(lst: SList, cur: Cursor) -> Register:
    as_name = cur.name("a registration name")
    module = cur.take_id()
    cur.end()
    return Register(lst.line, as_name, _name(module))


# -- actions and values -----------------------------------------------------------


def _action(lst: SList, cur: Cursor) -> Action:
    module = _name(cur.take_id())
    field = cur.name("an export name")
    if lst.head() == "get":
        cur.end()
        return Get(lst.line, module, field)
    args = []
    while not cur.done():
        args.append(_value(cur.list("a constant")))
    return Invoke(lst.line, module, field, tuple(args))


def _action_arg(cur: Cursor) -> Action:
    lst = cur.list("an action")
    if lst.head() not in ("invoke", "get"):
        raise unexpected(lst, "(invoke ...) or (get ...)")
    return _action(lst, Cursor(lst, 1))


def _value(lst: SList) -> Value:
    """A constant: `(t.const n)`, `(v128.const shape n*)`, `(ref.null t)`,
    `(ref.extern n)`."""
    cur = Cursor(lst)
    op = cur.keyword("a constant")
    value = _number(op, cur) if op.endswith(".const") else _reference(op, cur)
    if value is None:
        raise unexpected(lst, "a constant")
    cur.end()
    return value


def _number(op: Token, cur: Cursor) -> Value | None:
    t = op[: -len(".const")]
    if t == "v128":
        return Value(t, v128_literal(cur, op))
    if t not in ("i32", "i64", "f32", "f64"):
        return None
    literal = cur.next("a number")
    if not isinstance(literal, Token):
        raise unexpected(literal, "a number")
    bits = int(t[1:])
    return Value(t, float_bits(literal, t) if t[0] == "f" else integer(literal, bits))


def _reference(op: Token, cur: Cursor) -> Value | None:
    if op == "ref.null":
        return Value(reference(True, heaptype(cur.next("a heap type"), None)), None)
    if op in ("ref.extern", "ref.host"):
        return Value("externref", unsigned(cur.index("a number"), 32))
    return None


def _expected(item: Item) -> Expected:
    """An expected result: a constant, or a pattern."""
    if not isinstance(item, SList):
        raise unexpected(item, "a result")
    head = item.head()
    cur = Cursor(item, 1)
    if head == "either":
        options = []
        while not cur.done():
            options.append(_expected(cur.next("a result")))
        return Either(tuple(options))
    if head in ("f32.const", "f64.const") and cur.peek_keyword() in NAN_PATTERNS:
        kind = cur.keyword()[len("nan:") :]
        cur.end()
        return NanPattern(head[:3], kind)
    if head == "v128.const":
        expected = _v128_expected(item, cur)
        cur.end()
        return expected
    if head in ("ref.func", "ref.extern", "ref.null") and cur.done():
        if head == "ref.null":
            return RefPattern(None, null=True)
        return RefPattern("funcref" if head == "ref.func" else "externref")
    if head in _GC_PATTERNS and cur.done():
        return GcPattern(str(head))
    return _value(item)


NAN_PATTERNS = ("nan:canonical", "nan:arithmetic")


def _v128_expected(lst: SList, cur: Cursor) -> Value | V128Pattern:
    """`(v128.const shape lane*)` as a result: a `Value`, or a `V128Pattern`
    if a float lane is a NaN pattern."""
    shape, tokens = v128_lanes(cur, lst)
    lanes: list[int | NanPattern] = []
    for token in tokens:
        if shape[0] == "f" and token in NAN_PATTERNS:
            lanes.append(NanPattern(lane_type(shape), token[len("nan:") :]))
        else:
            lanes.append(lane_bits(token, lane_type(shape)))
    numbers = [lane for lane in lanes if isinstance(lane, int)]
    if len(numbers) < len(lanes):
        return V128Pattern(shape, tuple(lanes))
    return Value("v128", v128_bits(numbers, 128 // LANES[shape]))


# Result patterns of GC references (Wasm 3.0), which wastrel does not have.
_GC_PATTERNS = ("ref.any", "ref.eq", "ref.i31", "ref.struct", "ref.array")


# -- assertions -------------------------------------------------------------------


def _assert_return(lst: SList, cur: Cursor) -> AssertReturn:
    action = _action_arg(cur)
    expected = []
    while not cur.done():
        expected.append(_expected(cur.next("a result")))
    return AssertReturn(lst.line, action, tuple(expected))


def _assert_trap(lst: SList, cur: Cursor) -> AssertTrap | AssertUninstantiable:
    if cur.peek_head() == "module":
        module = _module_arg(cur)
        return AssertUninstantiable(lst.line, module, _message(cur))
    action = _action_arg(cur)
    return AssertTrap(lst.line, action, _message(cur))


def _assert_exhaustion(lst: SList, cur: Cursor) -> AssertExhaustion:
    action = _action_arg(cur)
    return AssertExhaustion(lst.line, action, _message(cur))


def _assert_exception(lst: SList, cur: Cursor) -> AssertException:
    action = _action_arg(cur)
    cur.end()
    return AssertException(lst.line, action)


def _message(cur: Cursor) -> str:
    message = cur.name("a failure message")
    cur.end()
    return message


ModuleAssertion = type[AssertMalformed | AssertInvalid | AssertUnlinkable | AssertUninstantiable
                      | AssertMalformedCustom | AssertInvalidCustom]


def _about_module(cls: ModuleAssertion) -> Callable[[SList, Cursor], Command]:
    def read(lst: SList, cur: Cursor) -> Command:
        module = _module_arg(cur)
        return cls(lst.line, module, _message(cur))

    return read


COMMANDS: dict[str, Callable[[SList, Cursor], Command]] = {
    "module": _module,
    "register": _register,
    "invoke": _action,
    "get": _action,
    "assert_return": _assert_return,
    "assert_trap": _assert_trap,
    "assert_exhaustion": _assert_exhaustion,
    "assert_exception": _assert_exception,
    "assert_malformed": _about_module(AssertMalformed),
    "assert_invalid": _about_module(AssertInvalid),
    "assert_unlinkable": _about_module(AssertUnlinkable),
    "assert_uninstantiable": _about_module(AssertUninstantiable),
    "assert_malformed_custom": _about_module(AssertMalformedCustom),
    "assert_invalid_custom": _about_module(AssertInvalidCustom),
}
