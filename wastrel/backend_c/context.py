"""The C names and shared definitions of one module's C.

Every module-level C symbol gets the module's prefix (empty for a program of
one module; `m3_` and so on when a spec script puts several modules in one C
file).  Imports take the names the linker gives them.  Signature ids are
canonical across all modules of one C program (`TypeIds`), so that a
function reference made by one module passes `call_indirect` in another.
`precise_traps` is the linker's answer for the module (runtime/wastrel_ops.h);
`uses_simd` says whether its C needs the SIMD instructions' header.
"""

from __future__ import annotations

import dataclasses

from wastrel.backend_c.c_literals import constant
from wastrel.backend_c.linking import Linker
from wastrel.backend_c.names import distinct, local_names, result_struct
from wastrel.ir import nodes as n
from wastrel.ir.simd import BY_NAME as SIMD
from wastrel.ir.types import canonical, canonical_func_type, canonical_ids, kind, supertype
from wastrel.ir.wasm import ArrayType, FuncType, GlobalType, Module, StructType, TableType
from wastrel.ir.wasm_names import function_names


class TypeIds:
    """The signature ids of one program, small and dense: equal function
    types (by `ir/types.canonical_ids`, across modules), equal ids; and
    each one's declared supertype's (GC's `sub`), for call_indirect."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.supers: dict[int, int] = {}

    def __getitem__(self, canonical_id: int) -> int:
        if canonical_id not in self.ids:
            self.ids[canonical_id] = len(self.ids)
            parent = supertype(canonical_id)
            if parent is not None:
                self.supers[self.ids[canonical_id]] = self[parent]
        return self.ids[canonical_id]

    def c_table(self) -> str:
        """`w_type_supers` (runtime/wastrel.h): each id's supertype's, or -1."""
        values = [str(self.supers.get(i, -1)) for i in range(max(len(self.ids), 1))]
        return f"const int32_t w_type_supers[] = {{{', '.join(values)}}};\nconst uint32_t w_type_count = {len(self.ids)};"


class ModuleContext:
    def __init__(self, program: n.Program, prefix: str, linker: Linker, type_ids: TypeIds):
        module = program.wasm
        self.module = module
        self.program = program
        self.prefix = prefix
        self.type_ids = type_ids
        self.canonical_ids = canonical_ids(module.types, module.rec_groups, module.subtypes)
        self.wasm_names = function_names(module)
        imports = {kind: module.imports_of(kind) for kind in ("func", "memory", "table", "global")}
        self.funcs = [linker.function(i, self.canonical_func_type(i.desc), self.canonical_ids[i.desc]) for i in imports["func"]]  # type: ignore[index, arg-type]
        # imports the host provides (plain C calls, see names.spilled)
        self.host_funcs = {k for k, i in enumerate(imports["func"]) if linker.is_host(i)}
        self.funcs += distinct(prefix + "f_", self.wasm_names[len(self.funcs) :])
        self.memories = [linker.memory(i, i.desc) for i in imports["memory"]]  # type: ignore[arg-type]
        self.memories += [f"{prefix}mem{i}" for i in range(len(module.memories))]
        self.tables = [linker.table(i, self.canonical_table_type(i.desc)) for i in imports["table"]]  # type: ignore[arg-type]
        self.tables += [f"{prefix}table{i}" for i in range(len(module.tables))]
        self.globals = [linker.global_(i, self.canonical_global_type(i.desc)) for i in imports["global"]]  # type: ignore[arg-type]
        self.tags = [linker.tag(i, self.canonical_func_type(i.desc), self.canonical_ids[i.desc]) for i in module.imports_of("tag")]  # type: ignore[index, arg-type]
        self.tags += [f"{prefix}tag{i}" for i in range(len(module.tags))]
        base = len(self.globals)
        names = [module.names.globals.get(base + i, str(base + i)) for i in range(len(module.globals))]
        self.globals += distinct(prefix + "g_", names)
        self.signatures: set[int] = set()
        self.func_refs: set[int] = set()
        self.result_structs: set[tuple[str, ...]] = {t.results for t in module.types if isinstance(t, FuncType) and len(t.results) > 1}
        self.precise_traps = linker.precise_traps(module)
        self.uses_simd = uses_simd(module)
        self.type_names = distinct(prefix, [module.names.types.get(i, str(i)) for i in range(len(module.types))])
        self.field_names: dict[int, list[str]] = {}
        self.constants: dict[tuple[str, int | None], tuple[str, int]] = {}

    def defines(self) -> str:
        """What the C defines before it includes wastrel.h: fast traps for a
        module whose instance does not outlive a trap (wastrel_ops.h), and
        no SIMD header for a module without v128 (wastrel.h)."""
        defines = []
        if not self.precise_traps:
            defines.append("#define W_PRECISE_TRAPS 0 /* a command: nothing outlives a trap */")
        if not self.uses_simd:
            defines.append("#define W_SIMD 0 /* no v128 anywhere in the module */")
        return "\n".join(defines)

    # -- types comparable with other modules' (ir/types.canonical) ----------------

    def canonical_func_type(self, type_index: int) -> FuncType:
        return canonical_func_type(self.module.types[type_index], self.canonical_ids)

    def canonical_table_type(self, t: TableType) -> TableType:
        return dataclasses.replace(t, elem=canonical(t.elem, self.canonical_ids))

    def canonical_global_type(self, t: GlobalType) -> GlobalType:
        return dataclasses.replace(t, type=canonical(t.type, self.canonical_ids))

    def type_id(self, type_index: int) -> int:
        """The signature id of the module's type `type_index`."""
        return self.type_ids[self.canonical_ids[type_index]]

    # -- GC types (backend_c/c_gc.py) ---------------------------------------------

    def kind(self, type_index: int) -> str:
        return kind(self.module.types[type_index])

    def struct_name(self, type_index: int) -> str:
        """The C struct of a struct type: w_struct_<name> from the name
        section (or its index; names starting with w_ are never a local's)."""
        return f"w_struct_{self.type_names[type_index]}"

    def field_name(self, type_index: int, field: int) -> str:
        """A struct field's C name: its own (made a safe C name), or f<index>."""
        if type_index not in self.field_names:
            t = self.module.types[type_index]
            assert isinstance(t, StructType)
            names = self.module.names.fields.get(type_index, {})
            self.field_names[type_index] = local_names(tuple(names.get(k, f"f{k}") for k in range(len(t.fields))))
        return self.field_names[type_index][field]

    def rtt(self, type_index: int) -> str:
        """The `w_rtt` of a struct or array type: w_rtt_<name>."""
        return f"w_rtt_{self.type_names[type_index]}"

    def supertype_chain(self, type_index: int) -> list[int]:
        """The type ids of a type's declared supertypes, the topmost first,
        and its own last: its display (runtime/wastrel.h, w_rtt)."""
        chain = [self.canonical_ids[type_index]]
        while (parent := supertype(chain[-1])) is not None:
            chain.append(parent)
        return [self.type_ids[c] for c in reversed(chain)]

    def signature(self, type_index: int) -> str:
        """The C function-pointer type for call_indirect or call_ref of a Wasm type."""
        type_id = self.type_id(type_index)
        self.signatures.add(type_id)
        return f"w_sig_{type_id}"

    def func_ref(self, funcidx: int) -> str:
        """The name of a function's `w_func` descriptor (defined on demand)."""
        self.func_refs.add(funcidx)
        name = self.funcs[funcidx].removeprefix(self.prefix).removeprefix("f_")
        return f"{self.prefix}fref_{name}"

    def data(self, index: int) -> str:
        return f"{self.prefix}data{index}"

    def elem(self, index: int) -> str:
        return f"{self.prefix}elem{index}"

    def constant(self, type_: str, value: int | None) -> tuple[str, int]:
        """A constant's C and precedence (c_literals.constant), made once
        per module: the same few constants recur all over its code."""
        key = (type_, value)
        literal = self.constants.get(key)
        if literal is None:
            literal = self.constants[key] = constant(type_, value)
        return literal

    def result_struct(self, results: tuple[str, ...]) -> str:
        return result_struct(results)


def uses_simd(module: Module) -> bool:
    """Does v128 appear anywhere in the module: in a type, a local, a
    global, or an instruction (which may make and consume v128s that no
    type mentions)?"""
    for t in module.types:
        if isinstance(t, FuncType) and ("v128" in t.params or "v128" in t.results):
            return True
        fields = t.fields if isinstance(t, StructType) else (t.element,) if isinstance(t, ArrayType) else ()
        if any(f.storage == "v128" for f in fields):
            return True
    globals_ = [*(i.desc for i in module.imports_of("global")), *(g.type for g in module.globals)]
    if any(g.type == "v128" for g in globals_):  # type: ignore[union-attr]
        return True
    codes = [*(f.body for f in module.funcs), *(g.init for g in module.globals)]
    return any("v128" in f.locals for f in module.funcs) or any(i.op in SIMD for code in codes for i in code)
