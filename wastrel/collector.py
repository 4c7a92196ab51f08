"""The cyclic garbage collector is paused while the compiler runs.

The passes build new trees node by node -- graphviz.wasm makes millions of
short-lived nodes and keeps hundreds of thousands alive from one pass to
the next -- and CPython's cyclic collector, triggered every 700
allocations, walks every live container each time one of its older
generations fills.  On graphviz that was 37 % of the Python side (14.6 s
of CPU down to 9.1 s without it, for the same peak memory: 225 MB against
234 MB), and it finds nothing: trees have no cycles, and everything else
is freed by reference counting as usual (a cycle would keep a module and
its trees alive until the process ends: tests/test_build.py checks that a
translation leaves nothing behind).  So the compiler's entry points
run with the collector paused; a long-lived process (an embedding, the
test suite) gets it back when the compilation ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Runs the body with the cyclic collector off (reentrant)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
