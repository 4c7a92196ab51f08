"""The text reader: .wat modules and .wast scripts -> L-wasm.

`read_module_text(text) -> Module` reads a module in the text format (one
`(module ...)`, or just its fields) into the `Module` the decoder would give
for its binary; `read_script(text) -> list[Command]` reads a WebAssembly
script (the data model is in `script`).  Both take `str`, or `bytes` that
must be UTF-8, and raise `WasmError` ("malformed", or "unsupported" for
features beyond WebAssembly 2.0 and relaxed SIMD) with the line and column
of the problem.

The reader is a pipeline of small modules:

    text --sexpr--> lists, atoms, annotations   (grammar.lark, lark LALR)
         --elaborate--> Module                  (context, types, instrs, customs)
    literals: numbers, strings, names; cursor: reading a list's items;
    modules: text / binary / quoted module sources; wast + script: scripts.

`Instr.offset` (and the other offsets) of a module read from text are
character positions in the text; `position(text, offset)` turns one into
(line, column), e.g. for a validation error.
"""

from wastrel.frontend.text.modules import read_module_text
from wastrel.frontend.text.wast import read_script


def position(text: str, offset: int) -> tuple[int, int]:
    """The (line, column), both from 1, of character `offset` of `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


__all__ = ["position", "read_module_text", "read_script"]
