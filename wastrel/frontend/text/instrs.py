"""Instructions of the text format: function bodies and constant expressions
-> flat L-wasm instruction sequences.

Takes the items of a body (plain instructions, folded ones, and
`@metadata.code.branch_hint` annotations) and gives the flat `Instr` list
the decoder would give for the same code: folded forms unfolded (operands
first, `(if c (then ...) (else ...))` as `c if ... else ... end`), labels
and locals resolved by name, immediates in L-wasm's conventions (see
`wastrel.ir.wasm`), block types resolved to `FuncType`s.  An instruction's
`offset` is the position of its keyword in the text.

Folded forms are read as wasm-tools reads them, which the spec's own valid
modules never contradict: the operands of a folded instruction may be plain
instructions too, and an `(else)` is kept even when empty.

Memory instructions (multi-memory) may name their memory first, by number
or identifier (`i32.load $m offset=8`, `memory.grow 1`, `memory.copy $dst
$src`, `memory.init $m $data`); offsets and alignments are u64s (an offset
beyond an i32 memory's is invalid, not malformed).

The SIMD instructions are those of the table in `wastrel.ir.simd`, their
immediates read by kind: a memarg as for the scalar loads (natural alignment
by default: the bytes the instruction accesses), then for the lane loads and
stores a lane index (`v128.load8_lane offset=1 3`: a lone integer is the
lane index); lane indices (u8s: whether the shape has that lane is for the
validator); the 16 lane indices of `i8x16.shuffle`; and `v128.const SHAPE
lane*` with as many lane literals as the shape has lanes.

A branch hint annotation applies to the instruction that follows it (for a
folded form, its head instruction); `Body.hints` lists them as
(instruction index, hint value).
"""

from __future__ import annotations

from collections.abc import Callable

from lark import Token

from wastrel.frontend.decode import MEMORY_OPS, NUMERIC_OPS, TRUNC_SAT_OPS
from wastrel.frontend.text.context import ModuleContext, Space
from wastrel.frontend.text.cursor import Cursor, unexpected
from wastrel.frontend.text.literals import (
    float_bits,
    id_name,
    integer,
    is_unsigned,
    lane_bits,
    lane_index,
    string_bytes,
    unsigned,
    v128_bits,
)
from wastrel.frontend.text.sexpr import Annotation, Item, SList, fail
from wastrel.frontend.text.types import TypeUse, heaptype, reftype, typeuse, valtypes
from wastrel.ir.gc import GC_OPS
from wastrel.ir.simd import LANES, SIMD_OPS
from wastrel.ir.types import reference
from wastrel.ir.wasm import Catch, Instr

CATCH_KINDS = ("catch", "catch_ref", "catch_all", "catch_all_ref")

BLOCK_OPS = ("block", "loop", "if")


def _unsupported_feature(op: str) -> str | None:
    """The proposal an instruction outside wastrel's set belongs to, if any."""
    if ".atomic." in op or op == "atomic.fence":
        return "threads"
    if op == "memory.discard":
        return "memory control"
    return None


