"""pass: shape-loops : c -> c

Gives each loop the shape a person would write, from the `for (;;) { body
break; }` that lower-control makes of every Wasm loop.

    for (;;) { B if (c) continue; break; }   =>  do { B } while (c);
                                                 when nothing else jumps to the loop's top
    for (;;) { B continue; break; }          =>  for (;;) { B }
    for (;;) { B J break; }                  =>  for (;;) { B J }
                                                 when J jumps (goto, continue, break, return, trap)

Design decision: a loop's top is reached by every `continue` whose
innermost loop it is and by every `goto` to its label (from a nested loop,
which `continue` cannot leave); all of them are counted before any loop is
reshaped, so a loop that a nested one jumps to stays `for (;;)` with its
label (golden case do_while_outer_branch: it was a `goto` to a label never
defined).
"""

from __future__ import annotations

from collections import Counter

from wastrel.ir import nodes as n
from wastrel.passes.framework import Rewriter, declare_pass, map_functions

_JUMPS = (n.CGoto, n.CContinue, n.CBreak, n.Return, n.ReturnCall, n.Unreachable)


@declare_pass("shape-loops", takes="c", gives="c", requires="lower-control", local=True)
def shape_loops(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: _LoopShaper(f).rewrite(f))


class _LoopShaper(Rewriter):
    def __init__(self, func: n.Function):
        self.func = func
        self.jumps: Counter[str | None] | None = None  # to each loop's top (None: a do-while), once asked

    def jumps_to(self, label: str) -> int:
        if self.jumps is None:
            self.jumps = Counter()
            for s in self.func.body:
                _count_jumps(s, [], self.jumps)
        return self.jumps[label]

    visit_Expr = Rewriter.keep_expression

    def leave_CLoop(self, loop: n.CLoop) -> n.Stmt:
        body = loop.body
        if len(body) < 2 or not isinstance(body[-1], n.CBreak):
            return loop
        last = body[-2]
        if isinstance(last, n.CIf) and last.then == (n.CContinue(),) and not last.else_ and self.jumps_to(loop.label) == 1:
            return n.CDoWhile(body[:-2], last.cond)
        if isinstance(last, n.CContinue):
            return n.CLoop(loop.label, body[:-2])
        if isinstance(last, _JUMPS):
            return n.CLoop(loop.label, body[:-1])
        return loop


def _count_jumps(stmt: n.Stmt, loops: list[str | None], counts: Counter[str | None]) -> None:
    """Counts the jumps in `stmt` to each loop's top; `loops`: the loops
    around it, innermost last."""
    if isinstance(stmt, n.CContinue):
        counts[loops[-1]] += 1
    elif isinstance(stmt, n.CGoto):
        counts[stmt.name] += 1
    loop = isinstance(stmt, (n.CLoop, n.CDoWhile))
    if loop:
        loops.append(stmt.label if isinstance(stmt, n.CLoop) else None)
    for child in stmt.children():
        if isinstance(child, n.Stmt):
            _count_jumps(child, loops, counts)
    if loop:
        loops.pop()
