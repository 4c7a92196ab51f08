"""pass: remove-unused-labels : c -> c

Removes the labels nothing jumps to.

    L:      =>                    when no `goto L` is left in the function

Design decision: run after `tidy-c`, which removes the gotos to where
control goes anyway, so that the label a block or `if` ended with stays
only where a branch needs it.
"""

from __future__ import annotations

from wastrel.ir import nodes as n
from wastrel.passes.framework import Rewriter, declare_pass, map_functions


@declare_pass("remove-unused-labels", takes="c", gives="c", requires="tidy-c", local=True)
def remove_unused_labels(program: n.Program) -> n.Program:
    return map_functions(program, _remove_unused_labels)


def _remove_unused_labels(func: n.Function) -> n.Function:
    labels: set[str] = set()
    targets: set[str] = set()
    for s in func.body:
        _survey(s, labels, targets)
    return _UnusedLabels(targets).rewrite(func) if labels - targets else func


class _UnusedLabels(Rewriter):
    def __init__(self, targets: set[str]):
        self.targets = targets

    visit_Expr = Rewriter.keep_expression

    def visit_CLabel(self, label: n.CLabel) -> n.CLabel | tuple[()]:
        return label if label.name in self.targets else ()


def _survey(stmt: n.Stmt, labels: set[str], targets: set[str]) -> None:
    """Adds the labels in `stmt` to `labels`, those its gotos jump to to `targets`."""
    if isinstance(stmt, n.CGoto):
        targets.add(stmt.name)
    elif isinstance(stmt, n.CLabel):
        labels.add(stmt.name)
    for child in stmt.children():
        if isinstance(child, n.Stmt):
            _survey(child, labels, targets)
