"""Modules as the text gives them: text, binary or quoted.

Takes a text, or the items of a `(module ...)` form after its keyword, and
gives the module: `read_module_text` reads a whole .wat text (one `(module
...)`, or just module fields); `module_form` reads `$id? field*`, `$id?
binary string*` or `$id? quote string*` into the module's identifier and a
`ModuleSource` that `load()`s it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from lark import Token

from wastrel.frontend.decode import decode_module
from wastrel.frontend.text.cursor import Cursor
from wastrel.frontend.text.elaborate import elaborate
from wastrel.frontend.text.sexpr import SList, parse
from wastrel.ir.wasm import Module


@dataclass(frozen=True)
class TextModule:
    """A module in the text format: the fields of `sexpr` from `start` on."""

    sexpr: SList
    start: int
    ident: Token | None  # `$M`, which also names the module in its name section

    def load(self) -> Module:
        return elaborate(Cursor(self.sexpr, self.start), self.ident)


@dataclass(frozen=True)
class BinaryModule:
    """`(module binary "...")`: the bytes of a binary module."""

    data: bytes

    def load(self) -> Module:
        return decode_module(self.data)


@dataclass(frozen=True)
class QuoteModule:
    """`(module quote "...")`: module text, as bytes (it may not be UTF-8)."""

    text: bytes

    def load(self) -> Module:
        return read_module_text(self.text)


ModuleSource = Union[TextModule, BinaryModule, QuoteModule]


def module_form(cur: Cursor) -> tuple[Token | None, ModuleSource]:
    """The rest of a `(module ...)` form: its identifier and its source."""
    ident = cur.take_id()
    if cur.take_keyword("binary"):
        return ident, BinaryModule(cur.strings())
    if cur.take_keyword("quote"):
        return ident, QuoteModule(cur.strings())
    return ident, TextModule(cur.lst, cur.pos, ident)


def read_module_text(text: str | bytes) -> Module:
    """The module of a .wat text (UTF-8 if bytes)."""
    items = parse(text)
    if len(items) == 1 and isinstance(items[0], SList) and items[0].head() == "module":
        _, source = module_form(Cursor(items[0], 1))
        return source.load()
    return elaborate(Cursor(items))
