"""pass: reuse-values : effects -> effects

Exercise 4 of docs/course.md, a reference solution: a pure expression
whose value a local already holds is read from that local (a small common
subexpression elimination).

    (local.set $a E)  S1 ... Sn  S[E]   =>   (local.set $a E)  S1 ... Sn  S[(local.get $a)]

when
* E is a pure operator expression (no writes, no traps, no branches: it
  can be evaluated anywhere, any number of times) that does not read $a;
* $a still holds E's value at S: nothing evaluated between the
  `local.set` and E -- S1 ... Sn, and S's operands (all of them, to keep
  it simple) -- writes what E reads, or $a.

The second condition is the question the built-in passes ask too: "may E
move from S back to the `local.set`?"  It is `effects.conflicts` between
E's effect (plus reading $a) and each statement's: a statement that
conflicts ends what we know about $a.  A statement that may trap or
branch away does not: then S is never reached.  A loop or block is a
statement like any other: its effect covers everything it may do.

The statement lists are handled one at a time, nested ones first; what a
list knows is not carried into the lists nested in it (an exercise left
to the reader).

Design decision: the effects language, ahead of the passes that make the
`flushed` language.  The rewrite changes what the statement reads ($a
instead of E's locals), so the effects of S and of every node between S
and E are widened to include reading $a: an effect must never claim less
than the node may do.  The passes after this one then put the C in a
safe order with the new effects.
"""

from __future__ import annotations

from wastrel.ir.effects import Effect, conflicts, local_bit
from wastrel.ir.nodes import Expr, LocalGet, LocalSet, Node, Op, Stmt
from wastrel.passes.framework import Rewriter, declare_rewrite


class Replace(Rewriter):
    """Replaces each occurrence of a known expression by a read of its local,
    widening the effect of every node it rebuilds on the way up."""

    def __init__(self, known: list[tuple[Expr, int]]) -> None:
        self.known = known

    def rewrite(self, node: Node) -> Node:
        for e, a in self.known:
            if node == e:  # == compares the trees, not their effects
                return LocalGet(a, effect=Effect(reads=local_bit(a)))
        new = self.rewrite_children(node)
        if new is node:
            return node
        return new.with_effect(new.effect | union(new.children()))  # it now reads $a too


def union(nodes: list[Node] | tuple[Node, ...]) -> Effect:
    effect = Effect()
    for node in nodes:
        effect = effect | node.effect
    return effect


def held(e: Expr, a: int) -> Effect:
    """Reading E through $a: what E reads, and $a."""
    return e.effect | Effect(reads=local_bit(a))


@declare_rewrite("reuse-values", "effects", requires="annotate-effects", optional=True)
class ReuseValues(Rewriter):
    """Reads a pure expression from the local it was just assigned to (exercise 4)."""

    def rewrite_body(self, body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out = []
        known: list[tuple[Expr, int]] = []  # (E, $a): the local $a holds E's value here
        for stmt in super().rewrite_body(body):  # nested statement lists first
            operands = stmt.operands()  # evaluated first, before the statement does anything else
            usable = [(e, a) for e, a in known if not conflicts(held(e, a), union(operands))]
            if usable:
                new = [Replace(usable).rewrite(operand) for operand in operands]
                if any(x is not y for x, y in zip(new, operands)):
                    # Widen with the new operands' effects only: a statement's own effect
                    # leaves out the branches to its own label, which its body's effects have.
                    stmt = stmt.with_operands(new).with_effect(stmt.effect | union(new))
            known = [(e, a) for e, a in known if not conflicts(held(e, a), stmt.effect)]
            match stmt:
                case LocalSet(a, Op() as e) if e.effect.is_pure and not e.effect.reads & local_bit(a):
                    known.append((e, a))
            out.append(stmt)
        return tuple(out)
