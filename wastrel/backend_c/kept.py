"""Which assignments must be kept with fast traps (runtime/wastrel_ops.h).

With fast traps a load is a plain C read, and the C compiler deletes a read
whose value it finds unused -- and the trap with it.  A load consumed in its
own statement (by a store, a call, a branch, a return, another access) is
used.  One assigned to a variable is used if the variable is read so later
on every path; if not (the local is overwritten first, read on one branch
only, or never), the assignment is printed as `W_KEEP_INT(x = ...)`, which
makes the C compiler compute it there.

    x = <value that may fault>;  ...  <statement consuming x>     plain
    x = <value that may fault>;  ...  x = ...;                    kept
    x = <value that may fault>;  if (c) { <consuming x> }         kept

"Surely read" is decided by a forward scan from the assignment along every
path C can take when nothing traps -- through labels and `goto`s, through
both branches of an `if` (paths that meet again share their answer),
through loop bodies, around a loop's back edge and out of its end -- until
each path reaches a statement that consumes the variable (yes), or
overwrites it, reads it where the read may not count (a `select` arm, an
assignment to a variable not surely read in turn), leaves by `break`,
`continue` or `return`, or comes back to where it was (no: that loop may
never end).  The answers for chains of temporaries are remembered, the
last assignment of a block decided first.  What happens on
the way does not matter, even a trap or an exit: then the program ends
there, which is the one liberty fast traps take (runtime/wastrel_ops.h).
The scan is bounded; past the bound the answer is "kept".

Design decision: keeping is cheap but not free (the empty asm pins the
value in a register at that point and orders it with other asms: up to a
fifth of a tight loop), so it is spent only where the read may die.  A value
assigned to a global is always kept when it may fault: gcc deletes a
global nothing reads.
"""

from __future__ import annotations

from typing import Callable

from wastrel.ir import nodes as n
from wastrel.ir.effects import TRAP_MEMORY

BUDGET = 400  # nodes looked at per assignment


def may_fault(value: n.Expr) -> bool:
    """May the value's evaluation fault on memory (a load, or a call)?"""
    effect = value.effect
    return effect is not None and effect.traps & TRAP_MEMORY != 0


def _blocks(s: n.Stmt) -> list[tuple[n.Stmt, ...]]:
    kind = type(s)
    if kind is n.CIf:
        return [s.then, s.else_]  # type: ignore[attr-defined]
    if kind is n.CLoop or kind is n.CDoWhile:
        return [s.body]  # type: ignore[attr-defined]
    if kind is n.CSwitch:
        return [b for _, b in s.cases] + [s.default]  # type: ignore[attr-defined]
    return []


#: The statements with blocks of their own.
_WITH_BLOCKS = frozenset({n.CIf, n.CLoop, n.CDoWhile, n.CSwitch})

_Seen = dict[tuple[int, int, bool], "bool | None"]  # (block, position, again) -> answer, None while asked


class _OutOfBudget(Exception):
    pass


