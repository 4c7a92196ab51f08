"""Choosing what `wastrel-passes` shows: a pass by its name or by the
language it produces, and functions by name, export, index or pattern.

A language name stands for the pass that first produces it: `effects` is
annotate-effects, `flushed` is fold-temps (not sequence-operands,
which works within flushed), `C` is c-print.

A function is chosen by its Wasm name as the dumps print it (`$fib`, or
`fib`), an export name, or its index in the function index space; any of
these may be a shell-style pattern (`'$fib*'`, `'[0-3]'`).  Only defined
functions are chosen: an imported one has no code to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Iterable, Sequence

from wastrel.ir.wasm import Module
from wastrel.passes.framework import PassInfo


class ViewError(Exception):
    """A view that cannot be shown, said in one line: a name or pattern on
    the command line that matches nothing, options that do not go together
    (exit status 2), or a missing tool (`status` 1)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def pipeline_languages(pipeline: Sequence[PassInfo]) -> list[str]:
    """The languages of the pipeline in order: its input, then what each pass gives."""
    out: list[str] = []
    for language in [pipeline[0].takes, *(p.gives for p in pipeline)] if pipeline else []:
        if language not in out:
            out.append(language)
    return out


def resolve_pass(name: str, pipeline: Sequence[PassInfo]) -> str:
    """The pass `name` stands for: a pass, or the first pass giving that language."""
    if any(p.name == name for p in pipeline):
        return name
    for p in pipeline:
        if p.gives == name and p.takes != name:
            return p.name
    passes = ", ".join(p.name for p in pipeline)
    languages = ", ".join(pipeline_languages(pipeline))
    if name in pipeline_languages(pipeline):
        raise ViewError(f"no pass produces language {name!r} (it is the pipeline's input); passes: {passes}; languages: {languages}")
    raise ViewError(f"unknown pass or language {name!r}; passes: {passes}; languages: {languages}")


@dataclass(frozen=True)
class FunctionId:
    """How the user may name one function of a module."""

    index: int
    name: str  # as the dumps print it, without the `$`
    exports: tuple[str, ...]
    imported: bool

    def matches(self, pattern: str) -> bool:
        candidates = (f"${self.name}", self.name, *self.exports, str(self.index))
        return pattern in candidates or any(fnmatchcase(c, pattern) for c in candidates)


def module_functions(module: Module) -> list[FunctionId]:
    """Every function of the module, imported ones first (the index space)."""
    from wastrel.ir.wasm_names import function_names

    exports: dict[int, list[str]] = {}
    for e in module.exports:
        if e.kind == "func":
            exports.setdefault(e.index, []).append(e.name)
    imported = module.num_imported_funcs
    return [FunctionId(i, name, tuple(exports.get(i, ())), i < imported) for i, name in enumerate(function_names(module))]


def select_functions(module: Module, patterns: Iterable[str]) -> frozenset[int] | None:
    """The indices of the defined functions the patterns choose (None: no
    pattern, every function).  A pattern that chooses none is an error."""
    patterns = list(patterns)
    if not patterns:
        return None
    defined = [f for f in module_functions(module) if not f.imported]
    chosen: set[int] = set()
    for pattern in patterns:
        found = {f.index for f in defined if f.matches(pattern)}
        if not found:
            raise ViewError(f"--function {pattern!r} matches no function; functions: {_some_names(defined)}")
        chosen |= found
    return frozenset(chosen)


def one_function(module: Module, patterns: Sequence[str], purpose: str) -> FunctionId:
    """The single defined function the patterns choose (or the module's only one)."""
    defined = [f for f in module_functions(module) if not f.imported]
    if not defined:
        raise ViewError(f"{purpose}: the module defines no function")
    chosen = select_functions(module, patterns)
    candidates = defined if chosen is None else [f for f in defined if f.index in chosen]
    if len(candidates) != 1:
        what = "needs --function NAME" if chosen is None else f"draws one function; {', '.join(map(repr, patterns))} chose {len(candidates)}"
        raise ViewError(f"{purpose} {what}; functions: {_some_names(candidates)}")
    return candidates[0]


def _some_names(functions: Sequence[FunctionId], limit: int = 12) -> str:
    names = [f"${f.name}" for f in functions[:limit]]
    if len(functions) > limit:
        names.append(f"... ({len(functions) - limit} more)")
    return ", ".join(names) or "none"
