"""The names every dump shows for a module's functions and locals: one owner
for the passes, the printers and the views (C identifiers are made from
them in backend_c/names.py).

    a function   its name in the name section, else its export name, else
                 `module.name` for an import, else its index
    a local      its name in the name section, else `l<index>`

A name already taken gets `.<index>` appended, so names are distinct within
a module (functions) or a function (locals, the passes' own included).

Design decision: naming is not a pass.  The names are a function of the
module as read, needed before any pass has run (the wasm dumps, choosing
`--function fib`) and in the first tree dump; a pass before stack-to-tree
would have to rewrite the module's name section (which `--emit-wasm`
writes out), one after it would leave that dump without names.
"""

from __future__ import annotations

from wastrel.ir.wasm import Module, per_module


@per_module
def function_names(module: Module) -> tuple[str, ...]:
    """A distinct readable name for every function, imported ones first."""
    count = module.num_imported_funcs + len(module.funcs)
    exported = {e.index: e.name for e in module.exports if e.kind == "func"}
    imported = [f"{i.module}.{i.name}" for i in module.imports_of("func")]
    names = [module.names.funcs.get(i) or exported.get(i) or (imported[i] if i < len(imported) else str(i)) for i in range(count)]
    return distinct(names)


def local_names(module: Module, func_index: int, count: int) -> list[str]:
    """The names of a function's first `count` locals (its parameters, then
    its declared locals), not yet made distinct."""
    named = module.names.locals.get(func_index, {})
    return [named.get(i) or f"l{i}" for i in range(count)]


def distinct(names: list[str]) -> tuple[str, ...]:
    """`names` with `.<index>` appended to each that an earlier one took."""
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        if name in seen:
            name = f"{name}.{i}"
        seen.add(name)
        out.append(name)
    return tuple(out)
