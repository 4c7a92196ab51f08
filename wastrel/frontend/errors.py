"""The one error type of the frontend.

`WasmError` is raised by the decoder (kind "malformed", or "unsupported" for a
feature outside WebAssembly 2.0 without SIMD), by the text reader (kinds
"malformed" and "unsupported") and by the validator (kind "invalid").  It
carries a one-line message and, when known, where it is about: the byte
offset in the binary, or the line and column (both from 1) in the text.
"""

from __future__ import annotations

KINDS = ("malformed", "invalid", "unsupported")


class WasmError(Exception):
    """A module that is malformed, invalid, or uses an unsupported feature."""

    def __init__(
        self,
        kind: str,
        message: str,
        offset: int | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown WasmError kind {kind!r}")
        super().__init__(kind, message, offset)
        self.kind = kind
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is not None:
            where = f" (at line {self.line}, column {self.column})"
        elif self.offset is not None:
            where = f" (at byte {self.offset:#x})"
        else:
            where = ""
        return f"{self.kind}: {self.message}{where}"
