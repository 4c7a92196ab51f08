"""Deep recursion made safe: the compiler runs on a thread with a big stack.

wastrel's passes recurse on the nesting of the program they compile (a
block inside a block, an operand inside an operation), as nanopass
compilers do: it is the clearest way to write a tree rewrite.  Real
compilers emit programs nested thousands deep (a C `switch` becomes
hundreds of nested blocks; a long expression a deep operand chain), and
the main thread's 8 MiB C stack with Python's default recursion limit of
1,000 would make depth an arbitrary limit.

So every entry point runs the compiler through `run_deep`, on a thread
whose stack is a STACK_BYTES reservation (virtual memory: only the pages a
deep program touches are ever used) with a recursion limit to match.  The
limit is set so that the stack cannot overflow before it is reached: a
Python-level call costs at most about 1 KiB of C stack in CPython 3.11
(measured with recursion through generators, `map` and dataclass
comparison, the costliest kinds), so depth is bounded by memory alone --
100,000 nested blocks or a 100,000-deep expression use well under a tenth
of it.  Past the limit the program is too deep for any memory this machine
has, and the user gets a one-line error, never a crash.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, TypeVar

from wastrel.collector import collector_paused

T = TypeVar("T")

STACK_BYTES = 4 << 30
C_STACK_PER_FRAME = 1024  # an upper bound, with a margin, for CPython 3.11
RECURSION_LIMIT = STACK_BYTES // C_STACK_PER_FRAME


def run_deep(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` on a thread with a stack deep enough for any
    nesting that fits in memory, with the cyclic collector paused
    (collector.py); its exception, if any, is re-raised here."""
    if getattr(_state, "inside", False):
        return function(*args)
    outcome: list = []

    def body() -> None:
        _state.inside = True
        try:
            with collector_paused():
                outcome.append((True, function(*args)))
        except BaseException as e:  # handed to the caller's thread
            outcome.append((False, e))

    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    old_size = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=body, name="wastrel-deep", daemon=True)
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    ok, value = outcome[0]
    if ok:
        return value
    raise value


_state = threading.local()
