"""Effects: what an expression or statement may read, write, trap on, or branch to.

The analysis is deliberately coarse (see DESIGN.md): one bit stands for all
global state -- memories, tables, globals and the outside world reached
through calls -- and one bit per local variable.  Traps are kept per kind,
because two operations that can only trap in the same way may run in either
order without anyone noticing.  `escapes` names the labels (or `return`) a
statement may leave through.

`conflicts(a, b)` answers the one question every later pass asks: may these
two computations be evaluated in either order?
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from wastrel.ir.fast_init import fast_init

GLOBAL = 1  # bit 0 of `reads`/`writes`; local i is bit i + 1


def local_bit(index: int) -> int:
    return 1 << (index + 1)


# Trap kinds, one bit each.
TRAP_MEMORY = 1
TRAP_DIVIDE = 2  # integer divide by zero
TRAP_OVERFLOW = 4  # integer overflow (division, float-to-int)
TRAP_CONVERSION = 8  # invalid conversion to integer
TRAP_TABLE = 16
TRAP_INDIRECT = 32  # undefined/uninitialized element, signature mismatch
TRAP_UNREACHABLE = 64
TRAP_DIVERGE = 128  # a loop, which may never end: nothing may be moved past it as if it did
TRAP_NULL = 256  # a null reference where one is needed (ref.as_non_null, call_ref, struct.get)
TRAP_ARRAY = 512  # out of bounds array access (GC)
TRAP_CAST = 1024  # ref.cast failure (GC)
TRAP_ALLOC = 2048  # out of memory: an allocation beyond the GC heap's limit
TRAP_ANY = 0xFFF  # calls: anything, including stack exhaustion

TRAP_NAMES = {
    TRAP_MEMORY: "mem",
    TRAP_DIVIDE: "div",
    TRAP_OVERFLOW: "ovf",
    TRAP_CONVERSION: "conv",
    TRAP_TABLE: "table",
    TRAP_INDIRECT: "indirect",
    TRAP_UNREACHABLE: "unreachable",
    TRAP_DIVERGE: "loop",
    TRAP_NULL: "null",
    TRAP_ARRAY: "array",
    TRAP_CAST: "cast",
    TRAP_ALLOC: "alloc",
}


@fast_init
@dataclass(frozen=True, slots=True)
class Effect:
    reads: int = 0
    writes: int = 0
    traps: int = 0
    escapes: frozenset[str] = frozenset()

    def __or__(self, other: Effect) -> Effect:
        """The union (one of the two itself when it holds the other: no new object)."""
        reads, writes, traps = self.reads | other.reads, self.writes | other.writes, self.traps | other.traps
        escapes = self.escapes
        if other.escapes and other.escapes is not escapes:
            escapes = escapes | other.escapes
        if reads == self.reads and writes == self.writes and traps == self.traps and escapes == self.escapes:
            return self
        if reads == other.reads and writes == other.writes and traps == other.traps and escapes == other.escapes:
            return other
        return Effect(reads, writes, traps, escapes)

    def __bool__(self) -> bool:
        return bool(self.reads or self.writes or self.traps or self.escapes)

    @property
    def is_pure(self) -> bool:
        """Reads at most locals or globals: no writes, traps or branches."""
        return not (self.writes or self.traps or self.escapes)

    def without_escape(self, label: str) -> Effect:
        if label not in self.escapes:
            return self
        return Effect(self.reads, self.writes, self.traps, self.escapes - {label})

    def __str__(self) -> str:
        return self.format(lambda index: f"l{index}")

    def format(self, local_name: Callable[[int], str]) -> str:
        """The effect as the dumps show it, e.g. `{r:G,$x w:$h1 t:mem}`:
        `local_name(i)` names local i (`__str__` says `l<i>`); labels are
        `$label` as in the code, and `return` leaves the function."""
        parts = []
        if self.reads:
            parts.append("r:" + _state_names(self.reads, local_name))
        if self.writes:
            parts.append("w:" + _state_names(self.writes, local_name))
        if self.traps:
            if self.traps == TRAP_ANY:
                parts.append("t:any")
            else:
                kinds = [n for bit, n in TRAP_NAMES.items() if self.traps & bit]
                parts.append("t:" + ",".join(kinds))
        if self.escapes:
            parts.append("br:" + ",".join(_label_name(label) for label in sorted(self.escapes)))
        return "{" + " ".join(parts) + "}"


PURE = Effect()
RETURN = "return"  # the escape of a statement that may leave the function


def _state_names(bits: int, local_name: Callable[[int], str]) -> str:
    names = []
    if bits & GLOBAL:
        names.append("G")
    bits >>= 1
    index = 0
    while bits:
        if bits & 1:
            names.append(local_name(index))
        bits >>= 1
        index += 1
    return ",".join(names)


def _label_name(label: str) -> str:
    return label if label == RETURN else "$" + label


def _several_trap_kinds(traps: int) -> bool:
    return traps & (traps - 1) != 0


def conflicts(a: Effect, b: Effect) -> bool:
    """True when evaluating `a` and `b` in the other order could be observed."""
    if a.writes & (b.reads | b.writes) or b.writes & a.reads:
        return True
    if a.traps and b.traps and _several_trap_kinds(a.traps | b.traps):
        return True
    # A trap must not overtake, or be overtaken by, a write of global state:
    # the state stays observable after the trap.
    if (a.traps and b.writes & GLOBAL) or (b.traps and a.writes & GLOBAL):
        return True
    # A branch must not skip, or be skipped by, something with consequences.
    if (a.escapes and (b.writes or b.traps)) or (b.escapes and (a.writes or a.traps)):
        return True
    return False
