"""Each function's text in whatever language a pass gave, keyed by its index
in the module's function index space, so that the same function can be
followed from pass to pass (and across a change of language).

* L-wasm (`Module`): the Wasm printer's function, instructions one a line.
* The tree languages (`Program`): the S-expression printer's function.
* c-print's `CModule`: its per-function C definitions (`static` as in the
  whole file).  A CModule does not say which function each definition is;
  the program it was printed from (the pass's input) does, in the same order.

Anything else (a plug-in pass's own value) has no functions: `None`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wastrel.backend_c.c_print import CModule
from wastrel.ir.nodes import Program
from wastrel.ir.printer import format_function
from wastrel.ir.wasm import Module
from wastrel.ir.wasm_printer import format_func


@dataclass(frozen=True)
class FunctionText:
    name: str  # `$fib`
    text: str


FunctionTexts = dict[int, FunctionText]  # in the module's order


def function_texts(value: Any, source: Any = None, only: frozenset[int] | None = None) -> FunctionTexts | None:
    """The texts of `value`'s functions (those in `only`, if given), or None
    when `value` has none; `source` is what `value` was made from (needed
    for a CModule: the program c-print printed)."""
    if isinstance(value, Module):
        return _wasm_texts(value, only)
    if isinstance(value, Program):
        return {f.index: FunctionText(f"${f.name}", format_function(f, value)) for f in value.funcs if only is None or f.index in only}
    if isinstance(value, CModule) and isinstance(source, Program) and len(source.funcs) == len(value.functions):
        return {
            f.index: FunctionText(f"${f.name}", "static " + text)
            for f, text in zip(source.funcs, value.functions)
            if only is None or f.index in only
        }
    return None


def _wasm_texts(module: Module, only: frozenset[int] | None) -> FunctionTexts:
    from wastrel.ir.wasm_names import function_names

    names = function_names(module)
    base = module.num_imported_funcs
    return {
        base + k: FunctionText(f"${names[base + k]}", format_func(module, k, names))
        for k in range(len(module.funcs))
        if only is None or base + k in only
    }


def selected_text(value: Any, source: Any, only: frozenset[int] | None) -> str:
    """The dump of `value`: whole without a selection; with one, only the
    chosen functions' code (module-level parts left out)."""
    from wastrel.passes.manager import format_ir

    texts = function_texts(value, source, only) if only is not None else None
    if texts is None:
        return format_ir(value)
    return "\n\n".join(t.text for t in texts.values()) + "\n"
