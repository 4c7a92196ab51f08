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
path C can take when nothing traps -- through labels and `goto`s, past an
`if` whose branches leave the variable alone, through loop bodies, around a
loop's back edge and out of its end -- until each path reaches a statement
that consumes the variable (yes), or overwrites it, reads it where the read
may not count (in one branch, a `select` arm, an assignment to a variable
not surely read in turn), leaves by `break`, `continue` or `return`, or
comes back to where it was (no: that loop may never end).  What happens on
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
    return bool(value.effect and value.effect.traps & TRAP_MEMORY)


def _blocks(s: n.Stmt) -> list[tuple[n.Stmt, ...]]:
    match s:
        case n.CIf(then=then, else_=else_):
            return [then, else_]
        case n.CLoop(body=body) | n.CDoWhile(body=body):
            return [body]
        case n.CSwitch(cases=cases, default=default):
            return [b for _, b in cases] + [default]
    return []


class _OutOfBudget(Exception):
    pass


class KeptAssignments:
    """The `LocalSet`s of one function body that need W_KEEP_INT/W_KEEP.
    `eval_kept(v)`: whether the printer keeps `(eval v)` (then it uses v)."""

    def __init__(self, body: tuple[n.Stmt, ...], read_locals: set[int], eval_kept: Callable[[n.Expr], bool]):
        self.read_locals = read_locals
        self.eval_kept = eval_kept
        self.labels: dict[str, tuple[tuple[n.Stmt, ...], int]] = {}
        self.parents: dict[int, tuple[tuple[n.Stmt, ...], int, n.Stmt]] = {}  # block -> where it sits
        self.kept: set[int] = set()  # ids of LocalSet statements
        self.budget = 0
        self._index(body)
        self._decide(body)

    def __contains__(self, s: n.Stmt) -> bool:
        return id(s) in self.kept

    def _index(self, block: tuple[n.Stmt, ...]) -> None:
        for k, s in enumerate(block):
            if isinstance(s, n.CLabel):
                self.labels[s.name] = (block, k + 1)
            for b in _blocks(s):
                self.parents[id(b)] = (block, k, s)
                self._index(b)

    def _decide(self, block: tuple[n.Stmt, ...]) -> None:
        for k, s in enumerate(block):
            if isinstance(s, n.LocalSet) and s.index in self.read_locals and may_fault(s.value):
                self.budget = BUDGET
                try:
                    read = self._read_from(s.index, block, k + 1, set())
                except _OutOfBudget:
                    read = False
                if not read:
                    self.kept.add(id(s))
            for b in _blocks(s):
                self._decide(b)

    # -- the scan --------------------------------------------------------------

    def _read_from(self, i: int, block: tuple[n.Stmt, ...], k: int, visited: set[tuple[int, int]], again: bool = False) -> bool:
        """Is local i read, in a way that counts, on every path from block[k]
        before anything else happens to it?  A path that comes back to where
        it was has not read it -- unless it came back through a `do`-`while`
        (`again`), whose way out is checked too: the C compiler cannot know
        that the loop never takes it."""
        if (id(block), k) in visited:
            return again
        visited.add((id(block), k))
        found = self._scan(i, block, k, visited, again)
        if found is not None:
            return found
        parent = self.parents.get(id(block))
        if parent is None:
            return False  # the end of the function
        outer, index, s = parent
        match s:
            case n.CDoWhile(body=body, cond=cond):
                if self._consumes(cond, i):
                    return True
                if self._touches(cond, i):
                    return False
                return self._read_from(i, body, 0, visited, True) and self._read_from(i, outer, index + 1, visited, again)
            case n.CLoop(body=body):
                return self._read_from(i, body, 0, visited, again)
        return self._read_from(i, outer, index + 1, visited, again)  # after an if or a switch

    def _scan(self, i: int, block: tuple[n.Stmt, ...], k: int, visited: set[tuple[int, int]], again: bool) -> bool | None:
        """`_read_from` within one block: None when the block ends first."""
        while k < len(block):
            s = block[k]
            k += 1
            self._spend()
            match s:
                case n.CLabel():
                    continue
                case n.CGoto(name=name):
                    if name not in self.labels:
                        return False
                    return self._read_from(i, *self.labels[name], visited, again)
                case n.Unreachable():
                    return True  # a trap ends the program first
                case n.CIf(cond=cond) | n.CSwitch(index=cond):
                    if self._consumes(cond, i):
                        return True
                    if self._touches(cond, i) or any(self._touches_or_leaves(s2, i) for b in _blocks(s) for s2 in b):
                        return False
                case n.CDoWhile(body=body) | n.CLoop(body=body):
                    return self._read_from(i, body, 0, visited, again)  # on through the loop's ends
                case n.Return(values=values):
                    return any(self._consumes(v, i) for v in values)
                case n.Perform(args=args):
                    if any(self._consumes(a, i) for a in args):
                        return True
                    if any(self._touches(a, i) for a in args):
                        return False
                case n.LocalSet(index=j, value=v) if j in self.read_locals:
                    if self._consumes(v, i):  # counts if what it computes is surely read in turn
                        return self._read_from(j, block, k, visited if j == i else set(), again and j == i)
                    if j == i or self._touches(v, i):
                        return False
                case n.Eval(value=n.Call() | n.CallIndirect() as v) if self._consumes(v, i):
                    return True  # a call stays (unless it does nothing at all)
                case n.LocalSet(value=v) | n.GlobalSet(value=v) | n.Eval(value=v):
                    # an unread local's or a global's value is used if kept, as is a dropped one
                    if self._consumes(v, i) and (self.eval_kept(v) if isinstance(s, n.Eval) else may_fault(v)):
                        return True
                    if self._touches(s, i):
                        return False
                case _:  # break, continue, MultiSet
                    if isinstance(s, (n.CBreak, n.CContinue)) or self._touches(s, i):
                        return False
        return None

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget

    def _consumes(self, e: n.Node, i: int) -> bool:
        """Does evaluating `e` read local i, other than in a `select` arm
        (C's `?:` evaluates one arm only)?"""
        self._spend()
        match e:
            case n.LocalGet(index=j):
                return j == i
            case n.Op(op="select", args=args):
                return self._consumes(args[2], i)
        return any(self._consumes(c, i) for c in e.children())

    def _touches(self, node: n.Node, i: int) -> bool:
        """Does `node` (or anything in it) read or write local i?"""
        self._spend()
        match node:
            case n.LocalGet(index=j) | n.LocalTee(index=j) | n.LocalSet(index=j) if j == i:
                return True
            case n.MultiSet(indices=ids) if i in ids:
                return True
        return any(self._touches(c, i) for c in node.children())

    def _touches_or_leaves(self, s: n.Stmt, i: int) -> bool:
        """Does a statement in a branch mention local i, or may it leave the path?"""
        self._spend()
        if isinstance(s, (n.CGoto, n.CBreak, n.CContinue, n.Return)):
            return True
        blocks = _blocks(s)
        if not blocks:
            return self._touches(s, i)
        if any(self._touches(c, i) for c in s.children() if isinstance(c, n.Expr)):
            return True
        return any(self._touches_or_leaves(s2, i) for b in blocks for s2 in b)
