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

import shutil
import sys
from pathlib import Path

from wastrel.frontend.decode import decode_module
from wastrel.frontend.encode import encode_module
from wastrel.frontend.text import read_module_text
from wastrel.ir.wasm import Module


def wasm_tools() -> str | None:
    """The `wasm-tools` executable, if installed (the tests use it to make
    reference binaries)."""
    beside_python = Path(sys.executable).parent / "wasm-tools"
    return str(beside_python) if beside_python.exists() else shutil.which("wasm-tools")


def _is_text(path: Path, data: bytes) -> bool:
    return path.suffix == ".wat" or data.lstrip().startswith((b"(", b";;"))


def load_module(path: Path) -> Module:
    data = path.read_bytes()
    return read_module_text(data) if _is_text(path, data) else decode_module(data)


def read_module(path: Path) -> bytes:
    data = path.read_bytes()
    return encode_module(read_module_text(data)) if _is_text(path, data) else data
