"""Custom sections written in the text: `@custom` and `@producers`
annotations, and branch hints.

Takes a module-level `(@custom "name" placement? "data"*)` or `(@producers
...)` annotation, or the branch hints of a module's functions, and gives the
custom section it stands for, with the place it takes among the sections
wasm-tools writes (a placement `(before|after <section>)`, `(before first)`
or, by default, `(after last)`).  `ordered` gives the `(name, bytes)` list
of `Module.customs` in the order they come in the binary.

The branch hint section (`metadata.code.branch_hint`) holds, for each
function with hints, the byte offset of each hinted instruction from the
start of the function's body, which only the encoder knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token

from wastrel.frontend.encode import instruction_offsets, name, u32, vec
from wastrel.frontend.errors import WasmError
from wastrel.frontend.text.cursor import Cursor
from wastrel.frontend.text.literals import string_name
from wastrel.frontend.text.sexpr import Annotation, SList, fail
from wastrel.ir.wasm import Module

# Sections in binary order, as custom section placements name them.
ANCHORS = ("type", "import", "func", "table", "memory", "tag", "global", "export", "start", "elem", "code", "data")
BEFORE_FIRST = -1
AFTER_LAST = 3 * len(ANCHORS)
# The branch hint section comes just before the code section, after the
# custom sections placed `(before code)`.
BRANCH_HINTS_PLACE = 3 * ANCHORS.index("code") + 1


@dataclass(frozen=True)
class CustomSection:
    place: int  # before section i: 3i; after it: 3i + 2
    name: str
    data: bytes


def _error(message: str, ann: Annotation) -> WasmError:
    return fail(f"@custom annotation: {message}", ann)


def custom_section(ann: Annotation) -> CustomSection:
    cur = Cursor(ann.items)
    name_token = cur.peek()
    if not (isinstance(name_token, Token) and name_token.type == "STRING"):
        raise _error("missing section name", ann)
    cur.next("a section name")
    try:
        section_name = string_name(name_token)
    except WasmError:
        raise _error("malformed UTF-8 encoding", ann) from None
    place = AFTER_LAST
    placement = cur.peek()
    if isinstance(placement, SList):
        cur.next("a placement")
        place = _place(Cursor(placement), ann)
    data = bytearray()
    while not cur.done():
        item = cur.peek()
        if not (isinstance(item, Token) and item.type == "STRING"):
            raise _error("unexpected token", ann)
        data += cur.string()
    return CustomSection(place, section_name, bytes(data))


def _place(cur: Cursor, ann: Annotation) -> int:
    """`(before|after <section>)`, `(before first)` or `(after last)`."""
    where = cur.take_keyword("before", "after")
    if where is None:
        raise _error("malformed placement", ann)
    section = cur.take_keyword(*ANCHORS, "first", "last")
    if section is None or not cur.done():
        raise _error("malformed section kind", ann)
    if section in ("first", "last"):
        if (where, section) not in (("before", "first"), ("after", "last")):
            raise _error("malformed placement", ann)
        return BEFORE_FIRST if section == "first" else AFTER_LAST
    return 3 * ANCHORS.index(section) + (0 if where == "before" else 2)


PRODUCERS_FIELDS = ("language", "sdk", "processed-by")


def producers_section(ann: Annotation) -> CustomSection:
    """`(@producers (language|sdk|processed-by "name" "version")*)`: the
    `producers` section, its fields in that order, after the last section."""
    fields: dict[str, list[bytes]] = {field: [] for field in PRODUCERS_FIELDS}
    cur = Cursor(ann.items)
    while not cur.done():
        lst = cur.list("(language|sdk|processed-by ...)")
        inner = Cursor(lst)
        field = inner.keyword("language, sdk or processed-by")
        if field not in fields:
            raise fail(f"@producers annotation: unknown field {field}", field)
        fields[field].append(name(inner.name("a name")) + name(inner.name("a version")))
        inner.end()
    present = [name(field) + vec(values) for field, values in fields.items() if values]
    return CustomSection(AFTER_LAST, "producers", vec(present))


def branch_hint_section(module: Module, hints: dict[int, list[tuple[int, int]]]) -> CustomSection:
    """The `metadata.code.branch_hint` section for hints given per function
    index as (instruction index, hint value) pairs."""
    out = bytearray(u32(len(hints)))
    first_defined = module.num_imported_funcs
    for func_index in sorted(hints):
        offsets = instruction_offsets(module, module.funcs[func_index - first_defined])
        out += u32(func_index) + u32(len(hints[func_index]))
        for instr_index, value in hints[func_index]:
            out += u32(offsets[instr_index]) + u32(1) + u32(value)
    return CustomSection(BRANCH_HINTS_PLACE, "metadata.code.branch_hint", bytes(out))


def ordered(customs: list[CustomSection]) -> tuple[tuple[str, bytes], ...]:
    """`Module.customs`: by place, and in the text's order at one place."""
    return tuple((c.name, c.data) for c in sorted(customs, key=lambda c: c.place))

