"""The one error type of the frontend.

`WasmError` is raised by the decoder (kind "malformed", or "unsupported" for a
feature outside WebAssembly 2.0 without SIMD) and by the validator (kind
"invalid").  It carries a one-line message and, when known, the byte offset in
the binary (or the position the text frontend recorded) it is about.
"""

from __future__ import annotations

KINDS = ("malformed", "invalid", "unsupported")


class WasmError(Exception):
    """A module that is malformed, invalid, or uses an unsupported feature."""

    def __init__(self, kind: str, message: str, offset: int | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown WasmError kind {kind!r}")
        super().__init__(kind, message, offset)
        self.kind = kind
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        where = "" if self.offset is None else f" (at byte {self.offset:#x})"
        return f"{self.kind}: {self.message}{where}"
