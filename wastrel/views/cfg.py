"""A function's control-flow graph, from a tree language or from C control.

Nodes are basic blocks -- straight-line statements, one short line each --
plus `entry` and `exit`.  Edges say how control gets there:

    tree, effects, flushed            c (after lower-control)
    then / else    an if's arms       then / else    a c.if's arms
    br $l          a branch           goto $l        a goto
    br_if $l       taken; else: not   break          out of a loop or switch
    case 0,2 / default  br_table      continue       to a loop's next round
    return, unreachable  to exit      case 0,2 / default  c.switch

Wasm's labels are the targets: a `block`'s or `if`'s is its end, a `loop`'s
its start.  In C a `c.for` loops back from its end, a `c.while` tests at
the end, `break` in a switch leaves the switch, and cases fall through.
An edge to a block that dominates its source is a back edge (`back=True`;
`loop` if nothing else names it): each loop has one or more.  Blocks that hold nothing and just fall through
are removed, and so is code after a jump that nothing reaches.
"""

from __future__ import annotations

import networkx as nx

from wastrel.ir import nodes as n
from wastrel.ir.printer import format_statement_head

ENTRY, EXIT = "entry", "exit"
LINE_WIDTH = 60  # a longer statement is cut, with "..."


def control_flow_graph(func: n.Function, program: n.Program | None = None) -> nx.MultiDiGraph:
    """The graph: node attribute `lines` (a block's statements), edge
    attributes `label` and `back`."""
    builder = _Builder(func, program)
    builder.body(func.body)
    builder.edge(builder.current, EXIT)
    graph = builder.graph
    _remove_empty_blocks(graph)
    _mark_back_edges(graph)
    return graph