class Body:
    """Elaborates one body (or constant expression) into `instrs`."""

    def __init__(self, ctx: ModuleContext, locals_: Space | None = None) -> None:
        self.ctx = ctx
        self.locals = locals_
        self.labels: list[str | None] = []
        self.instrs: list[Instr] = []
        self.hints: list[tuple[int, int]] = []
        self.pending_hint: tuple[int, Annotation] | None = None

    # -- output ---------------------------------------------------------------------

    def emit(self, op: str, args: tuple, at: Token | SList, hint: int | None = None) -> None:
        if op in ("call_indirect", "return_call_indirect"):  # its type use is resolved now, after its folded operands
            args = (self.ctx.type_index(args[0]), args[1])
        if hint is not None:
            if op not in ("if", "br_if"):  # the only instructions a branch hint may be about
                raise fail("@metadata.code.branch_hint annotation: invalid target", at, kind="invalid")
            self.hints.append((len(self.instrs), hint))
        pos = at.start_pos if isinstance(at, Token) else at.pos
        self.instrs.append(Instr(op, args, pos))

    def take_hint(self) -> int | None:
        if self.pending_hint is None:
            return None
        value = self.pending_hint[0]
        self.pending_hint = None
        return value

    def check_no_pending_hint(self) -> None:
        if self.pending_hint is not None:
            raise fail("@metadata.code.branch_hint annotation: must precede an instruction", self.pending_hint[1])

    def annotation(self, ann: Annotation) -> None:
        if ann.name != "metadata.code.branch_hint" or self.locals is None:
            raise fail(f"misplaced @{ann.name} annotation", ann)
        cur = Cursor(ann.items)
        value = string_bytes(cur.string_token("a hint value"))
        cur.end()
        if value not in (b"\x00", b"\x01"):
            raise fail("@metadata.code.branch_hint annotation: invalid value for branch hint", ann)
        if self.pending_hint is not None:
            raise fail("@metadata.code.branch_hint annotation: duplicate annotation", ann)
        self.pending_hint = (value[0], ann)

    # -- sequences ------------------------------------------------------------------

    def sequence(self, cur: Cursor) -> None:
        """Plain and folded instructions up to the end of `cur`."""
        while not cur.done():
            item = cur.next("an instruction")
            if isinstance(item, SList):
                self.folded(item)
            elif isinstance(item, Token) and item.type == "KEYWORD":
                self.plain(item, cur)
            elif isinstance(item, Annotation):
                self.annotation(item)
            else:
                raise unexpected(item, "an instruction")
        self.check_no_pending_hint()

    def finish(self, end_at: SList) -> None:
        """Close a function body with its final `end`."""
        if self.labels:
            raise fail("unclosed block: `end` expected", end_at)
        self.emit("end", (), end_at)

    def plain(self, op: Token, cur: Cursor) -> None:
        hint = self.take_hint()
        if op in BLOCK_OPS or op == "try":
            label = cur.take_id()
            self.open_block(op, label, typeuse(cur, op, self.types, named_params=False), hint)
        elif op == "try_table":
            label = cur.take_id()
            use = typeuse(cur, op, self.types, named_params=False)
            self.open_block(op, label, use, hint, self.catches(cur))
        elif op == "else":
            self.check_end_label(cur.take_id(), op, pop=False)
            self.emit("else", (), op, hint)
        elif op == "catch":  # legacy try: a handler
            self.check_no_labels(op)
            self.emit("catch", (self.ctx.resolve("tag", cur.index("a tag index")),), op, hint)
        elif op == "catch_all":
            self.check_no_labels(op)
            self.emit("catch_all", (), op, hint)
        elif op == "delegate":  # legacy try: ends it; the label counts from outside it
            self.check_end_label(None, op, pop=True)
            self.emit("delegate", (self.label(cur.index("a label")),), op, hint)
        elif op == "end":
            self.check_end_label(cur.take_id(), op, pop=True)
            self.emit("end", (), op, hint)
        else:
            self.emit(op, self.immediates(op, cur), op, hint)

    def folded(self, lst: SList) -> None:
        hint = self.take_hint()
        cur = Cursor(lst)
        op = cur.keyword("an instruction")
        if op in ("block", "loop"):
            self.open_block(op, cur.take_id(), typeuse(cur, op, self.types, named_params=False), hint)
            self.sequence(cur)
            self.close_block(lst)
        elif op == "try_table":
            label = cur.take_id()
            use = typeuse(cur, op, self.types, named_params=False)
            self.open_block(op, label, use, hint, self.catches(cur))
            self.sequence(cur)
            self.close_block(lst)
        elif op == "try":
            self.folded_try(op, cur, lst, hint)
        elif op == "if":
            self.folded_if(op, cur, lst, hint)
        elif op in ("else", "end", "then"):
            raise unexpected(op)
        else:
            args = self.immediates(op, cur)
            self.sequence(cur)
            self.emit(op, args, op, hint)

    def folded_if(self, op: Token, cur: Cursor, lst: SList, hint: int | None) -> None:
        """`(if label? blocktype folded* (then instr*) (else instr*)?)`"""
        label = cur.take_id()
        use = typeuse(cur, op, self.types, named_params=False)
        while cur.peek_head() != "then":
            item = cur.next("(then ...)")
            if isinstance(item, SList):
                self.folded(item)
            elif isinstance(item, Annotation):
                self.annotation(item)
            else:
                raise unexpected(item, "a folded instruction or (then ...)")
        then = cur.list("(then ...)")
        self.check_no_pending_hint()
        self.open_block(op, label, use, hint)
        self.sequence(Cursor(then, 1))
        otherwise = cur.take_list("else")
        if otherwise is not None:
            self.emit("else", (), otherwise)
            self.sequence(Cursor(otherwise, 1))
        cur.end()
        self.close_block(lst)

    def folded_try(self, op: Token, cur: Cursor, lst: SList, hint: int | None) -> None:
        """The legacy `(try label? blocktype (do instr*) (catch x instr*)*
        (catch_all instr*)?)`, or with `(delegate l)` for the handlers."""
        label = cur.take_id()
        self.open_block(op, label, typeuse(cur, op, self.types, named_params=False), hint)
        do = cur.list("(do ...)")
        if do.head() != "do":
            raise unexpected(do, "(do ...)")
        self.sequence(Cursor(do, 1))
        delegate = cur.take_list("delegate")
        if delegate is not None:
            cur.end()
            inner = Cursor(delegate, 1)
            self.labels.pop()
            self.emit("delegate", (self.label(inner.index("a label")),), delegate)
            inner.end()
            return
        while (handler := cur.take_list("catch")) is not None:
            inner = Cursor(handler, 1)
            self.emit("catch", (self.ctx.resolve("tag", inner.index("a tag index")),), handler)
            self.sequence(inner)
        if (handler := cur.take_list("catch_all")) is not None:
            self.emit("catch_all", (), handler)
            self.sequence(Cursor(handler, 1))
        cur.end()
        self.close_block(lst)

    def catches(self, cur: Cursor) -> tuple[Catch, ...]:
        """try_table's catch clauses; their labels count from outside it."""
        out = []
        while (head := cur.peek_head()) in CATCH_KINDS:
            inner = Cursor(cur.list("a catch clause"), 1)
            tag = self.ctx.resolve("tag", inner.index("a tag index")) if head in ("catch", "catch_ref") else None
            out.append(Catch(str(head), tag, self.label(inner.index("a label"))))
            inner.end()
        return tuple(out)

    def check_no_labels(self, op: Token) -> None:
        if not self.labels:
            raise fail(f"`{op}` without an open try", op)

    # -- blocks and labels ----------------------------------------------------------

    def open_block(self, op: Token, label: Token | None, use: TypeUse, hint: int | None, catches: tuple[Catch, ...] | None = None) -> None:
        # In a function body, a block type may name a type some later use adds.
        functype = self.ctx.block_type(use, self.instrs if self.locals is not None else None)
        self.emit(str(op), (functype,) if catches is None else (functype, catches), op, hint)
        self.labels.append(id_name(label) if label is not None else None)

    def close_block(self, lst: SList) -> None:
        self.labels.pop()
        self.emit("end", (), lst)

    def check_end_label(self, label: Token | None, op: Token, pop: bool) -> None:
        if not self.labels:
            raise fail(f"`{op}` without an open block", op)
        opened = self.labels.pop() if pop else self.labels[-1]
        if label is not None and id_name(label) != opened:
            raise fail(f"mismatching label {label} at `{op}`", label)

    def label(self, ref: Token) -> int:
        if ref.type == "NUM":
            return unsigned(ref)
        name = id_name(ref)
        for depth, label in enumerate(reversed(self.labels)):
            if label == name:
                return depth
        raise fail(f"unknown label {ref}", ref)

    # -- immediates -----------------------------------------------------------------

    def immediates(self, op: Token, cur: Cursor) -> tuple:
        read = IMMEDIATES.get(op)
        if read is None:
            feature = _unsupported_feature(op)
            if feature is not None:
                raise fail(f"unsupported feature: {feature} ({op})", op, kind="unsupported")
            raise fail(f"unknown operator {str(op)!r}", op)
        return read(self, cur, op)

    @property
    def types(self) -> Space:
        return self.ctx.spaces["type"]

    def local(self, cur: Cursor, op: Token) -> tuple:
        ref = cur.index("a local index")
        if self.locals is None:
            raise fail(f"`{op}` outside a function", op)
        return (self.locals.resolve(ref),)

    def memory_index(self, ref: Token | None) -> int:
        """The memory `ref` names; memory 0 if there is none."""
        return 0 if ref is None else self.ctx.resolve("memory", ref)

    def memarg(self, cur: Cursor, op: Token) -> tuple:
        return self.memarg_after(cur.take_index(), cur, op)

    def memarg_after(self, memory: Token | None, cur: Cursor, op: Token) -> tuple:
        """`offset=`, `align=` (u64s) after the memory index `memory` (if
        given): (align_log2, offset, memidx)."""
        memidx = self.memory_index(memory)
        offset = 0
        align = NATURAL_ALIGN[op]
        if (word := cur.take_prefixed("offset=")) is not None:
            offset = unsigned(_suffix(word, "offset="), 64)
        if (word := cur.take_prefixed("align=")) is not None:
            align = unsigned(_suffix(word, "align="), 64)
            if align == 0 or align & (align - 1):
                raise fail("alignment must be a power of two", word)
        return (align.bit_length() - 1, offset, memidx)

    def memarg_lane(self, cur: Cursor, op: Token) -> tuple:
        """`memidx? memarg laneidx`: an integer not followed by a memarg or
        another integer is the lane index, not a memory index."""
        first = cur.take_index()
        if first is not None and first.type == "NUM" and not _memarg_or_lane_follows(cur):
            return self.memarg_after(None, cur, op) + (lane_index(first),)
        return self.memarg_after(first, cur, op) + _lane(self, cur, op)

    def call_indirect(self, cur: Cursor, op: Token) -> tuple:
        table = cur.take_index()
        return (typeuse(cur, op, self.types, named_params=False), 0 if table is None else self.ctx.resolve("table", table))


