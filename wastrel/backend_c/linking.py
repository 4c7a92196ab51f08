"""Imports -> C symbols.

Generated C refers to everything it imports by a C name that the linker
chooses: a runtime function for WASI, or another module's function, memory,
table or global when several modules share one C program (the spec-test
harness).  A `Linker` answers for one module's imports and raises
`LinkError` for anything it cannot provide or whose type does not match.
It also says whether the host can look at an instance after a trap, which
decides how precise the module's traps must be (`precise_traps`, see
runtime/wastrel_ops.h).
"""

from __future__ import annotations

from typing import Protocol

from wastrel.backend_c.host import HOST_FUNCTIONS, HOST_MODULES
from wastrel.ir.wasm import FuncType, GlobalType, Import, MemoryType, Module, TableType


class LinkError(Exception):
    """An import that cannot be provided."""


class Linker(Protocol):
    """Provides a module's imports; the types it is given are canonical
    (`ir/types.canonical`: type indices replaced by canonical ids), and a
    function's or tag's type comes with its canonical id too (equal ids,
    equal types, recursive groups included)."""

    def function(self, imp: Import, ftype: FuncType, type_id: int) -> str: ...

    def memory(self, imp: Import, mtype: MemoryType) -> str: ...

    def table(self, imp: Import, ttype: TableType) -> str: ...

    def global_(self, imp: Import, gtype: GlobalType) -> str: ...

    def tag(self, imp: Import, ftype: FuncType, type_id: int) -> str: ...

    def is_host(self, imp: Import) -> bool:
        """Is the imported function the host's, a plain C function (not
        another module's Wasm function, see names.spilled)?"""
        ...

    def precise_traps(self, module: Module) -> bool:
        """Must memory be exact after a trap (W_PRECISE_TRAPS)?"""
        ...


def is_command(module: Module) -> bool:
    """A WASI command: a module that exports a function `_start`."""
    return any(e.kind == "func" and e.name == "_start" for e in module.exports)


class WasiLinker:
    """`wastrel run`: the runtime provides the functions of wasi_snapshot_preview1 and bench, nothing else."""

    def precise_traps(self, module: Module) -> bool:
        """A command's instance never outlives a trap: `run` and `--invoke`
        end the process, `--invoke-lines` stops (runtime/main.c, by the same
        rule), so its traps need not be precise.  Any other module is called
        export by export, and a call after a trap sees its memory."""
        return not is_command(module)

    def function(self, imp: Import, ftype: FuncType, type_id: int) -> str:
        host = HOST_FUNCTIONS.get((imp.module, imp.name))
        if host is None:
            raise LinkError(f"unknown import: {imp.module}.{imp.name} (the runtime provides {HOST_MODULES})")
        c_name, expected = host
        if expected != ftype:
            raise LinkError(f"import {imp.module}.{imp.name} has type {ftype}, expected {expected}")
        return c_name

    def memory(self, imp: Import, mtype: MemoryType) -> str:
        raise self.unknown(imp)

    def table(self, imp: Import, ttype: TableType) -> str:
        raise self.unknown(imp)

    def global_(self, imp: Import, gtype: GlobalType) -> str:
        raise self.unknown(imp)

    def tag(self, imp: Import, ftype: FuncType, type_id: int) -> str:
        raise self.unknown(imp)

    def is_host(self, imp: Import) -> bool:
        return True

    @staticmethod
    def unknown(imp: Import) -> LinkError:
        return LinkError(f"unknown import: {imp.module}.{imp.name} (the runtime provides no {imp.kind} imports)")


class EmbedLinker(WasiLinker):
    """A module instantiated by a host program (wastrel/api.py): WASI and
    `bench` from the runtime, every other function import from the host,
    through a trampoline (`host_imports`, written by c-print) that calls
    `w_embed_hosts[k]`.  The host looks at an instance after a trap, so
    traps are precise."""

    def __init__(self) -> None:
        self.host_imports: list[tuple[str, FuncType]] = []  # (C name, canonical type), in import order

    def precise_traps(self, module: Module) -> bool:
        return True

    def function(self, imp: Import, ftype: FuncType, type_id: int) -> str:
        if (imp.module, imp.name) in HOST_FUNCTIONS:
            return super().function(imp, ftype, type_id)
        name = f"w_host_{len(self.host_imports)}"
        self.host_imports.append((name, ftype))
        return name

    @staticmethod
    def unknown(imp: Import) -> LinkError:
        return LinkError(f"unsupported import: {imp.module}.{imp.name} (a host gives functions only, not a {imp.kind})")
