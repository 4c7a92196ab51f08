"""The pass manager: derives the pipeline from the passes' declarations and runs it.

Each pass declares the language it takes, the language it gives, the
passes it requires and (rarely) the passes it must run before
(`wastrel.passes.framework.declare_pass`).  Placement follows from these
declarations alone, the same way for built-in and plug-in passes:

1. The passes that change language form one chain, bytes -> wasm -> tree
   -> effects -> flushed -> c -> C: each language is left by one pass and
   made by one pass, and the chain starts and ends where the built-in
   passes do.  A pass that does not fit (it takes a language no pass
   gives, gives one nothing takes, or leaves or makes a language another
   pass already does) is an error naming it and both its languages.
2. A pass that keeps its language (takes == gives) runs while the pipeline
   is in that language: after the pass that made it, before the pass that
   leaves it, after every pass it requires and before every pass in its
   `before`.  A requirement that would put it where its language is
   already gone (or not yet made) is an error naming both languages.
3. Within one language the order is the first that satisfies those
   constraints when each pass runs as soon as its requirements have run:
   passes are taken in the order their last requirement ran (a pass with
   none in its language counts as ready when the language is made), and
   passes ready at the same point run built-ins first, by name, then
   plug-ins in the order they were loaded.  So a pass runs right after what
   it requires, unless another pass that requires the same thing was
   declared before it; `before=` says otherwise where that matters.
4. A requirement nobody declares, and a cycle, are errors too.

`--skip` removes optional passes (`optional=True`) before all this; a pass
another one requires cannot be skipped.

Running the pipeline can dump the program before or after any pass, stop
after one, check each pass's output against its language, and time each
pass; the `before_pass`/`after_pass` callbacks see every pass's input and
output (`wastrel-passes` builds its views on them).  Checking is on too
whenever the environment sets WASTREL_CHECK_IR=1, as the test suite does,
so that every test checks every pass's output.  A plug-in pass's
output is always checked against its language, and a plug-in that crashes
is an internal error naming the pass and its file.

A pass with an `in_place` version (framework.py) gets to fill in its input
when the run made those trees itself from a module, with built-in passes
only, and no callback has them (`_still_owned`); otherwise it runs as a
function of a copy.
"""

from __future__ import annotations

import heapq
import os
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator

# Importing the pass modules registers them.
from wastrel.backend_c import c_print  # noqa: F401
from wastrel.frontend import passes as frontend_passes  # noqa: F401
from wastrel.ir.languages import LANGUAGES, LanguageError
from wastrel.ir import nodes as n
from wastrel.ir.nodes import Program
from wastrel.ir.printer import format_program
from wastrel.ir.wasm import Module
from wastrel.passes import annotate_effects, fold_temps, limit_expression_depth, lower_control, recognize_helpers  # noqa: F401
from wastrel.passes import remove_dead_stores, remove_unused_labels, sequence_operands, shape_loops, stack_to_tree, tidy_c  # noqa: F401
from wastrel.passes import framework
from wastrel.passes.framework import PASSES, PassInfo


class PipelineError(Exception):
    """Declarations that do not make a pipeline: one line naming the passes."""


def build_pipeline(passes: dict[str, PassInfo] | None = None, skip: Iterable[str] = ()) -> list[PassInfo]:
    """The passes in the order they run (the rules are in the module docstring)."""
    passes = dict(PASSES if passes is None else passes)
    for p in passes.values():
        for name in p.requires:
            if name not in passes:
                raise PipelineError(f"pass {p.name} requires {name}, which is not declared")
        for name in p.before:
            if name not in passes:
                raise PipelineError(f"pass {p.name} must run before {name}, which is not declared")
    passes = _without_skipped(passes, frozenset(skip))
    rank = _ranks(passes)
    chain = _language_chain(passes, rank)
    languages = [chain[0].takes, *(t.gives for t in chain)] if chain else []
    slot = _slots(passes, chain, languages)
    _check_constraints(passes, slot)
    pipeline: list[PassInfo] = []
    for index, language in enumerate(languages):
        within = [p for p in passes.values() if p.takes == p.gives == language]
        pipeline += _order_within(within, passes, rank)
        if index < len(chain):
            pipeline.append(chain[index])
    return pipeline