def _suffix(word: Token, prefix: str) -> Token:
    n = len(prefix)
    return Token("NUM", word[n:], word.start_pos + n, word.line, word.column + n)


def _natural_align(op: str) -> int:
    width = "".join(c for c in op.split(".")[1] if c.isdigit())
    return int(width) // 8 if width else int(op[1:3]) // 8


NATURAL_ALIGN = {op: _natural_align(op) for op in MEMORY_OPS} | {
    op.name: op.access_bytes for op in SIMD_OPS if op.access_bytes
}


def _memarg_or_lane_follows(cur: Cursor) -> bool:
    """Whether an `offset=`, an `align=` or a lane index comes next."""
    word = cur.peek_keyword()
    return (word is not None and word.startswith(("offset=", "align="))) or is_unsigned(cur.peek())


def _none(b: Body, cur: Cursor, op: Token) -> tuple:
    return ()


def _index_of(space: str) -> Callable[[Body, Cursor, Token], tuple]:
    def read(b: Body, cur: Cursor, op: Token) -> tuple:
        return (b.ctx.resolve(space, cur.index(f"a {space} index")),)

    return read


def _optional_table(b: Body, cur: Cursor, op: Token) -> tuple:
    ref = cur.take_index()
    return (0 if ref is None else b.ctx.resolve("table", ref),)


