"""pass: annotate-effects : tree -> effects

Fills in the `effect` of every expression and statement, bottom-up: the
union of the children's effects and the node's own.

    (local.get $x)          {r:$x}
    (i32.load ...)          {r:G t:mem}          loads read global state, may trap
    (call $f ...)           {r:G w:G t:any}      a call may do anything global
    (let (t1) e)            e + {w:$t1}          a pending temporary is a local
    (br $l v)               v + {w:<$l's result locals> br:$l}
    (block $l ...)          the body's effects, without `br:$l`
    (loop $l ...)           the body's effects, without `br:$l`, and {t:loop}:
                            it may never end, so no trap or write may be
                            moved past it (into code after it)

The vocabulary (one bit for all global state, one per local, trap kinds,
escaping labels) and the question `conflicts(a, b)` live in
`wastrel.ir.effects`.

Design decision: temporaries and the locals that carry block results are
ordinary locals here, so "does this pending value still hold if I move it
past that statement?" is answered by the same reads/writes test as for any
Wasm local.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any, Callable

from wastrel.ir import effects as fx
from wastrel.ir import nodes as n
from wastrel.ir.effects import GLOBAL, Effect, local_bit
from wastrel.ir.ops import CALL_EFFECT, op_effect
from wastrel.passes.framework import copy_trees, declare_pass, map_functions


def fill_in_effects(program: n.Program) -> n.Program:
    """The pass on trees no one else holds: each node's effect is written
    into the node itself (see `_Annotator`)."""
    return map_functions(program, lambda f: _Annotator().function(f))


@declare_pass("annotate-effects", takes="tree", gives="effects", local=True, in_place=fill_in_effects)
def annotate_effects(program: n.Program) -> n.Program:
    return fill_in_effects(copy_trees(program))


MAY_NOT_END = Effect(traps=fx.TRAP_DIVERGE)


def union(nodes: tuple[n.Node, ...] | list[n.Node], own: Effect = fx.PURE) -> Effect:
    """The union of the nodes' effects and `own` (field by field: this is
    the hot loop).  When only one of them is not PURE, the union is that
    one itself (an operator on a local and a constant): no new Effect."""
    reads, writes, traps, escapes = own.reads, own.writes, own.traps, own.escapes
    only = None if own is fx.PURE else own  # the one effect that is not PURE, while there is one
    several = False
    for node in nodes:
        e = node.effect
        if e is not None and e is not fx.PURE:
            if only is None:
                only = e
            elif e is not only:
                several = True
            reads |= e.reads
            writes |= e.writes
            traps |= e.traps
            if e.escapes:
                escapes = escapes | e.escapes if escapes else e.escapes
    if not several:
        return fx.PURE if only is None else only
    return Effect(reads, writes, traps, escapes)


def writes_locals(indices: tuple[int, ...]) -> Effect:
    return Effect(writes=reduce(or_, (local_bit(i) for i in indices), 0))


#: Writes the effect of a node that no one else sees yet (framework's
#: `in_place`): nodes stay immutable for everyone else.
_set_effect = n.Node.effect.__set__  # type: ignore[attr-defined]


class _Annotator:
    """One function's annotation: a bottom-up walk that fills in each
    node's effect, the union of its children's and its own (`OWN_EFFECT`,
    by node class; the commonest classes are handled first, with theirs).
    It writes into the nodes it is given (`fill_in_effects`): building
    each of them again, as a rewrite does, took 45 % longer on graphviz."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[int, ...]] = {}  # label -> the locals a branch to it writes
        self.reads: dict[int, Effect] = {}  # local -> the effect of reading it (shared)
        self.writes: dict[int, Effect] = {}  # local -> the effect of writing it (shared)
        self.branches: dict[str, Effect] = {}  # label -> the effect of a branch to it (shared)

    def function(self, f: n.Function) -> n.Function:
        self.body(f.body)
        return f

    def body(self, stmts: tuple[n.Stmt, ...]) -> None:
        for s in stmts:
            self.node(s)

    def node(self, node: n.Node) -> None:
        kind = type(node)
        # The three commonest nodes (two thirds of them) first:
        if kind is n.LocalGet:
            _set_effect(node, self.read(node))  # type: ignore[arg-type]
        elif kind is n.Op or kind is n.Perform:
            args = node.args  # type: ignore[attr-defined]
            for a in args:
                self.node(a)
            _set_effect(node, union(args, op_effect(node.op)))  # type: ignore[attr-defined]
        elif kind is n.Const:
            _set_effect(node, fx.PURE)
        elif kind is n.LocalTee or kind is n.LocalSet:  # (and the next commonest, likewise)
            value = node.value  # type: ignore[attr-defined]
            self.node(value)
            _set_effect(node, union((value,), self.write(node.index)))  # type: ignore[attr-defined]
        elif kind is n.Call:
            args = node.args  # type: ignore[attr-defined]
            for a in args:
                self.node(a)
            _set_effect(node, union(args, CALL_EFFECT))
        else:
            own = OWN_EFFECT[kind]
            children = node.children()
            if own is None:  # a block, loop or if
                label = node.label  # type: ignore[attr-defined]
                self.targets[label] = node.params if kind is n.Loop else node.results  # type: ignore[attr-defined]
                for child in children:
                    self.node(child)
                effect = union(children).without_escape(label)
                _set_effect(node, effect | MAY_NOT_END if kind is n.Loop else effect)
            else:
                for child in children:
                    self.node(child)
                _set_effect(node, union(children, own if type(own) is Effect else own(self, node)))

    def read(self, node: n.LocalGet | n.TempRef) -> Effect:
        index = node.index if type(node) is n.LocalGet else node.id  # type: ignore[union-attr]
        effect = self.reads.get(index)
        if effect is None:
            effect = self.reads[index] = Effect(reads=local_bit(index))
        return effect

    def write(self, index: int) -> Effect:
        effect = self.writes.get(index)
        if effect is None:
            effect = self.writes[index] = Effect(writes=local_bit(index))
        return effect

    def branch(self, node: n.Br | n.BrIf) -> Effect:
        effect = self.branches.get(node.label)
        if effect is None:
            effect = self.branches[node.label] = writes_locals(self.targets[node.label]) | Effect(escapes=frozenset({node.label}))
        return effect

    def br_table(self, node: n.BrTable) -> Effect:
        targets = set(node.labels) | {node.default}
        written = tuple(i for label in targets for i in self.targets[label])
        return writes_locals(written) | Effect(escapes=frozenset(targets))


#: Node class -> its own effect, for the classes `_Annotator.node` does not
#: build directly: an Effect, a function of the annotator and the node, or
#: None for the structured statements (whose own effect is that of their
#: labels).
OWN_EFFECT: dict[type, Effect | Callable[[_Annotator, Any], Effect] | None] = {
    n.TempRef: _Annotator.read,
    n.Let: lambda _, node: writes_locals(node.temps),
    n.GlobalGet: Effect(reads=GLOBAL),
    n.GlobalSet: Effect(writes=GLOBAL),
    n.CallIndirect: CALL_EFFECT,
    n.CallRef: CALL_EFFECT,
    n.Eval: fx.PURE,
    n.Block: None,
    n.Loop: None,
    n.If: None,
    n.Br: _Annotator.branch,
    n.BrIf: _Annotator.branch,
    n.BrTable: _Annotator.br_table,
    n.Return: Effect(escapes=frozenset({fx.RETURN})),
    n.ReturnCall: Effect(escapes=frozenset({fx.RETURN})),
    n.Unreachable: Effect(traps=fx.TRAP_UNREACHABLE),
}
