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

from wastrel.ir import effects as fx
from wastrel.ir import nodes as n
from wastrel.ir.effects import GLOBAL, Effect, local_bit
from wastrel.ir.ops import CALL_EFFECT, op_effect
from wastrel.passes.framework import Rewriter, declare_pass, map_functions


@declare_pass("annotate-effects", takes="tree", gives="effects", local=True)
def annotate_effects(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _Annotator().rewrite(f))


MAY_NOT_END = Effect(traps=fx.TRAP_DIVERGE)


def union(nodes: tuple[n.Node, ...] | list[n.Node], own: Effect = fx.PURE) -> Effect:
    """The union of the nodes' effects and `own` (field by field: this is
    the hot loop)."""
    reads, writes, traps, escapes = own.reads, own.writes, own.traps, own.escapes
    for node in nodes:
        e = node.effect
        if e is not None:
            reads |= e.reads
            writes |= e.writes
            traps |= e.traps
            if e.escapes:
                escapes = escapes | e.escapes if escapes else e.escapes
    if not (reads or writes or traps or escapes):
        return fx.PURE
    return Effect(reads, writes, traps, escapes)


def writes_locals(indices: tuple[int, ...]) -> Effect:
    return Effect(writes=reduce(or_, (local_bit(i) for i in indices), 0))


class _Annotator(Rewriter):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[int, ...]] = {}

    def rewrite(self, node: n.Node) -> n.Node:  # type: ignore[override]
        if isinstance(node, (n.Block, n.Loop, n.If)):
            label = node.label
            self.targets[label] = node.params if isinstance(node, n.Loop) else node.results
            new = self.rewrite_children(node)
            effect = union(new.children()).without_escape(label)
            return new.with_effect(effect | MAY_NOT_END if isinstance(node, n.Loop) else effect)
        new = self.rewrite_children(node)
        if isinstance(new, n.Function):
            return new
        return new.with_effect(union(new.children(), self.own_effect(new)))

    def own_effect(self, node: n.Node) -> Effect:
        match node:
            case n.Const():
                return fx.PURE
            case n.LocalGet(index=i) | n.TempRef(id=i):
                return Effect(reads=local_bit(i))
            case n.LocalTee(index=i) | n.LocalSet(index=i):
                return writes_locals((i,))
            case n.Let(temps=temps):
                return writes_locals(temps)
            case n.GlobalGet():
                return Effect(reads=GLOBAL)
            case n.GlobalSet():
                return Effect(writes=GLOBAL)
            case n.Op(op=op) | n.Perform(op=op):
                return op_effect(op)
            case n.Call() | n.CallIndirect() | n.CallRef():
                return CALL_EFFECT
            case n.Br(label=label) | n.BrIf(label=label):
                return writes_locals(self.targets[label]) | Effect(escapes=frozenset({label}))
            case n.BrTable(labels=labels, default=default):
                targets = set(labels) | {default}
                written = tuple(i for label in targets for i in self.targets[label])
                return writes_locals(written) | Effect(escapes=frozenset(targets))
            case n.Return() | n.ReturnCall():
                return Effect(escapes=frozenset({"return"}))
            case n.Unreachable():
                return Effect(traps=fx.TRAP_UNREACHABLE)
        return fx.PURE