def _label(b: Body, cur: Cursor, op: Token) -> tuple:
    return (b.label(cur.index("a label")),)


def _br_table(b: Body, cur: Cursor, op: Token) -> tuple:
    depths = [b.label(cur.index("a label"))]
    while (ref := cur.take_index()) is not None:
        depths.append(b.label(ref))
    return (tuple(depths[:-1]), depths[-1])


def _table_copy(b: Body, cur: Cursor, op: Token) -> tuple:
    dst = cur.take_index()
    if dst is None:
        return (0, 0)
    return (b.ctx.resolve("table", dst), b.ctx.resolve("table", cur.index("a table index")))


def _table_init(b: Body, cur: Cursor, op: Token) -> tuple:
    first = cur.index("an element segment index")
    second = cur.take_index()
    if second is None:
        return (b.ctx.resolve("elem", first), 0)
    return (b.ctx.resolve("elem", second), b.ctx.resolve("table", first))


def _memory_init(b: Body, cur: Cursor, op: Token) -> tuple:
    b.ctx.needs_data_count = True
    first = cur.index("a data segment index")
    second = cur.take_index()
    if second is None:
        return (b.ctx.resolve("data", first), 0)
    return (b.ctx.resolve("data", second), b.memory_index(first))


def _type_and(second: str | None) -> Callable[[Body, Cursor, Token], tuple]:
    """A GC instruction's type index, then a field, a count, a data or an
    element segment, or another type (`second`), if any."""

    def read(b: Body, cur: Cursor, op: Token) -> tuple:
        type_index = b.ctx.resolve("type", cur.index("a type index"))
        if second is None:
            return (type_index,)
        if second == "field":
            fields = b.ctx.field_names.get(type_index)
            ref = cur.index("a field index")
            return (type_index, fields.resolve(ref) if fields is not None else unsigned(ref))
        if second == "count":
            return (type_index, unsigned(cur.index("a count"), 32))
        if second == "data":
            b.ctx.needs_data_count = True
        return (type_index, b.ctx.resolve(second, cur.index(f"a {second} index")))

    return read


