"""Reference types: what a value type string says about a reference, and
when one type is a subtype of another (typed function references and GC,
Wasm 3.0).

Value types are strings throughout wastrel (`ir/wasm.py`).  A reference
type is written as the text format writes it: the shorthand when there is
one (`funcref`, `anyref`, `i31ref`, `nullexternref`, ...), else
`(ref null? HEAP)` where HEAP is an abstract heap type (`func`, `any`,
`eq`, `struct`, `none`, ...) or a type index (`(ref 3)`, `(ref null 0)`).
Type indices are the module's own; two modules compare them through
`canonical_ids`.

Subtyping:

    (ref null? a) <: (ref null? b)  iff  a <: b, and b is nullable if a is
    nofunc <: $f <: func            a function type $f
    none <: $s <: struct <: eq <: any,  none <: $a <: array <: eq,  none <: i31 <: eq
    noextern <: extern              noexn <: exn  (exception handling)
    $s <: $t                        iff  $t is $s, or on the chain of $s's declared
                                         supertypes (`sub`), compared canonically

Types are defined in recursive groups (`rec`, `Module.rec_groups`; a type
alone is a group of one) and compared as groups: iso-recursive equivalence,
as Wasm 3.0 has it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from wastrel.ir.wasm import FINAL, CompositeType, FuncType, StructType, SubType, rec_group_ranges

Heap = str | int  # an abstract heap type's name, or a type index

#: The abstract heap types and the hierarchy each belongs to.
ABSTRACT_HEAPS = {
    "func": "func", "nofunc": "func", "extern": "extern", "noextern": "extern", "exn": "exn", "noexn": "exn",
    "any": "any", "eq": "any", "i31": "any", "struct": "any", "array": "any", "none": "any",
}  # fmt: skip
BOTTOM = {"func": "nofunc", "extern": "noextern", "exn": "noexn", "any": "none"}
#: The abstract heap types above each in the `any` hierarchy (GC).
ABOVE = {"eq": ("any",), "i31": ("eq", "any"), "struct": ("eq", "any"), "array": ("eq", "any")}
#: The abstract heap type a defined type of each kind is below.
KIND_HEAP = {"func": "func", "struct": "struct", "array": "array"}

SHORTHANDS = {
    "funcref": (True, "func"),
    "externref": (True, "extern"),
    "nullfuncref": (True, "nofunc"),
    "nullexternref": (True, "noextern"),
    "exnref": (True, "exn"),
    "nullexnref": (True, "noexn"),
    "anyref": (True, "any"),
    "eqref": (True, "eq"),
    "i31ref": (True, "i31"),
    "structref": (True, "struct"),
    "arrayref": (True, "array"),
    "nullref": (True, "none"),
}
_SHORTHAND_OF = {v: k for k, v in SHORTHANDS.items()}

#: The type of an element segment written as function indices (Wasm 3.0:
#: its references are never null).
FUNC_INDEX_ELEMS = "(ref func)"


@dataclass(frozen=True, slots=True)
class RefType:
    nullable: bool
    heap: Heap

    def __str__(self) -> str:
        shorthand = _SHORTHAND_OF.get((self.nullable, self.heap))  # type: ignore[arg-type]
        if shorthand is not None:
            return shorthand
        return f"(ref {'null ' if self.nullable else ''}{self.heap})"

    @property
    def hierarchy(self) -> str:
        """`func`, `extern`, `exn` or `any`: the top of the heap type's
        hierarchy.  A defined type's is its kind's, in the module whose
        types `defined_kinds` gives (a function type if none does)."""
        if isinstance(self.heap, int):
            kinds = _DEFINED_KINDS.get()
            return "any" if kinds is not None and kinds[self.heap] != "func" else "func"
        return ABSTRACT_HEAPS[self.heap]


#: The kind (`func`, `struct`, `array`) of each type of the module whose
#: value types are being looked at, for `RefType.hierarchy`: a type index
#: alone does not say which hierarchy `(ref 3)` belongs to.
_DEFINED_KINDS: ContextVar[Sequence[str] | None] = ContextVar("defined_kinds", default=None)


@contextmanager
def defined_kinds(types: Sequence[CompositeType]) -> Iterator[None]:
    """Within: type indices are those of a module with these `types`."""
    token = _DEFINED_KINDS.set([kind(t) for t in types])
    try:
        yield
    finally:
        _DEFINED_KINDS.reset(token)


def reference(nullable: bool, heap: Heap) -> str:
    """The value type string of `(ref null? heap)`."""
    return str(RefType(nullable, heap))


@functools.cache
def ref_type(t: str) -> RefType | None:
    """The reference type `t` names, or None for a number or vector type."""
    if t in SHORTHANDS:
        return RefType(*SHORTHANDS[t])
    if not t.startswith("(ref "):
        return None
    words = t[5:-1].split()
    nullable = words[0] == "null"
    heap = words[-1]
    return RefType(nullable, int(heap) if heap.isdigit() else heap)


def is_ref(t: str) -> bool:
    return ref_type(t) is not None


def defaultable(t: str) -> bool:
    """Whether a local or table of type `t` has a default value (null, 0)."""
    ref = ref_type(t)
    return ref is None or ref.nullable


def non_null(t: str) -> str:
    """`t` without its null (ref.as_non_null, br_on_null)."""
    ref = ref_type(t)
    assert ref is not None
    return reference(False, ref.heap)


def difference(first: str, to: str) -> str:
    """What is left of type `first` once `to` is taken out (br_on_cast):
    non-null if `to` takes the null."""
    a, b = ref_type(first), ref_type(to)
    assert a is not None and b is not None
    return reference(a.nullable and not b.nullable, a.heap)


def representation(t: str) -> str:
    """The type whose C representation `t` shares: itself for numbers and
    vectors, `funcref`, `externref`, `exnref` or `anyref` for references."""
    ref = ref_type(t)
    if ref is None:
        return t
    return ref.hierarchy + "ref"


def type_indices(t: str) -> list[int]:
    """The type index a value type refers to, if any (as a list)."""
    ref = ref_type(t)
    return [ref.heap] if ref is not None and isinstance(ref.heap, int) else []


# -- canonical types ----------------------------------------------------------------

_INTERNED: dict[tuple, int] = {}  # a structure -> its canonical id, for the whole process
_KIND: dict[int, str] = {}  # a canonical id -> func, struct or array
_SUPER: dict[int, int] = {}  # a canonical id -> its declared supertype's


def kind(t: CompositeType) -> str:
    return "func" if isinstance(t, FuncType) else "struct" if isinstance(t, StructType) else "array"


def canonical_ids(types: Sequence[CompositeType], rec_groups: tuple[int, ...] = (), subtypes: Sequence[SubType] = ()) -> list[int]:
    """One id per type of a module: equal ids, equal types, in this module
    or any other.  Types are equal when their recursive groups (`rec_groups`
    as in `Module`) are, member for member (iso-recursive equivalence): a
    group's structure is its members' definitions (`subtypes` as in
    `Module` included) with each type index replaced by its place in the
    group, if inside it, else by that type's id.  The caller has checked
    that types refer only to earlier groups or their own."""
    ids: list[int] = []
    for group in rec_group_ranges(rec_groups, len(types)):

        def index(i: int) -> object:
            return ("rec", i - group.start) if i in group else ids[i]

        def canon(t: str) -> object:
            ref = ref_type(t)
            if ref is None or not isinstance(ref.heap, int):
                return t
            return (ref.nullable, index(ref.heap))

        def member(i: int) -> tuple:
            sub = subtypes[i] if subtypes else FINAL
            return (sub.final, tuple(map(index, sub.supertypes)), _composite(types[i], canon))

        members = tuple(member(i) for i in group)
        for k, i in enumerate(group):
            ids.append(_INTERNED.setdefault((members, k), len(_INTERNED)))
            _KIND[ids[-1]] = kind(types[i])
        for i in group:
            sub = subtypes[i] if subtypes else FINAL
            if sub.supertypes:
                _SUPER[ids[i]] = ids[sub.supertypes[0]]
    return ids


def supertype(canonical_id: int) -> int | None:
    """The canonical id of a type's declared supertype, if it has one."""
    return _SUPER.get(canonical_id)