class KeptAssignments:
    """The `LocalSet`s of one function body that need W_KEEP_INT/W_KEEP.
    `eval_kept(v)`: whether the printer keeps `(eval v)` (then it uses v)."""

    def __init__(self, body: tuple[n.Stmt, ...], eval_kept: Callable[[n.Expr], bool]):
        self.eval_kept = eval_kept
        self.labels: dict[str, tuple[tuple[n.Stmt, ...], int]] = {}
        self.parents: dict[int, tuple[tuple[n.Stmt, ...], int, n.Stmt]] = {}  # block -> where it sits
        self.kept: set[int] = set()  # ids of LocalSet statements
        self.surely_read: dict[tuple[int, int, int], bool] = {}  # (local, block, position) -> answer
        self.budget = 0
        self.candidates: list[tuple[n.LocalSet, tuple[n.Stmt, ...], int]] = []  # LocalSets of values that may fault
        self._index(body)
        self._decide()
        # Asked while deciding only.  Dropped, so that the printer whose
        # method it calls is not kept alive by a cycle through this object:
        # the compiler runs with the cyclic collector paused (collector.py).
        del self.eval_kept

    def __contains__(self, s: n.Stmt) -> bool:
        return id(s) in self.kept

    def _index(self, block: tuple[n.Stmt, ...]) -> None:
        """Where each label and each nested block is, and the assignments
        to decide, in the order `_decide` takes them: last statement first
        (an assignment consumed by a later one, a chain of temporaries,
        then finds that one's answer remembered), a statement's blocks
        before it."""
        for k in range(len(block) - 1, -1, -1):
            s = block[k]
            kind = type(s)
            if kind is n.LocalSet:
                if may_fault(s.value):  # type: ignore[attr-defined]
                    self.candidates.append((s, block, k))  # type: ignore[arg-type]
            elif kind is n.CLabel:
                self.labels[s.name] = (block, k + 1)  # type: ignore[attr-defined]
            elif kind in _WITH_BLOCKS:
                for b in _blocks(s):
                    if b:  # every empty block is the same tuple: it has no one place
                        self.parents[id(b)] = (block, k, s)
                    self._index(b)

    def _decide(self) -> None:
        """Each assignment `_index` listed is kept unless its local is
        surely read after it."""
        for s, block, k in self.candidates:
            self.budget = BUDGET
            try:
                read = self._surely_read_after(s.index, block, k + 1)
            except _OutOfBudget:
                read = False
            if not read:
                self.kept.add(id(s))

    def _surely_read_after(self, i: int, block: tuple[n.Stmt, ...], k: int) -> bool:
        """`_read_from` on a fresh path, remembered: it depends on nothing else."""
        key = (i, id(block), k)
        if key not in self.surely_read:
            self.surely_read[key] = self._read_from(i, block, k, {})
        return self.surely_read[key]

    # -- the scan --------------------------------------------------------------

    def _read_from(self, i: int, block: tuple[n.Stmt, ...], k: int, seen: _Seen, again: bool = False) -> bool:
        """Is local i read, in a way that counts, on every path from block[k]
        before anything else happens to it?  A path that comes back to where
        it is still being asked has not read it -- unless it came back
        through a `do`-`while` (`again`), whose way out is checked too: the
        C compiler cannot know that the loop never takes it.  Paths that
        meet (after an `if`, at a label) share the answer, in `seen`."""
        key = (id(block), k, again)
        if key in seen:
            answer = seen[key]
            return again if answer is None else answer
        seen[key] = None  # being asked
        seen[key] = answer = self._read_from_here(i, block, k, seen, again)
        return answer

    def _read_from_here(self, i: int, block: tuple[n.Stmt, ...], k: int, seen: _Seen, again: bool) -> bool:
        found = self._scan(i, block, k, seen, again)
        if found is not None:
            return found
        parent = self.parents.get(id(block)) if block else None
        if parent is None:
            return False  # the end of the function (or an empty loop's body: never left)
        outer, index, s = parent
        match s:
            case n.CDoWhile(body=body, cond=cond):
                if self._consumes(cond, i):
                    return True
                if self._touches(cond, i):
                    return False
                return self._read_from(i, body, 0, seen, True) and self._read_from(i, outer, index + 1, seen, again)
            case n.CLoop(body=body):
                return self._read_from(i, body, 0, seen, again)
        return self._read_from(i, outer, index + 1, seen, again)  # after an if or a switch

    def _scan(self, i: int, block: tuple[n.Stmt, ...], k: int, seen: _Seen, again: bool) -> bool | None:
        """`_read_from` within one block: None when the block ends first."""
        while k < len(block):
            s = block[k]
            k += 1
            self.budget -= 1  # (spent inline, as in _consumes and _touches: they run per statement or node)
            if self.budget < 0:
                raise _OutOfBudget
            kind = type(s)  # (the commonest statements first)
            if kind is n.LocalSet:
                j, v = s.index, s.value  # type: ignore[attr-defined]
                if self._consumes(v, i):  # counts if what it computes is surely read in turn
                    if j == i:
                        return self._read_from(j, block, k, seen, again)
                    return self._surely_read_after(j, block, k)
                if j == i or self._touches(v, i):
                    return False
            elif kind is n.Perform:
                args = s.args  # type: ignore[attr-defined]
                for a in args:  # (loops, not any() of a generator: the commonest statement but one)
                    if self._consumes(a, i):
                        return True
                for a in args:
                    if self._touches(a, i):
                        return False
            elif kind is n.Eval or kind is n.GlobalSet:
                v = s.value  # type: ignore[attr-defined]
                if kind is n.Eval and type(v) in n.CALLS and self._consumes(v, i):
                    return True  # a call stays (unless it does nothing at all)
                # a global's value is used if kept, as is a dropped one
                if self._consumes(v, i) and (self.eval_kept(v) if kind is n.Eval else may_fault(v)):
                    return True
                if self._touches(s, i):
                    return False
            elif kind is n.CIf:
                cond, then, else_ = s.cond, s.then, s.else_  # type: ignore[attr-defined]
                if self._consumes(cond, i):
                    return True
                if self._touches(cond, i):
                    return False
                # both ways on: through a branch (an empty one: on after the if)
                for b in (then, else_):
                    if not (self._read_from(i, b, 0, seen, again) if b else self._read_from(i, block, k, seen, again)):
                        return False
                return True
            elif kind is n.CLabel:
                continue
            elif kind is n.CGoto:
                if s.name not in self.labels:  # type: ignore[attr-defined]
                    return False
                return self._read_from(i, *self.labels[s.name], seen, again)  # type: ignore[attr-defined]
            elif kind is n.Unreachable:
                return True  # a trap ends the program first
            elif kind is n.CSwitch:
                cond = s.index  # type: ignore[attr-defined]
                if self._consumes(cond, i):
                    return True
                if self._touches(cond, i) or any(self._touches_or_leaves(s2, i) for b in _blocks(s) for s2 in b):
                    return False
            elif kind is n.CDoWhile or kind is n.CLoop:
                return self._read_from(i, s.body, 0, seen, again)  # type: ignore[attr-defined]  # on through the loop's ends
            elif kind is n.Return:
                return any(self._consumes(v, i) for v in s.values)  # type: ignore[attr-defined]
            elif kind is n.ReturnCall:
                return self._consumes(s.call, i)  # type: ignore[attr-defined]
            elif kind is n.CBreak or kind is n.CContinue or self._touches(s, i):  # break, continue, MultiSet
                return False
        return None

    def _consumes(self, e: n.Node, i: int) -> bool:
        """Does evaluating `e` read local i, other than in a `select` arm
        (C's `?:` evaluates one arm only)?"""
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        kind = type(e)
        if kind is n.LocalGet:
            return e.index == i  # type: ignore[attr-defined]
        if kind is n.Const:
            return False
        if kind is n.Op and e.op == "select":  # type: ignore[attr-defined]
            return self._consumes(e.args[2], i)  # type: ignore[attr-defined]
        for c in e.children():
            if self._consumes(c, i):
                return True
        return False

    def _touches(self, node: n.Node, i: int) -> bool:
        """Does `node` (or anything in it) read or write local i?"""
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        kind = type(node)
        if kind is n.LocalGet:
            return node.index == i  # type: ignore[attr-defined]
        if kind is n.Const:
            return False
        if kind is n.LocalTee or kind is n.LocalSet:
            if node.index == i:  # type: ignore[attr-defined]
                return True
        elif kind is n.MultiSet and i in node.indices:  # type: ignore[attr-defined]
            return True
        for c in node.children():
            if self._touches(c, i):
                return True
        return False

    def _touches_or_leaves(self, s: n.Stmt, i: int) -> bool:
        """Does a statement in a branch mention local i, or may it leave the path?"""
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        if isinstance(s, (n.CGoto, n.CBreak, n.CContinue, n.Return, n.ReturnCall)):
            return True
        blocks = _blocks(s)
        if not blocks:
            return self._touches(s, i)
        if any(self._touches(c, i) for c in s.children() if isinstance(c, n.Expr)):
            return True
        return any(self._touches_or_leaves(s2, i) for b in blocks for s2 in b)