def _cast_type(b: Body, cur: Cursor, op: Token) -> tuple:
    return (reftype(cur.next("a reference type"), b.types),)


def _cast_branch(b: Body, cur: Cursor, op: Token) -> tuple:
    depth = b.label(cur.index("a label"))
    first = reftype(cur.next("a reference type"), b.types)
    return (depth, first, reftype(cur.next("a reference type"), b.types))


GC_IMMEDIATES: dict[str, Callable[[Body, Cursor, Token], tuple]] = {
    "none": _none,
    "type": _type_and(None),
    "type_field": _type_and("field"),
    "type_count": _type_and("count"),
    "type_data": _type_and("data"),
    "type_elem": _type_and("elem"),
    "two_types": _type_and("type"),
    "reftype": _cast_type,
    "cast_branch": _cast_branch,
}


def _data_drop(b: Body, cur: Cursor, op: Token) -> tuple:
    b.ctx.needs_data_count = True
    return (b.ctx.resolve("data", cur.index("a data segment index")),)


def _memory(b: Body, cur: Cursor, op: Token) -> tuple:
    return (b.memory_index(cur.take_index()),)


def _memory_copy(b: Body, cur: Cursor, op: Token) -> tuple:
    dst = cur.take_index()
    if dst is None:
        return (0, 0)
    return (b.memory_index(dst), b.memory_index(cur.index("a memory index")))


def _const(bits: int, floating: bool) -> Callable[[Body, Cursor, Token], tuple]:
    fmt = f"f{bits}"

    def read(b: Body, cur: Cursor, op: Token) -> tuple:
        item = cur.next("a constant")
        if not isinstance(item, Token):
            raise unexpected(item, "a constant")
        return (float_bits(item, fmt) if floating else integer(item, bits),)

    return read


def _lane(b: Body, cur: Cursor, op: Token) -> tuple:
    item = cur.next("a lane index")
    if not isinstance(item, Token):
        raise unexpected(item, "a lane index")
    return (lane_index(item),)


def _shuffle(b: Body, cur: Cursor, op: Token) -> tuple:
    """The 16 lane indices of `i8x16.shuffle`."""
    tokens = []
    while isinstance(item := cur.peek(), Token) and item.type == "NUM":
        tokens.append(cur.next("a lane index"))
    if len(tokens) != 16:
        raise fail(f"invalid lane length: {op} takes 16 lane indices, got {len(tokens)}", op)
    return (tuple(lane_index(t) for t in tokens),)


def v128_shape(cur: Cursor) -> str:
    """The shape of a `v128.const`: i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2."""
    item = cur.next("a shape")
    if not (isinstance(item, Token) and item.type == "KEYWORD" and item in LANES):
        raise unexpected(item, "a shape (i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2)")
    return str(item)


def _is_lane_literal(item: Item | None, floating: bool) -> bool:
    """Whether `item` is meant as a lane literal (it may be a malformed one)."""
    if not isinstance(item, Token):
        return False
    if item.type in ("NUM", "RESERVED"):
        return True
    return floating and item.type == "KEYWORD" and item.startswith(("inf", "nan"))


def v128_lanes(cur: Cursor, at: Item) -> tuple[str, list[Token]]:
    """What follows `v128.const` (at `at`): its shape and its lane literals,
    one per lane (an error if there are more or fewer), not yet read."""
    shape = v128_shape(cur)
    tokens = []
    while _is_lane_literal(cur.peek(), shape[0] == "f"):
        tokens.append(cur.next("a lane literal"))
    if len(tokens) != LANES[shape]:
        raise fail(f"wrong number of lane literals: {shape} takes {LANES[shape]}, got {len(tokens)}", at)
    return shape, tokens