def _composite(t: CompositeType, canon: Callable[[str], object]) -> tuple:
    if isinstance(t, FuncType):
        return ("func", tuple(map(canon, t.params)), tuple(map(canon, t.results)))
    fields = t.fields if isinstance(t, StructType) else (t.element,)
    return (kind(t), tuple((canon(f.storage), f.mutable) for f in fields))


def canonical(t: str, ids: Sequence[int]) -> str:
    """`t` with its type index replaced by that type's canonical id (`ids`
    from `canonical_ids`): comparable with another module's, by CANONICAL."""
    ref = ref_type(t)
    if ref is None or not isinstance(ref.heap, int):
        return t
    return reference(ref.nullable, ids[ref.heap])


def canonical_func_type(ftype: FuncType, ids: Sequence[int]) -> FuncType:
    return FuncType(tuple(canonical(t, ids) for t in ftype.params), tuple(canonical(t, ids) for t in ftype.results))


class Subtyping:
    """The subtype relation over one module's types (`ids` from
    `canonical_ids`), or over canonical types (`ids` None)."""

    def __init__(self, ids: Sequence[int] | None) -> None:
        self.ids = ids

    def canonical(self, heap: int) -> int:
        return heap if self.ids is None else self.ids[heap]

    def heap_subtype(self, a: Heap, b: Heap) -> bool:
        if a == b:
            return True
        if isinstance(a, int):
            a = self.canonical(a)
            if isinstance(b, int):  # up a's chain of declared supertypes
                b = self.canonical(b)
                while a != b and a in _SUPER:
                    a = _SUPER[a]
                return a == b
            above = KIND_HEAP[_KIND[a]]
            return b == above or b in ABOVE.get(above, ())
        if isinstance(b, int):  # only a bottom type is below a defined type
            top = "func" if _KIND[self.canonical(b)] == "func" else "any"
            return a == BOTTOM[top]
        top = ABSTRACT_HEAPS[a]
        return top == ABSTRACT_HEAPS[b] and (b == top or a == BOTTOM[top] or b in ABOVE.get(a, ()))

    def subtype(self, a: str, b: str) -> bool:
        """Whether a value of type `a` may be used where `b` is expected."""
        if a == b:
            return True
        ra, rb = ref_type(a), ref_type(b)
        if ra is None or rb is None:
            return False
        return (rb.nullable or not ra.nullable) and self.heap_subtype(ra.heap, rb.heap)

    def equal(self, a: str, b: str) -> bool:
        return self.subtype(a, b) and self.subtype(b, a)


#: Subtyping between canonical types, of any modules.
CANONICAL = Subtyping(None)
