"""Linking the modules of a spec script: imports resolved against the
instances registered so far and the `spectest` host module.

The spec's rules (import matching): a function import needs an export of
the same type; a global, the same mutability and a subtype of the import's value type
(the same type if mutable); a tag, the same type; a memory or
table, limits at least as large, with a maximum no larger than the import's
(if it has one), and for tables the same element type.  A memory's or
table's current size is known only when the program runs, so the minimum
is checked then (`runtime_checks`).  Anything else is
`unknown import` or `incompatible import type`, the words the scripts'
`assert_unlinkable` expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from wastrel.backend_c.context import ModuleContext
from wastrel.backend_c.linking import LinkError
from wastrel.frontend.errors import WasmError
from wastrel.ir.types import CANONICAL, canonical_ids
from wastrel.ir.wasm import FuncType, GlobalType, Import, Limits, MemoryType, Module, TableType


@dataclass
class Instance:
    """A module instantiated in the harness: its module and its C names."""

    module: Module
    ctx: ModuleContext
    linkable: str = "NULL"  # the C function checking imported memories' and tables' sizes

    def export(self, name: str, kind: str) -> int | None:
        for export in self.module.exports:
            if export.name == name:
                return export.index if export.kind == kind else None
        return None

    def function(self, index: int) -> tuple[str, int]:
        """A function's C name and its type's canonical id."""
        return self.ctx.funcs[index], self.ctx.canonical_ids[self.module.func_type_indices()[index]]

    def memory(self, index: int) -> tuple[str, MemoryType]:
        return self.ctx.memories[index], self.module.memory_types()[index]

    def table(self, index: int) -> tuple[str, TableType]:
        return self.ctx.tables[index], self.ctx.canonical_table_type(self.module.table_types()[index])

    def global_(self, index: int) -> tuple[str, GlobalType]:
        return self.ctx.globals[index], self.ctx.canonical_global_type(self.module.global_types()[index])

    def tag(self, index: int) -> tuple[str, int]:
        return self.ctx.tags[index], self.ctx.canonical_ids[self.module.tag_types()[index]]


@dataclass
class Absent:
    """A module the script defined but wastrel could not compile (it needs
    `feature`): importing from it makes a module just as unsupported."""

    feature: str


class Spectest:
    """The host module the spec scripts import from (defined in C by the
    harness generator, see `harness.SPECTEST_C`)."""

    FUNCTIONS = {
        "print": FuncType(),
        "print_i32": FuncType(("i32",)),
        "print_i64": FuncType(("i64",)),
        "print_f32": FuncType(("f32",)),
        "print_f64": FuncType(("f64",)),
        "print_i32_f32": FuncType(("i32", "f32")),
        "print_f64_f64": FuncType(("f64", "f64")),
    }
    TABLES = {"table": TableType("funcref", Limits(10, 20)), "table64": TableType("funcref", Limits(10, 20), "i64")}
    GLOBALS = {name: GlobalType(name[len("global_") :]) for name in ("global_i32", "global_i64", "global_f32", "global_f64")}

    def export(self, name: str, kind: str) -> str | None:
        table = {"func": self.FUNCTIONS, "global": self.GLOBALS, "memory": {"memory": 0}, "table": self.TABLES, "tag": {}}[kind]
        return name if name in table else None

    def function(self, name: str) -> tuple[str, int]:
        return f"spectest_{name}", canonical_ids([self.FUNCTIONS[name]])[0]

    def memory(self, name: str) -> tuple[str, MemoryType]:
        return "spectest_memory", MemoryType(Limits(1, 2))

    def table(self, name: str) -> tuple[str, TableType]:
        return f"spectest_{name}", self.TABLES[name]

    def global_(self, name: str) -> tuple[str, GlobalType]:
        return f"spectest_{name}", self.GLOBALS[name]


def _max_matches(actual: Limits, wanted: Limits) -> bool:
    return wanted.max is None or (actual.max is not None and actual.max <= wanted.max)


class ScriptLinker:
    """A `Linker` (see backend_c.linking) over the registered instances."""

    def __init__(self, registry: dict[str, Instance | Spectest | Absent]):
        self.registry = registry
        # The sizes of memories and tables change as they grow, so an
        # import's minimum is checked when the module is instantiated: C
        # conditions that must all hold.
        self.runtime_checks: list[str] = []

    def precise_traps(self, module: Module) -> bool:
        """Always: the script goes on after a trap and may read the memory."""
        return True

    def lookup(self, imp: Import) -> tuple[Instance | Spectest, object]:
        instance = self.registry.get(imp.module)
        if isinstance(instance, Absent):
            raise WasmError("unsupported", f"unsupported feature: {instance.feature} (imports from a module that needs it)")
        found = instance.export(imp.name, imp.kind) if instance is not None else None
        if instance is None or found is None:
            raise LinkError(f"unknown import {imp.module}.{imp.name}")
        return instance, found

    def function(self, imp: Import, ftype: FuncType, type_id: int) -> str:
        instance, index = self.lookup(imp)
        c_name, actual = instance.function(index)  # type: ignore[arg-type]
        if not CANONICAL.heap_subtype(actual, type_id):
            raise LinkError(f"incompatible import type {imp.module}.{imp.name}: not a function of type {ftype}")
        return c_name

    def memory(self, imp: Import, mtype: MemoryType) -> str:
        instance, index = self.lookup(imp)
        c_name, actual = instance.memory(index)  # type: ignore[arg-type]
        if actual.address_type != mtype.address_type or not _max_matches(actual.limits, mtype.limits):
            raise LinkError(f"incompatible import type {imp.module}.{imp.name}: memory type")
        self.runtime_checks.append(f"w_memory64_size(&{c_name}) >= {mtype.limits.min}ull")
        return c_name

    def table(self, imp: Import, ttype: TableType) -> str:
        instance, index = self.lookup(imp)
        c_name, actual = instance.table(index)  # type: ignore[arg-type]
        if not CANONICAL.equal(actual.elem, ttype.elem) or actual.address_type != ttype.address_type or not _max_matches(actual.limits, ttype.limits):
            raise LinkError(f"incompatible import type {imp.module}.{imp.name}: table type")
        self.runtime_checks.append(f"w_table_size(&{c_name}) >= {ttype.limits.min}u")
        return c_name

    def global_(self, imp: Import, gtype: GlobalType) -> str:
        instance, index = self.lookup(imp)
        c_name, actual = instance.global_(index)  # type: ignore[arg-type]
        if actual.mutable != gtype.mutable or not _value_matches(actual.type, gtype.type, gtype.mutable):
            raise LinkError(f"incompatible import type {imp.module}.{imp.name}: global type")
        return c_name

    def is_host(self, imp: Import) -> bool:
        return isinstance(self.registry.get(imp.module), Spectest)

    def tag(self, imp: Import, ftype: FuncType, type_id: int) -> str:
        instance, index = self.lookup(imp)
        assert isinstance(instance, Instance)  # spectest exports no tag
        c_name, actual = instance.tag(index)  # type: ignore[arg-type]
        if actual != type_id:
            raise LinkError(f"incompatible import type {imp.module}.{imp.name}: not a tag of type {ftype}")
        return c_name


def _value_matches(actual: str, expected: str, mutable: bool) -> bool:
    """A global's (canonical) type matches an import's: a subtype, or for a
    mutable global, the same type."""
    return CANONICAL.equal(actual, expected) if mutable else CANONICAL.subtype(actual, expected)
