"""The elaborator: the fields of a text module -> an L-wasm `Module`.

Takes the items of a `(module ...)` (or of a text that is just module
fields) and gives the `Module` the decoder gives for the binary wasm-tools
makes of the same text, name section and custom sections included.  It
makes two passes over the fields, in their order:

1. *scan*: every field is read and its abbreviations taken apart -- inline
   imports and exports of functions, tables, memories and globals, a table's
   inline `(elem ...)`, a memory's inline `(data ...)` (at offset
   `i64.const 0` for a 64-bit table or memory) -- and every definition gets
   its index and, if it has one, its name; explicit type definitions are
   entered.  Imports must come before any definition.  (Before it, the
   names of the explicit types are taken, so that a reference type may
   name a type defined further down: `(ref $t)`.)
2. *elaborate*: the steps the scan recorded run in field order, so that the
   type uses without `(type x)` append their implicit types in the spec's
   order (function types, then the block and call_indirect types of each
   body, field after field), and names defined anywhere resolve.

The data count section is there exactly when a function uses memory.init or
data.drop, as wasm-tools writes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from lark import Token

from wastrel.frontend.decode import MAX_LOCALS
from wastrel.frontend.text import instrs
from wastrel.frontend.text.context import ModuleContext, Space
from wastrel.frontend.text.customs import CustomSection, branch_hint_section, custom_section, ordered, producers_section
from wastrel.frontend.text.cursor import Cursor, unexpected
from wastrel.frontend.text.literals import id_name, is_unsigned, string_name
from wastrel.frontend.text.sexpr import Annotation, Item, SList, fail
from wastrel.frontend.text.types import (
    TypeUse,
    address_type,
    declarations,
    subtype,
    globaltype,
    memtype,
    reftype,
    tabletype,
    typeuse,
)
from wastrel.ir.types import FUNC_INDEX_ELEMS, SHORTHANDS
from wastrel.ir.wasm import (
    PAGE_SIZE,
    Data,
    Elem,
    FINAL,
    CompositeType,
    Export,
    Func,
    FuncType,
    SubType,
    Global,
    GlobalType,
    Import,
    ImportDesc,
    Instr,
    Limits,
    MemoryType,
    Module,
    Names,
    Table,
    TableType,
    Tag,
)

EXTERN_KINDS = ("func", "table", "memory", "global", "tag")

Locals = list[tuple[Token | None, str]]  # (identifier, type)


def elaborate(fields: Cursor, module_id: Token | None = None) -> Module:
    """The module whose fields are the rest of `fields`."""
    return _Elaborator(module_id).run(fields)


@dataclass
class _Output:
    """The module's parts, appended to in field order."""

    imports: list[Import] = field(default_factory=list)
    funcs: list[tuple[int, tuple[str, ...], list[Instr], int]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    memories: list[MemoryType] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    datas: list[Data] = field(default_factory=list)
    func_names: dict[int, str] = field(default_factory=dict)
    local_names: dict[int, dict[int, str]] = field(default_factory=dict)
    global_names: dict[int, str] = field(default_factory=dict)
    hints: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # func -> (instr, value)


class _Elaborator:
    def __init__(self, module_id: Token | None) -> None:
        self.module_id = module_id
        self.ctx = ModuleContext()
        self.out = _Output()
        self.steps: list[Callable[[], None]] = []  # pass 2, in field order
        self.first_definition: str | None = None  # for "import after ..."
        self.has_start = False
        self.customs: list[CustomSection] = []
        self.fields_seen = False
        self.module_name_at: Annotation | None = None  # (@name "M")
        self.annotated_name: str | None = None

    def run(self, fields: Cursor) -> Module:
        self.name_types(fields)
        while not fields.done():
            item = fields.next("a module field")
            if isinstance(item, SList):
                self.field(item)
            elif isinstance(item, Annotation) and item.name == "custom":
                self.customs.append(custom_section(item))
            elif isinstance(item, Annotation) and item.name == "producers":
                self.customs.append(producers_section(item))
            elif isinstance(item, Annotation) and item.name == "name":
                self.module_name(item)
            elif isinstance(item, Annotation):
                raise fail(f"@{item.name} annotation: not in a function", item)
            else:
                raise unexpected(item, "a module field")
        for step in self.steps:
            step()
        self.ctx.patch_forward_blocks()
        return self.module()

    def module(self) -> Module:
        out, ctx = self.out, self.ctx
        names = Names(
            module=self.annotated_name or (id_name(self.module_id) if self.module_id is not None else None),
            funcs=out.func_names,
            locals=out.local_names,
            globals=out.global_names,
            types={index: name for name, index in ctx.spaces["type"].names.items()},
            fields={t: {k: name for name, k in space.names.items()} for t, space in ctx.field_names.items() if space.names},
        )
        module = Module(
            types=tuple(ctx.types),
            rec_groups=tuple(ctx.rec_groups) if any(size != 1 for size in ctx.rec_groups) else (),
            subtypes=tuple(ctx.subtypes) if any(sub != FINAL for sub in ctx.subtypes) else (),
            imports=tuple(out.imports),
            funcs=tuple(Func(t, loc, tuple(body), pos) for t, loc, body, pos in out.funcs),
            tables=tuple(out.tables),
            memories=tuple(out.memories),
            globals=tuple(out.globals),
            tags=tuple(out.tags),
            exports=tuple(out.exports),
            start=out.start,
            elems=tuple(out.elems),
            datas=tuple(out.datas),
            data_count=len(out.datas) if ctx.needs_data_count else None,
            names=names,
            from_text=True,
        )
        customs = list(self.customs)
        if out.hints:
            customs.append(branch_hint_section(module, out.hints))
        return dataclasses.replace(module, customs=ordered(customs)) if customs else module

    # -- pass 1: the fields ---------------------------------------------------------

    def name_types(self, fields: Cursor) -> None:
        """Index and name every explicit type definition (reference types
        may name types defined after them)."""
        for item in fields.lst[fields.pos :]:
            if isinstance(item, SList) and item.head() == "rec":
                for inner in item[1:]:
                    if isinstance(inner, SList) and inner.head() == "type":
                        self.ctx.spaces["type"].add(Cursor(inner, 1).take_id())
            elif isinstance(item, SList) and item.head() == "type":
                self.ctx.spaces["type"].add(Cursor(item, 1).take_id())

    def field(self, lst: SList) -> None:
        self.fields_seen = True
        head = lst.head()
        read = FIELDS.get(head) if head else None
        if read is None:
            raise unexpected(lst[0] if lst else lst, "a module field")
        read(self, lst, Cursor(lst, 1))

    def module_name(self, ann: Annotation) -> None:
        """`(@name "M")`: the module's name, before any field."""
        if self.module_name_at is not None:
            raise fail("@name annotation: multiple module", ann)
        if self.fields_seen:
            raise fail("misplaced @name annotation", ann)
        self.module_name_at = ann
        self.annotated_name = _annotated_name(ann)

    def later(self, step: Callable[..., None], *args: object) -> None:
        self.steps.append(partial(step, *args))

    def definition(self, kind: str, lst: SList, cur: Cursor) -> int | None:
        """The common head of a func, table, memory or global field: its
        identifier and inline exports, then an inline import, which makes
        the field an import (read here, giving None) or a definition
        (giving its index)."""
        ident = cur.take_id()
        annotated = cur.take_annotation("name")  # (@name "x"): the name section's name
        exports = []
        while (export := cur.take_list("export")) is not None:
            inner = Cursor(export, 1)
            exports.append((inner.name("an export name"), export.pos))
            inner.end()
        imported = cur.take_list("import")
        if imported is None:
            if self.first_definition is None:
                self.first_definition = kind
            index = self.ctx.spaces[kind].add(ident)
        else:
            index = self.import_index(kind, ident, lst)
        self.name(kind, index, ident, _annotated_name(annotated) if annotated is not None else None)
        for name, pos in exports:
            self.later(self.out.exports.append, Export(name, kind, index, pos))
        if imported is None:
            return index
        inner = Cursor(imported, 1)
        module, name = inner.name("a module name"), inner.name("an import name")
        inner.end()
        self.import_desc(module, name, kind, cur, lst)
        return None

    def import_index(self, kind: str, ident: Token | None, lst: SList) -> int:
        if self.first_definition is not None:
            raise fail(f"import after {self.first_definition}", lst)
        return self.ctx.spaces[kind].add(ident)

    def import_desc(self, module: str, name: str, kind: str, cur: Cursor, lst: SList) -> None:
        """An import of `kind`, described by the rest of `cur`."""
        desc: ImportDesc | TypeUse
        if kind in ("func", "tag"):
            desc = typeuse(cur, lst, self.types)
        elif kind == "table":
            desc = tabletype(cur, self.types)
        elif kind == "memory":
            desc = memtype(cur)
        else:
            desc = globaltype(cur, self.types)
        cur.end()
        self.later(self.import_step, module, name, kind, desc, lst.pos)

    def name(self, kind: str, index: int, ident: Token | None, annotated: str | None = None) -> None:
        """Names of functions and globals go to the name section (an
        `(@name ...)` annotation's rather than the identifier)."""
        if (ident is not None or annotated is not None) and kind in ("func", "global"):
            names = self.out.func_names if kind == "func" else self.out.global_names
            names[index] = annotated if annotated is not None else id_name(ident)  # type: ignore[arg-type]

    @property
    def types(self) -> Space:
        return self.ctx.spaces["type"]

    def type_field(self, lst: SList, cur: Cursor) -> None:
        self.ctx.define_types([self.type_definition(cur, len(self.ctx.types))], in_rec=False)

    def rec_field(self, lst: SList, cur: Cursor) -> None:
        """`(rec (type ...)*)`: a recursive group of types."""
        group: list[tuple[CompositeType, SubType]] = []
        while not cur.done():
            inner = cur.list("(type ...)")
            if inner.head() != "type":
                raise unexpected(inner, "(type ...)")
            group.append(self.type_definition(Cursor(inner, 1), len(self.ctx.types) + len(group)))
        self.ctx.define_types(group, in_rec=True)

    def type_definition(self, cur: Cursor, index: int) -> tuple[CompositeType, SubType]:
        """The type definition of type `index`, its field names noted."""
        cur.take_id()  # named by name_types
        names: list[Token | None] = []
        definition = subtype(cur.list("a type definition"), self.types, names)
        cur.end()
        fields = Space("field")
        for name in names:
            fields.add(name)
        self.ctx.field_names[index] = fields
        return definition

    def import_field(self, lst: SList, cur: Cursor) -> None:
        module, name = cur.name("a module name"), cur.name("an import name")
        desc = cur.list("an import description")
        cur.end()
        kind = desc.head()
        if kind not in EXTERN_KINDS:
            raise unexpected(desc, "(func ...), (table ...), (memory ...), (global ...) or (tag ...)")
        inner = Cursor(desc, 1)
        ident = inner.take_id()
        self.name(kind, self.import_index(kind, ident, lst), ident)
        self.import_desc(module, name, kind, inner, lst)

    def func_field(self, lst: SList, cur: Cursor) -> None:
        index = self.definition("func", lst, cur)
        if index is None:
            return
        use = typeuse(cur, lst, self.types)
        locals_: Locals = []
        while (local := cur.take_list("local")) is not None:
            locals_ += declarations(local, self.types)
        self.later(self.func_step, index, use, locals_, cur, lst)

    def table_field(self, lst: SList, cur: Cursor) -> None:
        index = self.definition("table", lst, cur)
        if index is None:
            return
        at = address_type(cur)
        if cur.peek_head() == "ref" or cur.peek_keyword() is not None:
            self.table_with_elems(index, at, lst, cur)
            return
        table_type = tabletype(cur, self.types, at)
        self.out.tables.append(Table(table_type, None, lst.pos))
        if not cur.done():  # the elements' initial value
            position = len(self.out.tables) - 1
            self.later(self.table_init_step, position, table_type, cur, lst.pos)

    def table_with_elems(self, index: int, at: str, lst: SList, cur: Cursor) -> None:
        """`(table at? reftype (elem ...))`: a table of address type `at` just
        large enough, and an active segment filling it."""
        elem_type = reftype(cur.next("a reference type"), self.types)
        payload = cur.take_list("elem")
        if payload is None:
            raise unexpected(cur.next("(elem ...)"), "(elem ...)")
        cur.end()
        items = Cursor(payload, 1)
        by_index = not isinstance(items.peek(), SList)
        if by_index:
            items.take_keyword("func")
        count = len(payload) - items.pos
        self.out.tables.append(Table(TableType(elem_type, Limits(count, count), at), None, lst.pos))
        self.ctx.spaces["elem"].add(None)
        offset = (Instr(f"{at}.const", (0,), lst.pos),)
        # Function indices for a funcref table are a `func` list (as wasm-tools writes it).
        segment_type = FUNC_INDEX_ELEMS if by_index and elem_type == "funcref" else elem_type
        self.later(self.elem_step, "active", index, offset, segment_type, by_index, items, lst.pos)

    def memory_field(self, lst: SList, cur: Cursor) -> None:
        index = self.definition("memory", lst, cur)
        if index is None:
            return
        at = address_type(cur)
        data = cur.take_list("data")
        if data is None:
            self.out.memories.append(memtype(cur, at))
            cur.end()
            return
        cur.end()
        init = Cursor(data, 1).strings()
        pages = -(-len(init) // PAGE_SIZE)
        self.out.memories.append(MemoryType(Limits(pages, pages), at))
        self.ctx.spaces["data"].add(None)
        segment = Data("active", init, index, (Instr(f"{at}.const", (0,), lst.pos),), lst.pos)
        self.later(self.out.datas.append, segment)

    def tag_field(self, lst: SList, cur: Cursor) -> None:
        if self.definition("tag", lst, cur) is None:
            return
        use = typeuse(cur, lst, self.types)
        cur.end()
        self.later(self.tag_step, use, lst.pos)

    def global_field(self, lst: SList, cur: Cursor) -> None:
        if self.definition("global", lst, cur) is None:
            return
        self.later(self.global_step, globaltype(cur, self.types), cur, lst.pos)

    def export_field(self, lst: SList, cur: Cursor) -> None:
        name = cur.name("an export name")
        desc = cur.list("an export description")
        cur.end()
        kind = desc.head()
        if kind not in EXTERN_KINDS:
            raise unexpected(desc, "(func ...), (table ...), (memory ...), (global ...) or (tag ...)")
        inner = Cursor(desc, 1)
        ref = inner.index(f"a {kind} index")
        inner.end()
        self.later(self.export_step, name, kind, ref, lst.pos)

    def start_field(self, lst: SList, cur: Cursor) -> None:
        if self.has_start:
            raise fail("multiple start sections", lst)
        self.has_start = True
        ref = cur.index("a function index")
        cur.end()
        self.later(self.start_step, ref)

    def elem_field(self, lst: SList, cur: Cursor) -> None:
        """`(elem id? declare? elemlist)` (passive or declarative) or
        `(elem id? x? (table x)? offset elemlist)` (active)."""
        self.ctx.spaces["elem"].add(cur.take_id())
        mode = "declarative" if cur.take_keyword("declare") else "passive"
        table: Token | None = None
        offset: SList | None = None
        if mode == "passive" and (is_unsigned(cur.peek()) or isinstance(cur.peek(), SList) and cur.peek_head() != "ref"):
            mode = "active"
            table = cur.take_index()  # the MVP's form, without `(table ...)`
            if table is None and (table_list := cur.take_list("table")) is not None:
                inner = Cursor(table_list, 1)
                table = inner.index("a table index")
                inner.end()
            offset = cur.list("an offset expression")
        elem_type, by_index = FUNC_INDEX_ELEMS, True
        if not cur.take_keyword("func") and (cur.peek_keyword() in SHORTHANDS or cur.peek_head() == "ref"):
            elem_type = reftype(cur.next("a reference type"), self.types)
            by_index = isinstance(cur.peek(), Token)  # `funcref $f $g`: function indices
        self.later(self.elem_step, mode, table, offset, elem_type, by_index, cur, lst.pos)

    def data_field(self, lst: SList, cur: Cursor) -> None:
        """`(data id? string*)` (passive) or
        `(data id? x? (memory x)? offset string*)` (active)."""
        self.ctx.spaces["data"].add(cur.take_id())
        item = cur.peek()
        if item is None or isinstance(item, Token) and item.type == "STRING":
            self.later(self.out.datas.append, Data("passive", cur.strings(), offset=lst.pos))
            return
        memory = cur.take_index()  # the MVP's form, without `(memory ...)`
        if memory is None and (memory_list := cur.take_list("memory")) is not None:
            inner = Cursor(memory_list, 1)
            memory = inner.index("a memory index")
            inner.end()
        offset = cur.list("an offset expression")
        self.later(self.data_step, memory, offset, cur, lst.pos)

    # -- pass 2: the steps ----------------------------------------------------------

    def import_step(self, module: str, name: str, kind: str, desc: ImportDesc | TypeUse, pos: int) -> None:
        if isinstance(desc, TypeUse):
            desc = self.ctx.type_index(desc)
        self.out.imports.append(Import(module, name, kind, desc, pos))

    def func_step(self, index: int, use: TypeUse, locals_: Locals, cur: Cursor, lst: SList) -> None:
        type_index = self.ctx.type_index(use)
        if use.inline:
            param_ids = [ident for ident, _ in use.params]
        else:
            definition = self.ctx.types[type_index] if type_index < len(self.ctx.types) else None
            param_ids = [None] * (len(definition.params) if isinstance(definition, FuncType) else 0)  # else invalid
        space = Space("local")
        names = {}
        for ident in param_ids + [ident for ident, _ in locals_]:
            local = space.add(ident)
            if ident is not None:
                names[local] = id_name(ident)
        if len(locals_) > MAX_LOCALS:
            raise fail(f"unsupported feature: more than {MAX_LOCALS} locals in one function", lst, kind="unsupported")
        body = instrs.body(self.ctx, space, cur, lst)
        self.out.funcs.append((type_index, tuple(t for _, t in locals_), body.instrs, lst.pos))
        if names:
            self.out.local_names[index] = names
        if body.hints:
            self.out.hints[index] = body.hints

    def tag_step(self, use: TypeUse, pos: int) -> None:
        self.out.tags.append(Tag(self.ctx.type_index(use), pos))

    def global_step(self, gtype: GlobalType, cur: Cursor, pos: int) -> None:
        self.out.globals.append(Global(gtype, instrs.const_expr(self.ctx, cur), pos))

    def table_init_step(self, position: int, table_type: TableType, cur: Cursor, pos: int) -> None:
        self.out.tables[position] = Table(table_type, instrs.const_expr(self.ctx, cur), pos)

    def export_step(self, name: str, kind: str, ref: Token, pos: int) -> None:
        self.out.exports.append(Export(name, kind, self.ctx.resolve(kind, ref), pos))

    def start_step(self, ref: Token) -> None:
        self.out.start = self.ctx.resolve("func", ref)

    def elem_step(self, mode: str, table: int | Token | None, offset: tuple[Instr, ...] | SList | None,
                  elem_type: str, by_index: bool, cur: Cursor, pos: int) -> None:
        """An element segment; its items are function indices if `by_index`,
        expressions otherwise."""
        if isinstance(table, Token):
            table = self.ctx.resolve("table", table)
        if isinstance(offset, SList):
            offset = self.offset_expr(offset)
        init = []
        while not cur.done():
            if by_index:
                ref = cur.index("a function index")
                init.append((Instr("ref.func", (self.ctx.resolve("func", ref),), ref.start_pos),))
            else:
                init.append(self.elem_expr(cur.next("an element expression")))
        self.out.elems.append(Elem(mode, elem_type, tuple(init), table or 0, offset, pos))

    def elem_expr(self, item: Item) -> tuple[Instr, ...]:
        if isinstance(item, SList) and item.head() == "item":
            return instrs.const_expr(self.ctx, Cursor(item, 1))
        return instrs.folded_expr(self.ctx, item)

    def offset_expr(self, lst: SList) -> tuple[Instr, ...]:
        if lst.head() == "offset":
            return instrs.const_expr(self.ctx, Cursor(lst, 1))
        return instrs.folded_expr(self.ctx, lst)

    def data_step(self, memory: Token | None, offset: SList, cur: Cursor, pos: int) -> None:
        memory_index = 0 if memory is None else self.ctx.resolve("memory", memory)
        offset_expr = self.offset_expr(offset)
        self.out.datas.append(Data("active", cur.strings(), memory_index, offset_expr, pos))


def _annotated_name(ann: Annotation) -> str:
    """The string of `(@name "x")`."""
    cur = Cursor(ann.items)
    name = string_name(cur.string_token("a name"))
    cur.end()
    return name


FIELDS: dict[str, Callable[[_Elaborator, SList, Cursor], None]] = {
    "type": _Elaborator.type_field,
    "rec": _Elaborator.rec_field,
    "import": _Elaborator.import_field,
    "func": _Elaborator.func_field,
    "table": _Elaborator.table_field,
    "memory": _Elaborator.memory_field,
    "global": _Elaborator.global_field,
    "tag": _Elaborator.tag_field,
    "export": _Elaborator.export_field,
    "start": _Elaborator.start_field,
    "elem": _Elaborator.elem_field,
    "data": _Elaborator.data_field,
}
