"""pass: remove-dead-stores : c -> c

Removes the computations whose value nobody reads, keeping their effects.

    x = e;      =>  e;      when nothing in the function reads x
    e;          =>          when e is not a call and neither writes nor may trap

Repeated until nothing more goes: a value removed may have been the only
reader of a local, whose assignments are then dead in turn.  The locals
nothing mentions any more are not declared (c-print declares what the
code mentions).

Design decision: an evaluation that may trap stays, as `e;`, and c-print
keeps it alive (`W_KEEP`), so that the C compiler cannot delete the trap
with the unused value -- with fast traps too, where a faulting value
assigned to a local nobody reads would otherwise be a plain read that gcc
deletes (backend_c/kept.py).  A call stays even when it is pure: the
callee may not return.  Runs before `shape-loops` and `tidy-c`, so that
a loop or an `if` left with nothing else to do is shaped and tidied too.
"""

from __future__ import annotations

from wastrel.ir import nodes as n
from wastrel.passes.framework import Rewriter, declare_pass, map_functions


@declare_pass("remove-dead-stores", takes="c", gives="c", requires="lower-control", before="shape-loops", local=True)
def remove_dead_stores(program: n.Program) -> n.Program:
    return map_functions(program, _remove_dead_stores)


def _remove_dead_stores(func: n.Function) -> n.Function:
    reads: dict[int, int] = {}
    stores: list[int] = []
    for s in func.body:
        _survey(s, reads, stores)
    if all(reads.get(i) for i in stores):
        return func  # (most functions)
    while True:
        remover = _DeadStores(reads)
        func = remover.rewrite(func)
        if not remover.again:
            return func


class _DeadStores(Rewriter):
    def __init__(self, reads: dict[int, int]):
        self.reads = reads  # local -> how many reads are left
        self.again = False  # a local lost its last read: another round

    visit_Expr = Rewriter.keep_expression

    def visit_LocalSet(self, s: n.LocalSet) -> n.Stmt | tuple[()]:
        return s if self.reads.get(s.index) else self.visit_Eval(n.Eval(s.value, effect=s.value.effect))

    def visit_Eval(self, s: n.Eval) -> n.Stmt | tuple[()]:
        if not _removable(s.value):
            return s
        for i in _locals_read(s.value, []):
            self.reads[i] -= 1
            self.again = self.again or not self.reads[i]
        return ()


def _survey(node: n.Node, reads: dict[int, int], stores: list[int]) -> None:
    """Counts the reads of each local in `reads`; `stores` gets the local
    of each assignment, and -1 for an evaluation without effects.  (A loop
    over every node, by exact class: this is most of the pass's time.)"""
    pending = [node]
    while pending:
        node = pending.pop()
        kind = type(node)
        if kind is n.LocalGet:
            reads[node.index] = reads.get(node.index, 0) + 1  # type: ignore[attr-defined]
            continue
        if kind is n.LocalSet:
            stores.append(node.index)  # type: ignore[attr-defined]
        elif kind is n.Eval and _removable(node.value):  # type: ignore[attr-defined]
            stores.append(-1)
        pending.extend(node.children())


def _removable(value: n.Expr) -> bool:
    """Is an evaluation of `value` nothing but its value?"""
    effect = value.effect
    return not (isinstance(value, n.CALLS) or effect.writes or effect.traps)  # type: ignore[union-attr]


def _locals_read(node: n.Node, out: list[int]) -> list[int]:
    """`out` with the local of every `local.get` in `node` added."""
    if isinstance(node, n.LocalGet):
        out.append(node.index)
    for child in node.children():
        _locals_read(child, out)
    return out
