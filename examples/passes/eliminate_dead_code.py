"""pass: eliminate-dead-code : flushed -> flushed

Exercise 2 of docs/course.md, a reference solution: dead-code elimination.

    (if $l (i32.const c) then else)   =>  (block $l then)  when c != 0, (block $l else) when c = 0
                                          (nothing at all when that arm is empty)
    (br_if $l v... (i32.const c))     =>  (br $l v...) when c != 0; nothing when c = 0 and v... are pure
    (br_table ... (i32.const i))      =>  (br <the i-th label, or the default> v...)
    S... (br $l) T...                 =>  S... (br $l)     and the same after br_table, return, unreachable,
                                          and after a loop or block that never falls through (see below)
    (eval e)                          =>  nothing, when e is pure: no writes, no traps, no branches

Constant conditions come from the source, or from fold-constants (run
both: `--plugin fold_constants.py --plugin eliminate_dead_code.py`).

Design decision: the flushed language.  Its control flow is still
structured: nothing can jump into the middle of a statement list, so the
statements after an unconditional branch are dead by a purely local
argument (in the `c` language a label may follow the `goto`, and deciding
needs the whole function).  Every node carries its effect, so "is this
drop pure?" is one look at `effect`.  And pending temporaries are gone:
deleting a statement cannot leave a `let` without its use.

Effects stay conservative: a statement that replaces another keeps the old
one's effect (the `if` becomes a `block` with the `if`'s effect, which
covers its arm's), except where the new one certainly does less (a `br`
made from a `br_table` branches to one label only); deleting a statement
leaves its parents' effects wider than needed, never narrower than the
truth.  Nothing here makes an expression's effect wider, which a pass in
`flushed` must not do: C evaluates the operands of each node in any
order, so they must stay free of conflicts.
"""

from __future__ import annotations

from wastrel.ir.effects import Effect
from wastrel.ir.nodes import Block, Br, BrIf, BrTable, Const, Eval, If, Loop, Return, Stmt, Unreachable
from wastrel.passes.framework import Rewriter, declare_rewrite

#: Statements after which the rest of a statement list never runs.
JUMPS = (Br, BrTable, Return, Unreachable)


def never_falls_through(stmt: Stmt) -> bool:
    """Whether the statement after `stmt` is unreachable from it: a jump;
    a loop whose body ends in one (a branch to the loop goes back to its
    top, and one to an outer label past the block it names); a block whose
    body ends in one and which nothing branches to (its statements' effects
    say where they may branch: `br:$label`)."""
    match stmt:
        case Loop(body=body):
            return bool(body) and never_falls_through(body[-1])
        case Block(label=label, body=body):
            return bool(body) and never_falls_through(body[-1]) and not any(label in s.effect.escapes for s in body)
    return isinstance(stmt, JUMPS)


@declare_rewrite("eliminate-dead-code", "flushed", optional=True)
class EliminateDeadCode(Rewriter):
    """Removes dead statements (exercise 2 of docs/course.md)."""

    def rewrite_body(self, body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        """Every statement list, after its statements are rewritten: cut after the first jump."""
        body = super().rewrite_body(body)
        for i, stmt in enumerate(body):
            if never_falls_through(stmt):
                return body[: i + 1]
        return body

    def leave_If(self, s: If) -> Stmt | tuple[Stmt, ...]:
        if not isinstance(s.cond, Const):
            return s
        arm = s.then if s.cond.value else s.else_
        # The arm may branch to the if's label (that is how it delivers a
        # result): a block with the same label and results receives those branches.
        return Block(s.label, s.results, arm, effect=s.effect) if arm else ()

    def leave_BrIf(self, s: BrIf) -> Stmt | tuple[Stmt, ...]:
        if not isinstance(s.cond, Const):
            return s
        if s.cond.value:
            return Br(s.label, s.values, effect=s.effect)
        if all(v.effect.is_pure for v in s.values):
            return ()  # never taken, and computing its values changes nothing
        return s

    def leave_BrTable(self, s: BrTable) -> Stmt:
        if not isinstance(s.index, Const):
            return s
        index = s.index.value & 0xFFFFFFFF  # the index is unsigned: -1 means the default
        label = s.labels[index] if index < len(s.labels) else s.default
        # The old effect, but branching to one label only: narrower, and certain.
        effect = Effect(s.effect.reads, s.effect.writes, s.effect.traps, frozenset({label}))
        return Br(label, s.values, effect=effect)

    def leave_Eval(self, s: Eval) -> Stmt | tuple[Stmt, ...]:
        return () if s.value.effect.is_pure else s
