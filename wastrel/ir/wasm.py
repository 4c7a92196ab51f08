"""L-wasm: the first language, a WebAssembly module as the decoder gives it.

Module fields follow the binary format's sections.  Each function body is a
flat sequence of `Instr`, structured instructions included (`block`, `loop`,
`if`, `else`, `end`).  Every instruction keeps the byte offset (or, for text,
the position) it came from so that later errors can point at it.

Conventions for instruction immediates (`Instr.args`):

* `block`/`loop`/`if`: `(FuncType,)` -- the block type, already resolved.
* `br`/`br_if`: `(depth,)`; `br_table`: `(depths: tuple[int, ...], default)`.
* `call`: `(funcidx,)`; `call_indirect`: `(typeidx, tableidx)`.
* `local.*`, `global.*`, `table.get/set/size/grow/fill`: `(index,)`.
* loads and stores: `(align_log2, offset, memidx)` (the memory index is 0
  unless the module has several memories).
* `memory.size`/`memory.grow`/`memory.fill`: `(memidx,)`;
  `memory.copy`: `(dst_mem, src_mem)`; `memory.init`: `(dataidx, memidx)`;
  `data.drop`: `(dataidx,)`.
* `table.copy`: `(dst_table, src_table)`; `table.init`: `(elemidx, tableidx)`;
  `elem.drop`: `(elemidx,)`.
* `i32.const`/`i64.const`: `(value,)`, a Python int in the signed range.
* `f32.const`/`f64.const`: `(bits,)`, the IEEE bit pattern as an unsigned int
  (so NaN payloads survive).
* `select`: `()`; typed `select`: `(valtypes,)`.
* `ref.null`: `(reftype,)`, the nullable reference type it gives;
  `ref.func`: `(funcidx,)`; `call_ref`/`return_call_ref`: `(typeidx,)`;
  `br_on_null`/`br_on_non_null`: `(depth,)`.
* Exceptions: `throw`: `(tagidx,)`; `throw_ref`: `()`; `try_table`:
  `(FuncType, catches)`, each catch a `Catch`; the legacy `try`: `(FuncType,)`,
  `catch`: `(tagidx,)`, `catch_all`: `()`, `delegate`/`rethrow`: `(depth,)`.
* SIMD (`ir/simd.py` has every instruction and its immediate kind):
  `v128.const`: `(bits,)`, the 128 bits as an unsigned int (lane 0 lowest);
  SIMD loads and stores: `(align_log2, offset, memidx)`, with `lane` after
  them for `v128.load8_lane` and the like; `extract_lane`/`replace_lane`: `(lane,)`;
  `i8x16.shuffle`: `(lanes,)`, a tuple of 16 byte indices.

Value types are strings: those in `VALTYPES`, and the reference types of
typed function references written as the text format writes them
(`(ref 3)`, `(ref null func)`, `nullfuncref`; see `ir/types.py`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable, TypeVar

from wastrel.ir.fast_init import fast_init

T = TypeVar("T")

NUMTYPES = ("i32", "i64", "f32", "f64")
REFTYPES = ("funcref", "externref")
VALTYPES = NUMTYPES + ("v128",) + REFTYPES

PAGE_SIZE = 65536


@fast_init
@dataclass(frozen=True, slots=True)
class Instr:
    op: str
    args: tuple = ()
    offset: int = 0

    def __repr__(self) -> str:
        inner = " ".join(repr(a) for a in self.args)
        return f"({self.op}{' ' + inner if inner else ''})"


@dataclass(frozen=True, slots=True)
class FuncType:
    params: tuple[str, ...] = ()
    results: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{' '.join(self.params)}] -> [{' '.join(self.results)}]"


@dataclass(frozen=True, slots=True)
class FieldType:
    """A struct field or array element: a value type, or a packed type
    (`i8`, `i16`), and whether it may be set."""

    storage: str
    mutable: bool = False

    @property
    def unpacked(self) -> str:
        """The value type it is read and written as (i8, i16: i32)."""
        return "i32" if self.storage in ("i8", "i16") else self.storage


@dataclass(frozen=True, slots=True)
class StructType:
    fields: tuple[FieldType, ...] = ()


@dataclass(frozen=True, slots=True)
class ArrayType:
    element: FieldType


CompositeType = FuncType | StructType | ArrayType  # GC: struct and array types


@dataclass(frozen=True, slots=True)
class SubType:
    """How a defined type stands among the others (GC): `final` types have
    no subtypes; `supertypes` holds at most one type index."""

    final: bool = True
    supertypes: tuple[int, ...] = ()


FINAL = SubType()


@dataclass(frozen=True, slots=True)
class Limits:
    min: int
    max: int | None = None


@dataclass(frozen=True, slots=True)
class TableType:
    elem: str  # a reftype
    limits: Limits
    address_type: str = "i32"  # "i64": a table64 (memory64 proposal), indexed by i64


@dataclass(frozen=True, slots=True)
class Table:
    """A defined table: its type, and the constant expression its elements
    start as (None: null; a table of a non-nullable type must have one)."""

    type: TableType
    init: tuple[Instr, ...] | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class MemoryType:
    limits: Limits
    address_type: str = "i32"  # "i64": a memory64, addressed by i64 (limits in pages up to 2^48)


@dataclass(frozen=True, slots=True)
class GlobalType:
    type: str
    mutable: bool = False


ImportDesc = int | TableType | MemoryType | GlobalType  # int: a type index (of a function or a tag)


@dataclass(frozen=True, slots=True)
class Catch:
    """A catch clause of `try_table`: `kind` is catch, catch_ref, catch_all
    or catch_all_ref; `tag` None for the catch_all ones; `depth` the label
    it branches to, counted from outside the try_table."""

    kind: str
    tag: int | None
    depth: int


@dataclass(frozen=True, slots=True)
class Tag:
    """A defined exception tag: its type (a function type without results)."""

    type_index: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    name: str
    kind: str  # "func" | "table" | "memory" | "global" | "tag"
    desc: ImportDesc
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    kind: str  # "func" | "table" | "memory" | "global" | "tag"
    index: int
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Func:
    type_index: int
    locals: tuple[str, ...]  # declared locals, parameters not included
    body: tuple[Instr, ...]  # flat, ends with the function's final `end`
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Global:
    type: GlobalType
    init: tuple[Instr, ...]  # a constant expression, without its `end`
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Elem:
    mode: str  # "active" | "passive" | "declarative"
    type: str  # a reftype
    init: tuple[tuple[Instr, ...], ...]  # one constant expression per element
    table: int = 0
    offset_expr: tuple[Instr, ...] | None = None  # active segments only
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Data:
    mode: str  # "active" | "passive"
    init: bytes
    memory: int = 0
    offset_expr: tuple[Instr, ...] | None = None  # active segments only
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Names:
    """The contents of the `name` custom section (all optional)."""

    module: str | None = None
    funcs: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)
    globals: dict[int, str] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    fields: dict[int, dict[int, str]] = field(default_factory=dict)  # of struct types


def rec_group_ranges(sizes: tuple[int, ...], count: int) -> list[range]:
    """The groups of `count` types whose sizes are `sizes` (() : one each)."""
    if not sizes:
        return [range(i, i + 1) for i in range(count)]
    out, start = [], 0
    for size in sizes:
        out.append(range(start, start + size))
        start += size
    return out


def per_module(analysis: Callable[[Module], T]) -> Callable[[Module], T]:
    """`analysis` of a whole module, computed once per module: a pass run
    part by part (`manager.run_in_parts`: a big module's functions a few
    at a time) asks for it once per part, and an analysis of every
    function each time would make a big module's translation quadratic.
    The result is shared, so it must not be changed, and it is dropped
    with the module; it must not refer to the module (that would keep the
    module alive)."""
    results: dict[int, T] = {}

    @wraps(analysis)
    def once(module: Module) -> T:
        key = id(module)
        if key not in results:
            results[key] = analysis(module)
            weakref.finalize(module, results.pop, key, None)  # (before the id can be another module's)
        return results[key]

    return once


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Module:
    types: tuple[CompositeType, ...] = ()
    rec_groups: tuple[int, ...] = ()  # the sizes of the recursive type groups, in order; () if each type is alone
    subtypes: tuple[SubType, ...] = ()  # one per type; () if every type is final, without supertypes
    imports: tuple[Import, ...] = ()
    funcs: tuple[Func, ...] = ()  # defined functions only
    tables: tuple[Table, ...] = ()  # defined tables only
    memories: tuple[MemoryType, ...] = ()  # defined memories only
    globals: tuple[Global, ...] = ()  # defined globals only
    tags: tuple[Tag, ...] = ()  # defined tags only
    exports: tuple[Export, ...] = ()
    start: int | None = None
    elems: tuple[Elem, ...] = ()
    datas: tuple[Data, ...] = ()
    data_count: int | None = None
    names: Names = field(default_factory=Names)
    customs: tuple[tuple[str, bytes], ...] = ()  # other custom sections
    from_text: bool = field(default=False, compare=False)  # read by the text reader: offsets are positions in the text, not bytes
    # (of a module from text) each function's body offset in its binary encoding, if known (backtraces)
    binary_offsets: tuple[int, ...] = field(default=(), compare=False)

    # -- index spaces: imports come first, then definitions --------------

    def rec_group_ranges(self) -> list[range]:
        """The type indices of each recursive type group, in order."""
        return rec_group_ranges(self.rec_groups, len(self.types))

    def subtype(self, index: int) -> SubType:
        return self.subtypes[index] if self.subtypes else FINAL

    def imports_of(self, kind: str) -> list[Import]:
        return [i for i in self.imports if i.kind == kind]

    @property
    def num_imported_funcs(self) -> int:
        return len(self.imports_of("func"))

    def func_type_indices(self) -> list[int]:
        """The type index of every function in the function index space."""
        return [i.desc for i in self.imports_of("func")] + [f.type_index for f in self.funcs]  # type: ignore[misc]

    def func_type(self, funcidx: int) -> FuncType:
        return _func_types(self)[funcidx]  # (the validator has checked it is one)

    def table_types(self) -> list[TableType]:
        return [i.desc for i in self.imports_of("table")] + [t.type for t in self.tables]  # type: ignore[misc]

    def memory_types(self) -> list[MemoryType]:
        return [i.desc for i in self.imports_of("memory")] + list(self.memories)  # type: ignore[misc]

    def tag_types(self) -> list[int]:
        """The type index of every tag in the tag index space."""
        return [i.desc for i in self.imports_of("tag")] + [t.type_index for t in self.tags]  # type: ignore[misc]

    def global_types(self) -> list[GlobalType]:
        return [i.desc for i in self.imports_of("global")] + [g.type for g in self.globals]  # type: ignore[misc]


@per_module
def _func_types(module: Module) -> list[FuncType]:
    """The type of every function in the function index space (the passes
    ask about one module many times)."""
    return [module.types[t] for t in module.func_type_indices()]  # type: ignore[misc]