class _Builder:
    def __init__(self, func: n.Function, program: n.Program | None):
        self.func, self.program = func, program
        self.graph = nx.MultiDiGraph()
        self.graph.add_node(ENTRY, lines=[])
        self.graph.add_node(EXIT, lines=[])
        self.count = 0
        self.labels: dict[str, str] = {}  # a label -> the block a branch to it reaches
        self.breaks: list[str] = []  # C: where `break` goes, innermost last
        self.continues: list[str] = []  # C: where `continue` goes
        self.current = self.new_block()
        self.edge(ENTRY, self.current)

    # -- the graph ------------------------------------------------------------

    def new_block(self) -> str:
        name = f"b{self.count}"
        self.count += 1
        self.graph.add_node(name, lines=[])
        return name

    def edge(self, source: str, target: str, label: str = "") -> None:
        self.graph.add_edge(source, target, label=label, back=False)

    def emit(self, stmt: n.Stmt) -> None:
        text = format_statement_head(stmt, self.func, self.program)
        if len(text) > LINE_WIDTH:
            text = text[: LINE_WIDTH - 3] + "..."
        self.graph.nodes[self.current]["lines"].append(text)

    def jump(self, target: str, label: str) -> None:
        """An unconditional jump: what follows it, if anything, starts a block nothing reaches."""
        self.edge(self.current, target, label)
        self.current = self.new_block()

    def label_block(self, label: str) -> str:
        if label not in self.labels:  # C: a goto ahead of its label
            self.labels[label] = self.new_block()
        return self.labels[label]

    def start(self, block: str, label: str = "") -> None:
        """Control falls into `block`, which is current from now on."""
        self.edge(self.current, block, label)
        self.current = block

    # -- statements -----------------------------------------------------------

    def body(self, stmts: tuple[n.Stmt, ...]) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s: n.Stmt) -> None:
        match s:
            case n.Block(label=label, body=body):
                after = self.labels[label] = self.new_block()
                self.body(body)
                self.start(after)
            case n.Loop(label=label, body=body):
                head = self.labels[label] = self.new_block()
                self.start(head)
                self.body(body)
                self.start(self.new_block())
            case n.If(label=label, then=then, else_=els):
                self.emit(s)
                after = self.labels[label] = self.new_block()
                self.branches(((then, "then"), (els, "else")), after)
            case n.CIf(then=then, else_=els):
                self.emit(s)
                self.branches(((then, "then"), (els, "else")), self.new_block())
            case n.Br(label=label):
                self.emit(s)
                self.jump(self.labels[label], f"br ${label}")
            case n.BrIf(label=label):
                self.emit(s)
                self.edge(self.current, self.labels[label], f"br_if ${label}")
                self.start(self.new_block(), "else")
            case n.BrTable(labels=labels, default=default):
                self.emit(s)
                cases: dict[str, list[int]] = {}
                for i, target in enumerate(labels):
                    if target != default:
                        cases.setdefault(target, []).append(i)
                for target, values in cases.items():
                    self.edge(self.current, self.labels[target], "case " + ",".join(map(str, values)))
                self.jump(self.labels[default], "default")
            case n.Return():
                self.emit(s)
                self.jump(EXIT, "return")
            case n.ReturnCall():
                self.emit(s)
                self.jump(EXIT, "tail call")
            case n.Unreachable():
                self.emit(s)
                self.jump(EXIT, "unreachable")
            case n.CLoop(label=label, body=body):
                self.c_loop(label, body)
            case n.CDoWhile(body=body):
                self.c_do_while(s, body)
            case n.CSwitch(cases=cases, default=default):
                self.c_switch(s, cases, default)
            case n.CLabel(name=name):
                self.start(self.label_block(name))
            case n.CGoto(name=name):
                self.jump(self.label_block(name), f"goto ${name}")
            case n.CBreak():
                self.jump(self.breaks[-1], "break")
            case n.CContinue():
                self.jump(self.continues[-1], "continue")
            case _:
                self.emit(s)

    def branches(self, arms: tuple[tuple[tuple[n.Stmt, ...], str], ...], after: str) -> None:
        """Arms from the current block, each on its edge, all joining at `after`
        (an empty arm is an edge straight to it)."""
        fork = self.current
        for stmts, label in arms:
            if not stmts:
                self.edge(fork, after, label)
                continue
            self.current = fork
            self.start(self.new_block(), label)
            self.body(stmts)
            self.edge(self.current, after)
        self.current = after

    def c_loop(self, label: str, body: tuple[n.Stmt, ...]) -> None:
        head = self.label_block(label)  # `goto $loop` from a nested loop is a continue
        after = self.new_block()
        self.start(head)
        self.breaks.append(after)
        self.continues.append(head)
        self.body(body)
        self.breaks.pop()
        self.continues.pop()
        self.edge(self.current, head)  # for (;;): the end goes round again
        self.current = after

    def c_do_while(self, s: n.CDoWhile, body: tuple[n.Stmt, ...]) -> None:
        head, test, after = self.new_block(), self.new_block(), self.new_block()
        self.start(head)
        self.breaks.append(after)
        self.continues.append(test)
        self.body(body)
        self.breaks.pop()
        self.continues.pop()
        self.start(test)
        self.emit(s)
        self.edge(test, head, "then")
        self.edge(test, after, "else")
        self.current = after

    def c_switch(self, s: n.CSwitch, cases: tuple[tuple[tuple[int, ...], tuple[n.Stmt, ...]], ...], default: tuple[n.Stmt, ...]) -> None:
        self.emit(s)
        switch, after = self.current, self.new_block()
        arms = [("case " + ",".join(map(str, values)), body) for values, body in cases] + [("default", default)]
        starts = [self.new_block() for _ in arms]
        self.breaks.append(after)
        for k, ((label, body), block) in enumerate(zip(arms, starts)):
            self.edge(switch, block, label)
            self.current = block
            self.body(body)
            self.edge(self.current, starts[k + 1] if k + 1 < len(starts) else after)  # C cases fall through
        self.breaks.pop()
        self.current = after


def _remove_empty_blocks(graph: nx.MultiDiGraph) -> None:
    """Drops the blocks that hold nothing: one nothing reaches goes; one
    that one edge leaves is bypassed, the labels of the edges in and out
    joined (`then` into a block that jumps with `break` is `then: break`)."""
    changed = True
    while changed:
        changed = False
        for block in list(graph.nodes):
            if block in (ENTRY, EXIT) or graph.nodes[block]["lines"]:
                continue
            ins = list(graph.in_edges(block, data="label"))
            outs = list(graph.out_edges(block, data="label"))
            if not ins:
                graph.remove_node(block)
            elif len(outs) == 1 and outs[0][1] != block:
                successor, out_label = outs[0][1], outs[0][2]
                for source, _, in_label in ins:
                    graph.add_edge(source, successor, label=": ".join(x for x in (in_label, out_label) if x), back=False)
                graph.remove_node(block)
            else:
                continue
            changed = True


def _mark_back_edges(graph: nx.MultiDiGraph) -> None:
    """An edge to a block that dominates its source closes a loop: a back edge."""
    dominators = nx.immediate_dominators(graph, ENTRY)

    def dominates(a: str, b: str) -> bool:
        while True:
            if a == b:
                return True
            parent = dominators.get(b)
            if parent is None or parent == b:
                return False
            b = parent

    for source, target, data in graph.edges(data=True):
        if source in dominators and dominates(target, source):
            data["back"] = True
            data["label"] = data["label"] or "loop"