def lane_type(shape: str) -> str:
    """The type of a shape's lanes: i8 for i8x16, ..., f64 for f64x2."""
    return shape.partition("x")[0]


def v128_literal(cur: Cursor, at: Item) -> int:
    """The 128 bits of what follows `v128.const` (at `at`)."""
    shape, tokens = v128_lanes(cur, at)
    lanes = [lane_bits(t, lane_type(shape)) for t in tokens]
    return v128_bits(lanes, 128 // LANES[shape])


def _v128_const(b: Body, cur: Cursor, op: Token) -> tuple:
    return (v128_literal(cur, op),)


# The reader of each immediate kind of `wastrel.ir.simd`.
SIMD_IMMEDIATES: dict[str, Callable[[Body, Cursor, Token], tuple]] = {
    "none": _none,
    "memarg": Body.memarg,
    "memarg_lane": Body.memarg_lane,
    "lane": _lane,
    "v128": _v128_const,
    "shuffle": _shuffle,
}


def _ref_null(b: Body, cur: Cursor, op: Token) -> tuple:
    return (reference(True, heaptype(cur.next("a heap type"), b.types)),)


def _select(b: Body, cur: Cursor, op: Token) -> tuple:
    results = None
    while (lst := cur.take_list("result")) is not None:
        results = (results or []) + valtypes(Cursor(lst, 1), b.types)
    return () if results is None else (tuple(results),)


IMMEDIATES: dict[str, Callable[[Body, Cursor, Token], tuple]] = {
    **{op: _none for op in ("unreachable", "nop", "return", "drop", "ref.is_null", "ref.as_non_null", "throw_ref", *NUMERIC_OPS, *TRUNC_SAT_OPS)},
    **{op: Body.memarg for op in MEMORY_OPS},
    "br": _label,
    "br_if": _label,
    "br_on_null": _label,
    "rethrow": _label,
    "throw": _index_of("tag"),
    "br_on_non_null": _label,
    "br_table": _br_table,
    "call": _index_of("func"),
    "call_indirect": Body.call_indirect,
    "return_call": _index_of("func"),
    "return_call_indirect": Body.call_indirect,
    "call_ref": _index_of("type"),
    "return_call_ref": _index_of("type"),
    "select": _select,
    "local.get": Body.local,
    "local.set": Body.local,
    "local.tee": Body.local,
    "global.get": _index_of("global"),
    "global.set": _index_of("global"),
    **{f"table.{op}": _optional_table for op in ("get", "set", "size", "grow", "fill")},
    "table.copy": _table_copy,
    "table.init": _table_init,
    "elem.drop": _index_of("elem"),
    "memory.size": _memory,
    "memory.grow": _memory,
    "memory.fill": _memory,
    "memory.copy": _memory_copy,
    "memory.init": _memory_init,
    "data.drop": _data_drop,
    "i32.const": _const(32, False),
    "i64.const": _const(64, False),
    "f32.const": _const(32, True),
    "f64.const": _const(64, True),
    "ref.null": _ref_null,
    "ref.func": _index_of("func"),
    "ref.eq": _none,
    **{op.name: GC_IMMEDIATES[op.immediate] for op in GC_OPS},
    **{op.name: SIMD_IMMEDIATES[op.immediate] for op in SIMD_OPS},
}


def body(ctx: ModuleContext, locals_: Space, cur: Cursor, end_at: SList) -> Body:
    """A function body: the instructions of `cur`, closed by a final `end`."""
    b = Body(ctx, locals_)
    b.sequence(cur)
    b.finish(end_at)
    return b


def const_expr(ctx: ModuleContext, cur: Cursor) -> tuple[Instr, ...]:
    """A constant expression (without its final `end`, as L-wasm keeps it)."""
    b = Body(ctx)
    b.sequence(cur)
    if b.labels:
        raise fail("unclosed block: `end` expected", cur.lst)
    return tuple(b.instrs)


def folded_expr(ctx: ModuleContext, item: Item) -> tuple[Instr, ...]:
    """The abbreviation of an expression by one folded instruction."""
    if not isinstance(item, SList):
        raise unexpected(item, "a folded instruction")
    b = Body(ctx)
    b.folded(item)
    return tuple(b.instrs)
