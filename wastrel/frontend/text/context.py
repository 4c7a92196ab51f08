"""The index spaces and types of a module being elaborated.

Takes the identifiers a module defines and the type uses it makes, and gives
indices: `Space` numbers one index space (functions, tables, ...; also the
locals of a function) and resolves `$name` or a number to an index;
`ModuleContext` holds all the module's spaces and its type section, to which
a type use without a `(type x)` adds an implicit type definition when no
existing one has its signature, in the order the uses come (the spec's rule,
which wasm-tools follows).
"""

from __future__ import annotations

from lark import Token

from wastrel.frontend.errors import WasmError
from wastrel.frontend.text.literals import id_name, unsigned
from wastrel.frontend.text.sexpr import fail
from wastrel.frontend.text.types import TypeUse
from wastrel.ir.wasm import FINAL, CompositeType, FuncType, Instr, SubType

SPACES = ("type", "func", "table", "memory", "global", "tag", "elem", "data")


class Space:
    """One index space: how many entries it has, and their names."""

    __slots__ = ("what", "names", "count")

    def __init__(self, what: str) -> None:
        self.what = what
        self.names: dict[str, int] = {}
        self.count = 0

    def add(self, ident: Token | None) -> int:
        """A new entry, named by `ident` if given; its index."""
        index = self.count
        self.count += 1
        if ident is not None:
            name = id_name(ident)
            if name in self.names:
                raise fail(f"duplicate {self.what} {ident}", ident)
            self.names[name] = index
        return index

    def resolve(self, ref: Token) -> int:
        """The index an identifier or a number refers to (numbers are not
        range-checked: that is the validator's job)."""
        if ref.type == "ID":
            index = self.names.get(id_name(ref))
            if index is None:
                raise fail(f"unknown {self.what} {ref}", ref)
            return index
        return unsigned(ref)


class ModuleContext:
    """The spaces and types of one module, and what its bodies need noted."""

    def __init__(self) -> None:
        self.spaces = {what: Space(what) for what in SPACES}
        self.types: list[CompositeType] = []
        self.subtypes: list[SubType] = []
        self.field_names: dict[int, Space] = {}  # the fields of each struct type
        self.rec_groups: list[int] = []  # the sizes of the explicit groups, then one per implicit type
        self._first_of: dict[FuncType, int] = {}
        self.needs_data_count = False  # a body uses memory.init or data.drop
        self._forward_blocks: list[tuple[list[Instr], int, Token]] = []  # (body, position, type)

    def resolve(self, space: str, ref: Token) -> int:
        return self.spaces[space].resolve(ref)

    def define_types(self, group: list[tuple[CompositeType, SubType]], in_rec: bool) -> None:
        """Explicit `(type ...)` definitions, or those of a `(rec ...)` (all
        come before any use; the elaborator has named them all first).  An
        implicit type use may only stand for a final function type alone in
        its group."""
        self.rec_groups.append(len(group))
        if not in_rec and len(group) == 1 and isinstance(group[0][0], FuncType) and group[0][1] == FINAL:
            self._first_of.setdefault(group[0][0], len(self.types))
        self.types += [t for t, _ in group]
        self.subtypes += [sub for _, sub in group]

    def _index_of(self, functype: FuncType) -> int:
        """The first type with this signature, added if there is none."""
        index = self._first_of.get(functype)
        if index is None:
            index = len(self.types)
            self.types.append(functype)
            self.subtypes.append(FINAL)
            self.rec_groups.append(1)
            self._first_of[functype] = index
            self.spaces["type"].count += 1
        return index

    def _referenced(self, use: TypeUse) -> int:
        """The index `(type x)` refers to, checked against the inline types."""
        assert use.ref is not None
        index = self.resolve("type", use.ref)
        if use.inline:
            if index >= len(self.types):
                raise fail(f"unknown type {use.ref}", use.ref)
            if self.types[index] != use.signature():
                raise fail("inline function type does not match the type definition", use.ref)
        return index

    def type_index(self, use: TypeUse) -> int:
        """The type index of a function's (or call_indirect's) type use."""
        return self._index_of(use.signature()) if use.ref is None else self._referenced(use)

    def block_type(self, use: TypeUse, out: list[Instr] | None) -> FuncType | None:
        """The type of a block whose instruction is about to be appended to
        `out`.  If `(type x)` names a type not there yet (one a later type use
        will add), the instruction gets its type in `patch_forward_blocks`
        -- or, when there is no `out` to patch, this is an error."""
        if use.ref is None:
            signature = use.signature()
            if signature.params or len(signature.results) > 1:
                self._index_of(signature)
            return signature
        index = self._referenced(use)
        if index < len(self.types):
            return _block_type(self.types[index], index, use.ref)
        if out is None:
            raise _unknown_type(index, use.ref)
        self._forward_blocks.append((out, len(out), use.ref))
        return None

    def patch_forward_blocks(self) -> None:
        for out, position, ref in self._forward_blocks:
            instr = out[position]
            index = self.resolve("type", ref)
            if index >= len(self.types):
                raise _unknown_type(index, ref)
            out[position] = Instr(instr.op, (_block_type(self.types[index], index, ref), *instr.args[1:]), instr.offset)


def _block_type(definition: CompositeType, index: int, ref: Token) -> FuncType:
    if not isinstance(definition, FuncType):
        raise WasmError("invalid", f"type mismatch: block type {index} is not a function type", ref.start_pos, line=ref.line, column=ref.column)
    return definition


def _unknown_type(index: int, ref: Token) -> WasmError:
    """A block type naming no type: invalid (as the decoder says)."""
    return WasmError("invalid", f"unknown type {index}", ref.start_pos, line=ref.line, column=ref.column)