def _without_skipped(passes: dict[str, PassInfo], skip: frozenset[str]) -> dict[str, PassInfo]:
    optional = ", ".join(sorted(p.name for p in passes.values() if p.optional)) or "none"
    for name in sorted(skip):
        if name not in passes:
            raise PipelineError(f"cannot skip {name}: no such pass (optional passes: {optional})")
        if not passes[name].optional:
            raise PipelineError(f"cannot skip {name}: it is not optional (optional passes: {optional})")
        needing = sorted(p.name for p in passes.values() if name in p.requires and p.name not in skip)
        if needing:
            raise PipelineError(f"cannot skip {name}: {needing[0]} requires it")
    return {name: p for name, p in passes.items() if name not in skip}


def _ranks(passes: dict[str, PassInfo]) -> dict[str, int]:
    """Tie-break order: built-in passes by name, then plug-ins as loaded."""
    builtins = sorted(name for name, p in passes.items() if p.origin is None)
    plugins = [name for name, p in passes.items() if p.origin is not None]
    return {name: i for i, name in enumerate(builtins + plugins)}


def _describe(p: PassInfo) -> str:
    return f"{p.name} ({p.takes} -> {p.gives}{f', plugin {p.origin}' if p.origin else ''})"


def _language_chain(passes: dict[str, PassInfo], rank: dict[str, int]) -> list[PassInfo]:
    """The passes that change language, in order (rule 1)."""
    transitions = sorted((p for p in passes.values() if p.takes != p.gives), key=lambda p: rank[p.name])
    leaving: dict[str, PassInfo] = {}
    making: dict[str, PassInfo] = {}
    for p in transitions:
        if p.takes in leaving:
            raise PipelineError(f"pass {_describe(p)} does not chain: {_describe(leaving[p.takes])} already leaves {p.takes}")
        if p.gives in making:
            raise PipelineError(f"pass {_describe(p)} does not chain: {_describe(making[p.gives])} already gives {p.gives}")
        leaving[p.takes] = making[p.gives] = p
    if not transitions:
        return []
    chain = _chain_through(transitions[0], leaving, making)
    for p in transitions:
        if p not in chain:
            first = _chain_through(p, leaving, making)[0]
            raise PipelineError(f"pass {_describe(first)} does not chain: no pass gives {first.takes}")
    if chain[0].origin is not None:
        raise PipelineError(f"pass {_describe(chain[0])} does not chain: no pass gives {chain[0].takes}")
    if chain[-1].origin is not None:
        raise PipelineError(f"pass {_describe(chain[-1])} does not chain: no pass takes {chain[-1].gives}")
    return chain


def _chain_through(p: PassInfo, leaving: dict[str, PassInfo], making: dict[str, PassInfo]) -> list[PassInfo]:
    """The chain of language changes that `p` belongs to, from its start."""
    chain = [p]
    while chain[0].takes in making:
        chain.insert(0, making[chain[0].takes])
        if chain[0] is p:
            cycle = " -> ".join([*(q.takes for q in chain[1:]), p.takes])
            raise PipelineError(f"the passes' languages form a cycle: {cycle}")
    while chain[-1].gives in leaving:
        chain.append(leaving[chain[-1].gives])
    return chain


def _slots(passes: dict[str, PassInfo], chain: list[PassInfo], languages: list[str]) -> dict[str, int]:
    """Where each pass runs: 2i within language i, 2i+1 for the pass leaving it."""
    slot = {t.name: 2 * i + 1 for i, t in enumerate(chain)}
    where = {language: 2 * i for i, language in enumerate(languages)}
    for p in passes.values():
        if p.takes != p.gives:
            continue
        if p.takes not in where:
            raise PipelineError(f"pass {_describe(p)} does not chain: no pass gives {p.takes} (languages: {', '.join(languages)})")
        slot[p.name] = where[p.takes]
    return slot


def _check_constraints(passes: dict[str, PassInfo], slot: dict[str, int]) -> None:
    """A requirement must run no later, a `before` no earlier (rule 2)."""
    for p in passes.values():
        for name in p.requires:
            r = passes[name]
            if slot[name] > slot[p.name] or r is p:
                if p.takes != p.gives or r is p:
                    raise PipelineError(f"the passes' requirements form a cycle: {_describe(p)} requires {_describe(r)}, which cannot run before it")
                raise PipelineError(f"pass {_describe(p)} requires {r.name}, after which the language is {r.gives}, not {p.takes}")
        for name in p.before:
            b = passes.get(name)
            if b is not None and slot[name] < slot[p.name]:
                if p.takes != p.gives:
                    raise PipelineError(f"the passes' requirements form a cycle: {_describe(p)} must run before {_describe(b)}, which runs before it")
                raise PipelineError(f"pass {_describe(p)} must run before {b.name}, before which the language is {b.takes}, not {p.takes}")


