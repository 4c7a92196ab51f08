"""Reads a module file: a binary `.wasm`, or a `.wat` text.

`load_module(path) -> Module` gives the file's L-wasm module: a binary is
decoded; a text is read by wastrel's text reader (whose offsets are then
character positions in the text, see `wastrel.frontend.text.position`).
`read_module(path) -> bytes` gives the module as a binary -- a text module
encoded -- for the pipeline's `decode` pass and the build cache's key.

A file is text if its name ends in `.wat` or it starts (after white space)
with `(` or `;;`.  Errors are `WasmError`s, with the line and column for a
text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from wastrel.frontend.errors import WasmError

if TYPE_CHECKING:
    from wastrel.ir.wasm import Module

# (the decoder, encoder and text reader are imported when needed: a cached
# binary module's run reads its bytes only)


def _is_text(path: Path, data: bytes) -> bool:
    return path.suffix == ".wat" or data.lstrip().startswith((b"(", b";;"))


def load_module(path: Path, on_function: Callable[[int, int], None] | None = None) -> Module:
    """The module in the file, text or binary; a binary one tells
    `on_function(done, total)` as its function bodies are read."""
    data = path.read_bytes()
    if _is_text(path, data):
        from wastrel.frontend.text import read_module_text  # (lark and the grammar: 0.08 s)

        return read_module_text(data)
    from wastrel.frontend.decode import decode_module

    return decode_module(data, on_function)


def read_module(path: Path) -> bytes:
    data = path.read_bytes()
    if not _is_text(path, data):
        return data
    from wastrel.frontend.encode import encode_module
    from wastrel.frontend.text import read_module_text

    return encode_module(read_module_text(data))


def with_text_position(error: WasmError, path: Path) -> WasmError:
    """An error about a module read from text, with its offset (a character
    position) turned into line and column."""
    if error.line is not None or error.offset is None:
        return error
    data = path.read_bytes()
    if not _is_text(path, data):
        return error
    from wastrel.frontend.text import position

    line, column = position(data.decode("utf-8", errors="replace"), error.offset)
    return WasmError(error.kind, error.message, None, line=line, column=column)
