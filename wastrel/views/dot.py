"""Graphs as Graphviz DOT text, and pictures drawn by Graphviz's `dot`.

The DOT is written here from the networkx graph (networkx's own writers need
pydot or pygraphviz, which wastrel does without).  Every attribute of the
graph, its nodes and edges whose value is a non-empty string, a number or
true becomes a DOT attribute: the builders store `label`, `shape`, `style`
and the like next to their own (`kind`, `back`, `calls`), which Graphviz
ignores; lists (a block's `lines`) are left out.  A label ending
in a newline is left-justified line by line (a basic block's statements);
other newlines centre their lines.

SVG, PNG and PDF are `dot -T<format>` of that text; without `dot` installed
that is a one-line error.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx

from wastrel.views.select import ViewError

RENDERED = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
TEXT = (".dot", ".gv")


def to_dot(graph: nx.Graph) -> str:
    kind = "digraph" if graph.is_directed() else "graph"
    arrow = "->" if graph.is_directed() else "--"
    lines = [f"{kind} {_quote(graph.graph.get('name', 'G'))} {{"]
    for what in ("graph", "node", "edge"):
        attrs = graph.graph.get(what, {})
        if attrs:
            lines.append(f"  {what} {_attrs(attrs)}")
    for node, data in graph.nodes(data=True):
        lines.append(f"  {_quote(node)}{_attrs(data, ' ')}")
    for source, target, data in graph.edges(data=True):
        lines.append(f"  {_quote(source)} {arrow} {_quote(target)}{_attrs(data, ' ')}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _attrs(data: dict[str, Any], before: str = "") -> str:
    pairs = [f"{key}={_quote(value)}" for key, value in data.items() if _shown(value)]
    return f"{before}[{', '.join(pairs)}]" if pairs else ""


def _shown(value: object) -> bool:
    return isinstance(value, (str, int, float, bool)) and value is not False and value != ""


def _quote(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    newline = "\\l" if text.endswith("\n") else "\\n"
    return '"' + text.replace("\n", newline) + '"'


def output_format(path: str) -> str:
    """"dot", or the format `dot -T` draws, for an output file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in TEXT:
        return "dot"
    if suffix in RENDERED:
        return RENDERED[suffix]
    known = ", ".join((*TEXT, *RENDERED))
    raise ViewError(f"{path}: cannot tell the picture's format from {suffix or 'no suffix'!r}; use {known}")


def render(dot_text: str, fmt: str) -> bytes:
    """The picture Graphviz draws of `dot_text` (`fmt`: "dot" is the text itself)."""
    if fmt == "dot":
        return dot_text.encode()
    program = shutil.which("dot")
    if program is None:
        raise ViewError(f"drawing {fmt.upper()} needs Graphviz's dot: install it (Debian: apt-get install graphviz), or write .dot", 1)
    result = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode(), capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise ViewError(f"dot -T{fmt} failed: {message[0] if message else f'exit status {result.returncode}'}", 1)
    return result.stdout
