"""The pictures of `wastrel-passes --graph`, as networkx graphs ready for DOT.

    pipeline   the passes in order, each edge labelled with the language one
               pass gives the next; `requires` that order does not already
               show are dashed edges, and so are plug-in passes' boxes
    calls      the module's call graph: an edge per caller and callee
               (`x3`: three call sites); a `call_indirect` goes to a node for
               the table and the signature, which has dotted edges to the
               functions of that signature its element segments hold; a
               `call_ref` (and `return_call_ref`) goes to a node for references
               of its type, dotted to the functions of that type some `ref.func`
               names; imports are dashed boxes, exports have a double border
    cfg        one function's control-flow graph at some pass (`cfg.py`),
               its blocks as boxes of statements, back edges dashed

With function patterns, `calls` shows the chosen functions and whatever
they may call, directly or not.
"""

from __future__ import annotations

from typing import Sequence

import networkx as nx

from wastrel.ir import nodes as n
from wastrel.ir.wasm import FuncType, Module
from wastrel.passes.framework import PassInfo
from wastrel.views.cfg import ENTRY, EXIT, control_flow_graph
from wastrel.views.select import module_functions

INPUT, OUTPUT = "input", "output"


def _graph(name: str, rankdir: str = "TB", multi: bool = False) -> nx.DiGraph:
    graph: nx.DiGraph = nx.MultiDiGraph() if multi else nx.DiGraph()
    graph.graph.update(
        name=name,
        graph={"rankdir": rankdir},
        node={"fontname": "monospace", "fontsize": 10},
        edge={"fontname": "monospace", "fontsize": 9},
    )
    return graph


# -- the pipeline --------------------------------------------------------------------


def pipeline_graph(pipeline: Sequence[PassInfo]) -> nx.DiGraph:
    graph = _graph("pipeline")
    graph.add_node(INPUT, label="module file", shape="note")
    graph.add_node(OUTPUT, label="cc -> program", shape="note")
    for p in pipeline:
        same = " (same language)" if p.takes == p.gives else ""
        attrs = {"label": p.name, "shape": "box", "style": "rounded", "tooltip": f"{p.takes} -> {p.gives}{same}"}
        origin = getattr(p, "origin", None)  # a plug-in's file
        if origin:
            attrs.update(label=f"{p.name}\n(plugin)", style="rounded,dashed", tooltip=f"{attrs['tooltip']}, from {origin}")
        graph.add_node(p.name, **attrs)
    if not pipeline:
        return graph
    graph.add_edge(INPUT, pipeline[0].name, label=pipeline[0].takes)
    for a, b in zip(pipeline, pipeline[1:]):
        graph.add_edge(a.name, b.name, label=a.gives)
    graph.add_edge(pipeline[-1].name, OUTPUT, label=pipeline[-1].gives)
    for p in pipeline:
        for required in p.requires:
            if required in graph and not graph.has_edge(required, p.name):
                graph.add_edge(required, p.name, label="requires", style="dashed", constraint="false")
    return graph


# -- calls ---------------------------------------------------------------------------


def call_graph(module: Module, only: frozenset[int] | None = None) -> nx.DiGraph:
    graph = _graph("calls", rankdir="LR")
    for f in module_functions(module):
        attrs = {"label": f"${f.name}", "shape": "box"}
        if f.imported:
            attrs.update(style="dashed", label=f"${f.name}\n(import)")
        if f.exports:
            attrs.update(peripheries=2, label=attrs["label"] + "\nexport " + ", ".join(map(repr, f.exports)))
        graph.add_node(f.index, kind="import" if f.imported else "function", **attrs)
    base = module.num_imported_funcs
    for k, func in enumerate(module.funcs):
        for instr in func.body:
            if instr.op in ("call", "return_call"):
                _count_edge(graph, base + k, instr.args[0])
            elif instr.op in ("call_indirect", "return_call_indirect"):
                type_index, table = instr.args
                _count_edge(graph, base + k, _table_node(graph, module, table, type_index), "call_indirect")
            elif instr.op in ("call_ref", "return_call_ref"):
                _count_edge(graph, base + k, _ref_node(graph, module, instr.args[0]), "call_ref")
    if only is not None:
        keep = set(only).union(*(nx.descendants(graph, f) for f in only))
        graph.remove_nodes_from([v for v in list(graph) if v not in keep])
    return graph


def _count_edge(graph: nx.DiGraph, caller: object, callee: object, what: str = "") -> None:
    if graph.has_edge(caller, callee):
        data = graph.edges[caller, callee]
        data["calls"] += 1
    else:
        graph.add_edge(caller, callee, calls=1)
        data = graph.edges[caller, callee]
    count = f"x{data['calls']}" if data["calls"] > 1 else ""
    data["label"] = " ".join(x for x in (what, count) if x)


def _table_node(graph: nx.DiGraph, module: Module, table: int, type_index: int) -> str:
    """The node for calls through `table` with signature `type_index`,
    linked to the functions that the element segments may put there."""
    ftype = module.types[type_index]
    node = f"table{table}:{ftype}"
    if node in graph:
        return node
    graph.add_node(node, kind="table", label=f"table {table}\n{ftype}", shape="cylinder")
    for target in _table_functions(module, table, ftype):
        graph.add_edge(node, target, label="may call", style="dotted")
    return node


def _ref_node(graph: nx.DiGraph, module: Module, type_index: int) -> str:
    """The node for calls through references of type `type_index`, linked
    to the functions of that type a `ref.func` anywhere in the module names."""
    ftype = module.types[type_index]
    node = f"ref:{ftype}"
    if node in graph:
        return node
    graph.add_node(node, kind="ref", label=f"(ref {ftype})", shape="cylinder")
    exprs = [f.body for f in module.funcs] + [g.init for g in module.globals] + [t.init for t in module.tables if t.init]
    exprs += [e for elem in module.elems for e in elem.init]
    named = {i.args[0] for expr in exprs for i in expr if i.op == "ref.func"}
    for target in sorted(named):
        if module.func_type(target) == ftype:
            graph.add_edge(node, target, label="may call", style="dotted")
    return node


def _table_functions(module: Module, table: int, ftype: FuncType) -> list[int]:
    """Functions of type `ftype` an element segment may place in `table`
    (an active one for that table, or a passive one, which table.init may)."""
    found: list[int] = []
    for elem in module.elems:
        if elem.mode == "declarative" or (elem.mode == "active" and elem.table != table):
            continue
        for expr in elem.init:
            for instr in expr:
                if instr.op == "ref.func" and module.func_type(instr.args[0]) == ftype and instr.args[0] not in found:
                    found.append(instr.args[0])
    return found


# -- control flow --------------------------------------------------------------------


def cfg_graph(func: n.Function, program: n.Program, pass_name: str) -> nx.MultiDiGraph:
    graph = control_flow_graph(func, program)
    graph.graph.update(_graph("cfg").graph)
    graph.graph["graph"] = {"label": f"${func.name} after {pass_name}", "labelloc": "t"}
    for block, data in graph.nodes(data=True):
        if block in (ENTRY, EXIT):
            data.update(label=block, shape="oval")
        else:
            data.update(label="".join(line + "\n" for line in data["lines"]) or " ", shape="box")
    for _, _, data in graph.edges(data=True):
        if data["back"]:
            data.update(style="dashed", color="blue")
    return graph