def _order_within(within: list[PassInfo], passes: dict[str, PassInfo], rank: dict[str, int]) -> list[PassInfo]:
    """The passes of one language in order (rule 3)."""
    successors: dict[str, list[str]] = {p.name: [] for p in within}
    for p in within:
        for name in p.requires:
            if name in successors:
                successors[name].append(p.name)
        for name in p.before:
            if name in successors:
                successors[p.name].append(name)
    waiting = dict.fromkeys(successors, 0)
    for after in successors.values():
        for name in after:
            waiting[name] += 1
    ready = [(-1, rank[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)[2]
        order.append(name)
        for successor in successors[name]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                heapq.heappush(ready, (len(order) - 1, rank[successor], successor))
    if len(order) < len(successors):
        raise PipelineError(f"the passes' requirements form a cycle: {_cycle(successors, set(successors) - set(order))}")
    return [passes[name] for name in order]


def _cycle(successors: dict[str, list[str]], among: set[str]) -> str:
    """A cycle of the graph among these passes, as "a -> b -> a".  (networkx
    is imported here only: importing it costs every compile 70 ms.)"""
    import networkx as nx

    graph = nx.DiGraph((a, b) for a in successors if a in among for b in successors[a] if b in among)  # (in declaration order)
    edges = nx.find_cycle(graph)
    return " -> ".join([*(a for a, _ in edges), edges[0][0]])


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
    check: bool = False  # also on whenever $WASTREL_CHECK_IR is 1 (the test suite sets it)
    on_dump: Callable[[str, str], None] | None = None  # (title, text)
    timings: list[tuple[str, float]] | None = None
    on_progress: Callable[[str], None] | None = None  # "pass-name: 120/1205 functions"
    before_pass: Callable[[PassInfo, Any], None] | None = None  # (pass, its input), before it runs
    after_pass: Callable[[PassInfo, Any, Any], None] | None = None  # (pass, its input, its output)
    skip: frozenset[str] = frozenset()  # optional passes turned off


def run_pipeline(data: Any, options: RunOptions | None = None, start_after: str | None = None) -> Any:
    """Run the passes on a module's bytes (or, after `start_after`, on that
    pass's output); returns the last pass's output."""
    options = options or RunOptions()
    check = options.check or os.environ.get("WASTREL_CHECK_IR") == "1"
    value: Any = data
    pipeline = build_pipeline(skip=options.skip)
    if start_after is not None:
        pipeline = pipeline[[p.name for p in pipeline].index(start_after) + 1 :]
    unseen = not (options.before_pass or options.after_pass)  # no callback keeps a pass's input
    owned = False  # are `value`'s trees this run's own, seen by no one else (framework's `in_place`)?
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
            value = _run_one(info, value, owned=owned)
        finally:
            framework.on_function = None
        owned = unseen and _still_owned(owned, info)
        if options.timings is not None:
            options.timings.append((info.name, time.perf_counter() - start))
        if check:
            check_ir(info, value)
        if options.on_dump and (info.name in options.dump_after or "all" in options.dump_after):
            options.on_dump(f"after {info.name} ({info.gives})", format_ir(value))
        if options.after_pass:
            options.after_pass(info, before, value)
        if info.name == options.stop_after:
            break
    return value


def local_stretch(pipeline: list[PassInfo]) -> tuple[list[PassInfo], list[PassInfo]] | None:
    """The pipeline cut where a program can be taken apart: the passes that
    see the whole module, then the local ones up to the last before C --
    from the pass that makes trees of the Wasm module when it is local (it
    then translates one part of the functions at a time), else from the
    pass after it.  None when one of those is not local (a plug-in that
    looks across functions)."""
    names = [p.gives for p in pipeline]
    if "tree" not in names or pipeline[-1].gives != "C":
        return None
    start = names.index("tree")
    if not (pipeline[start].local and pipeline[start].takes == "wasm"):
        start += 1
    stretch = pipeline[start:-1]
    return (pipeline[:start], stretch) if all(p.local for p in stretch) else None


def run_in_parts(data: Any, parts: Callable[[Module], Iterable[range]], options: RunOptions | None = None, start_after: str | None = None) -> Iterator[Program] | None:
    """The pipeline without its last pass (the C printer), run part by part:
    the passes that see the whole module run once, then the local ones on
    each part of the functions, in turn; `parts` cuts the Wasm module's
    defined functions into ranges of positions.  Yields each part's
    program in the language before C.  The trees of a part are made when
    its turn comes, if the pass that makes them is local (`local_stretch`),
    so that the first part is ready before the others are translated at all.
    None when the passes between the tree and C are not all local: then
    only `run_pipeline` can run them.  Progress, checking and `skip` are
    as in `run_pipeline`; dumps, stops and timings are not."""
    options = options or RunOptions()
    pipeline = build_pipeline(skip=options.skip)
    if start_after is not None:
        pipeline = pipeline[[p.name for p in pipeline].index(start_after) + 1 :]
    cut = local_stretch(pipeline)
    if cut is None:
        return None
    whole, stretch = cut
    tree_maker = stretch[0] if stretch and stretch[0].takes == "wasm" else None
    check = options.check or os.environ.get("WASTREL_CHECK_IR") == "1"

    def run() -> Iterator[Program]:
        value = data
        if whole:
            whole_options = RunOptions(stop_after=whole[-1].name, check=options.check, on_progress=options.on_progress, skip=options.skip)
            value = run_pipeline(data, whole_options, start_after=start_after)
        module = value if tree_maker else value.wasm
        total, done = len(module.funcs), 0
        for positions in parts(module):
            if tree_maker:
                part = _run_one(tree_maker, module, positions)
                if check:
                    check_ir(tree_maker, part)
            else:
                part = replace(value, funcs=value.funcs[positions.start : positions.stop])
            owned = tree_maker is not None and _still_owned(False, tree_maker)  # (a part made here is seen by no one else)
            for info in stretch[1:] if tree_maker else stretch:
                part = _run_one(info, part, owned=owned)
                owned = _still_owned(owned, info)
                if check:
                    check_ir(info, part)
            done += len(positions)
            if options.on_progress:
                options.on_progress(f"translating: {done}/{total} functions")
            yield part

    return run()


def _still_owned(owned: bool, info: PassInfo) -> bool:
    """Are the trees `info` gave the run's own, seen by no one else?  A
    built-in pass gives new trees from a module, or its input's nodes and
    new ones; a plug-in may give nodes it keeps elsewhere."""
    return info.origin is None and (owned or info.takes not in LANGUAGES)


class InternalError(Exception):
    """A pass crashed: names the pass, and a plug-in's file (the CLI shows
    its input on request)."""

    def __init__(self, info: PassInfo, cause: BaseException):
        plugin = f" (plugin {info.origin})" if info.origin else ""
        super().__init__(f"internal error in pass {info.name}{plugin}: {type(cause).__name__}: {_first_line(cause)}")
        self.pass_name = info.name


def _first_line(cause: BaseException) -> str:
    text = str(cause)
    return text.splitlines()[0] if text else ""


BUILTIN_FAULTS = (RecursionError, KeyError, TypeError, ValueError, AttributeError, AssertionError, IndexError)


def _run_one(info: PassInfo, value: Any, *part: range, owned: bool = False) -> Any:
    """The pass's output (for `part` alone, of a local pass that makes
    trees; filling in `value` itself when the run `owned` its trees and
    the pass can); a crash becomes an InternalError.  A plug-in's output
    is checked against its language (a built-in's, under --check)."""
    from wastrel.frontend.errors import WasmError

    faults = BUILTIN_FAULTS if info.origin is None else Exception
    run = info.in_place if owned and info.in_place is not None else info.run
    try:
        output = run(value, *part)
        if info.origin is not None:
            _check_plugin_output(info, output)
        return output
    except WasmError:
        raise
    except faults as e:
        raise InternalError(info, e) from e


def _check_plugin_output(info: PassInfo, output: Any) -> None:
    expected = {"wasm": Module, "C": (str, c_print.CModule)}.get(info.gives, Program if info.gives in LANGUAGES else object)
    if not isinstance(output, expected):
        raise LanguageError(f"{info.gives}: the pass returned {type(output).__name__}")
    check_ir(info, output)
