"""Progress of a long build, on a terminal only.

A big module takes a while: the passes run over thousands of functions,
then tens of C units compile.  On a terminal, once a build has taken more
than a second ($WASTREL_PROGRESS_DELAY seconds), one status line on stderr
says where it is (rewritten in place, erased at the end); a quick build, a
pipe, a file or a CI log gets nothing, so outputs stay clean and diffable.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from typing import TextIO


_COUNT = re.compile(r"(\d+)/(\d+)")


class Progress:
    def __init__(self, stream: TextIO | None = None, min_interval: float = 0.1, delay: float | None = None):
        self.stream = stream or sys.stderr
        self.enabled = _is_terminal(self.stream)
        self.min_interval = min_interval
        self.shown = 0.0
        self.quiet_until = time.monotonic() + (_delay() if delay is None else delay)
        self.width = 0
        self.phase = ""
        self.lock = threading.Lock()  # units report from several threads

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        with self.lock:
            now = time.monotonic()
            if now < self.quiet_until:
                return
            phase = text.split(":")[0]
            # A new phase shows at once, as do units and a count's end ("N/N");
            # the counts between, at most every min_interval.
            count = _COUNT.search(text)
            final = text.endswith("units") or (count is not None and count[1] == count[2])
            if phase == self.phase and now - self.shown < self.min_interval and not final:
                return
            self.shown, self.phase = now, phase
            line = f"wastrel: {text}"
            self.stream.write("\r" + line + " " * max(0, self.width - len(line)))
            self.stream.flush()
            self.width = len(line)

    def done(self) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _delay() -> float:
    """Seconds of silence at the start: $WASTREL_PROGRESS_DELAY, else 1."""
    try:
        return max(0.0, float(os.environ.get("WASTREL_PROGRESS_DELAY", "")))
    except ValueError:
        return 1.0


def _is_terminal(stream: TextIO) -> bool:
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
