"""What `wastrel-passes` prints while the pipeline runs: the program before
or after chosen passes, and with `--print-changed` what each pass changed.

`PassViewer` is handed to the pass manager as its `before_pass`/`after_pass`
callbacks.  With a function selection every dump shows only those
functions' code.  `--print-changed` shows, for every pass, the functions
whose text it changed as unified diffs (a change of language is a change
too), and one line for a pass that changed none:

    ;; annotate-effects (tree -> effects): changed $fib
    --- $fib before annotate-effects (tree)
    +++ $fib after annotate-effects (effects)
    @@ -1,3 +1,3 @@
    ...
    ;; limit-expression-depth (flushed -> flushed): no change

The first view is the module as read (decode's output), in full.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from wastrel.passes.framework import PassInfo
from wastrel.views.texts import FunctionText, FunctionTexts, function_texts, selected_text


def _print(text: str) -> None:
    sys.stdout.write(text)


@dataclass
class PassViewer:
    """Prints dumps and changes as the pipeline runs (see the module docstring)."""

    dump_before: set[str] = field(default_factory=set)  # pass names, or "all"
    dump_after: set[str] = field(default_factory=set)
    only: frozenset[int] | None = None  # function indices; None: all
    print_changed: bool = False
    write: Callable[[str], None] = _print
    # The last pass's output and its input (a CModule's functions are named by its input).
    _last: Any = None
    _last_source: Any = None
    _last_texts: FunctionTexts | None = None

    def before_pass(self, info: PassInfo, value: Any) -> None:
        if info.name in self.dump_before or "all" in self.dump_before:
            source = self._last_source if value is self._last else None
            self.dump(f"before {info.name} ({info.takes})", selected_text(value, source, self.only))

    def after_pass(self, info: PassInfo, before: Any, after: Any) -> None:
        if info.name in self.dump_after or "all" in self.dump_after:
            self.dump(f"after {info.name} ({info.gives})", selected_text(after, before, self.only))
        if self.print_changed:
            self.show_changes(info, before, after)
        self._last, self._last_source = after, before

    def dump(self, title: str, text: str) -> None:
        self.write(f";; {title}\n{text.rstrip()}\n\n")

    # -- --print-changed ------------------------------------------------------------

    def show_changes(self, info: PassInfo, before: Any, after: Any) -> None:
        heading = f"{info.name} ({info.takes} -> {info.gives})"
        old = self._last_texts if before is self._last else function_texts(before, None, self.only)
        new = self._last_texts = function_texts(after, before, self.only)
        if old is None or new is None:
            what = "the module as read" if before is None or isinstance(before, bytes) else "its output in full (no functions to compare)"
            self.write(f";; {heading}: {what}\n{selected_text(after, before, self.only).rstrip()}\n\n")
            return
        diffs = [d for d in (_diff(k, old, new, info) for k in _keys(old, new)) if d]
        if not diffs:
            self.write(f";; {heading}: no change\n")
            return
        names = ", ".join(name for name, _ in diffs)
        self.write(f";; {heading}: changed {names}\n" + "".join(text for _, text in diffs) + "\n")


def _keys(old: FunctionTexts, new: FunctionTexts) -> list[int]:
    return list(old) + [k for k in new if k not in old]


def _diff(index: int, old: FunctionTexts, new: FunctionTexts, info: PassInfo) -> tuple[str, str] | None:
    """(the function's name, its unified diff), or None when unchanged."""
    a, b = old.get(index), new.get(index)
    if a is not None and b is not None and a.text == b.text:
        return None
    name = (b or a or FunctionText("?", "")).name
    lines = difflib.unified_diff(
        _lines(a),
        _lines(b),
        f"{name} before {info.name} ({info.takes})" if a else "(none)",
        f"{name} after {info.name} ({info.gives})" if b else "(none)",
        lineterm="",
    )
    return name, "".join(line + "\n" for line in lines)


def _lines(text: FunctionText | None) -> list[str]:
    return text.text.splitlines() if text is not None else []
