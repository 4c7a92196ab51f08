"""The pass manager: derives the pipeline from the passes' declarations and runs it.

Each pass declares the language it takes, the language it gives, and the
passes it requires.  The pipeline is the topological order (networkx) of
the graph whose edges are "A gives what B takes" and "B requires A"; a
missing requirement or a cycle is an error naming the passes.  Running the
pipeline can dump the program before or after any pass, stop after one,
check each pass's output against its language, and time each pass; the
`before_pass`/`after_pass` callbacks see every pass's input and output
(`wastrel-passes` builds its views on them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import networkx as nx

# Importing the pass modules registers them.
from wastrel.backend_c import c_print  # noqa: F401
from wastrel.frontend import passes as frontend_passes  # noqa: F401
from wastrel.ir.languages import LANGUAGES
from wastrel.ir.nodes import Program
from wastrel.ir.printer import format_program
from wastrel.ir.wasm import Module
from wastrel.passes import annotate_effects, flush_temps, limit_expression_depth, lower_control, recognize_helpers, stack_to_tree  # noqa: F401
from wastrel.passes import framework
from wastrel.passes.framework import PASSES, PassInfo


class PipelineError(Exception):
    pass


def build_pipeline(passes: dict[str, PassInfo] | None = None) -> list[PassInfo]:
    passes = PASSES if passes is None else passes
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(passes)
    for p in passes.values():
        for required in p.requires:
            if required not in passes:
                raise PipelineError(f"pass {p.name} requires {required}, which is not declared")
            graph.add_edge(required, p.name)
        for q in passes.values():
            if q is not p and q.gives == p.takes and q.takes != q.gives:
                graph.add_edge(q.name, p.name)  # q makes the language p takes
            if p.takes == p.gives and q.takes == p.gives and q.takes != q.gives:
                graph.add_edge(p.name, q.name)  # p works within the language q leaves
    try:
        order = list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(a for a, _ in nx.find_cycle(graph))
        raise PipelineError(f"the passes' requirements form a cycle: {cycle}") from None
    return [passes[name] for name in order]


def format_ir(value: Any) -> str:
    """The dump of a pass's output, whatever its language."""
    if isinstance(value, Program):
        return format_program(value)
    if isinstance(value, Module):
        from wastrel.ir.wasm_printer import format_module

        return format_module(value)
    if isinstance(value, (str, c_print.CModule)):
        return str(value)
    return repr(value)


def check_ir(info: PassInfo, value: Any) -> None:
    language = LANGUAGES.get(info.gives)
    if language is not None:
        language.check(value)


@dataclass
class RunOptions:
    stop_after: str | None = None
    dump_before: set[str] = field(default_factory=set)
    dump_after: set[str] = field(default_factory=set)  # may contain "all"
    check: bool = False
    on_dump: Callable[[str, str], None] | None = None  # (title, text)
    timings: list[tuple[str, float]] | None = None
    on_progress: Callable[[str], None] | None = None  # "pass-name: 120/1205 functions"
    before_pass: Callable[[PassInfo, Any], None] | None = None  # (pass, its input), before it runs
    after_pass: Callable[[PassInfo, Any, Any], None] | None = None  # (pass, its input, its output)


def run_pipeline(data: Any, options: RunOptions | None = None, start_after: str | None = None) -> Any:
    """Run the passes on a module's bytes (or, after `start_after`, on that
    pass's output); returns the last pass's output."""
    options = options or RunOptions()
    value: Any = data
    pipeline = build_pipeline()
    if start_after is not None:
        pipeline = pipeline[[p.name for p in pipeline].index(start_after) + 1 :]
    for info in pipeline:
        if info.name in options.dump_before and options.on_dump:
            options.on_dump(f"before {info.name}", format_ir(value))
        if options.before_pass:
            options.before_pass(info, value)
        before = value
        start = time.perf_counter()
        if options.on_progress:
            report = options.on_progress
            report(info.name)
            framework.on_function = lambda done, total, name=info.name: report(f"{name}: {done}/{total} functions")
        try:
            value = _run_one(info, value)
        finally:
            framework.on_function = None
        if options.timings is not None:
            options.timings.append((info.name, time.perf_counter() - start))
        if options.check:
            check_ir(info, value)
        if options.on_dump and (info.name in options.dump_after or "all" in options.dump_after):
            options.on_dump(f"after {info.name} ({info.gives})", format_ir(value))
        if options.after_pass:
            options.after_pass(info, before, value)
        if info.name == options.stop_after:
            break
    return value


class InternalError(Exception):
    """A pass crashed: names the pass (the CLI shows its input on request)."""

    def __init__(self, pass_name: str, cause: BaseException):
        super().__init__(f"internal error in pass {pass_name}: {type(cause).__name__}: {cause}")
        self.pass_name = pass_name


def _run_one(info: PassInfo, value: Any) -> Any:
    from wastrel.frontend.errors import WasmError

    try:
        return info.run(value)
    except WasmError:
        raise
    except RecursionError as e:
        raise InternalError(info.name, e) from e
    except (KeyError, TypeError, ValueError, AttributeError, AssertionError, IndexError) as e:
        raise InternalError(info.name, e) from e
