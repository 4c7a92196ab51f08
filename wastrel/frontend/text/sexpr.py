"""The S-expression layer: text -> a tree of lists, annotations and atoms.

Takes the text of a module (.wat) or script (.wast) and gives its items, as
read by the lark grammar in `grammar.lark` (an LALR parser with a contextual
lexer):

* an atom is a lark `Token` (a `str` with `.type`, `.line`, `.column` and
  `.start_pos`); its type is KEYWORD, ID, NUM, STRING or RESERVED, and its
  value the token's text as written (escapes are decoded later, by
  `literals`);
* a list `( ... )` is an `SList`: a Python list of its items, with the
  position of its `(`;
* an annotation `(@name ...)` is an `Annotation`.  Only the annotations
  wastrel interprets (`KNOWN_ANNOTATIONS`) are kept; the others are dropped
  here, as the spec lets a reader ignore them.

Comments are dropped by the grammar.  Every error is a `WasmError` of kind
"malformed" with the line and column it is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from wastrel.frontend.errors import WasmError
from wastrel.frontend.text.literals import string_name

KNOWN_ANNOTATIONS = ("custom", "producers", "metadata.code.branch_hint", "name")


class SList(list["Item"]):
    """A parenthesised list: its items, and where its `(` is."""

    __slots__ = ("line", "column", "pos")

    def __init__(self, items: list[Item], line: int, column: int, pos: int) -> None:
        super().__init__(items)
        self.line = line
        self.column = column
        self.pos = pos

    def head(self) -> str | None:
        """The keyword the list starts with, if it starts with one."""
        first = self[0] if self else None
        return first if isinstance(first, Token) and first.type == "KEYWORD" else None


class Annotation:
    """An annotation `(@name item*)` that wastrel interprets."""

    __slots__ = ("name", "items", "line", "column", "pos")

    def __init__(self, name: str, items: SList) -> None:
        self.name = name
        self.items = items
        self.line = items.line
        self.column = items.column
        self.pos = items.pos

    def __repr__(self) -> str:
        return f"(@{self.name} {' '.join(map(repr, self.items))})"


Item = Union[Token, SList, Annotation]


def fail(message: str, where: Item, *, kind: str = "malformed") -> WasmError:
    """A WasmError about `where` (a token, list or annotation), to raise."""
    return WasmError(kind, message, where.start_pos if isinstance(where, Token) else where.pos,
                     line=where.line, column=where.column)


class _ToItems(Transformer[Token, SList]):
    """Builds the items as the parser reduces (no intermediate tree)."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0  # annotations dropped whose list is not reduced yet

    def _kept(self, children: list) -> list[Item]:
        if self.dropped:
            kept = [c for c in children if c is not None]
            self.dropped -= len(children) - len(kept)
            return kept
        return children

    def start(self, children: list) -> SList:
        return SList(self._kept(children), 1, 1, 0)

    def list(self, children: list) -> SList:
        lpar = children[0]
        return SList(self._kept(children[1:-1]), lpar.line, lpar.column, lpar.start_pos)

    def annotation(self, children: list) -> Annotation | None:
        opener = children[0]
        items = SList(self._kept(children[1:-1]), opener.line, opener.column, opener.start_pos)
        name = _annotation_name(opener)
        if name not in KNOWN_ANNOTATIONS:
            self.dropped += 1
            return None
        return Annotation(name, items)


def _annotation_name(opener: Token) -> str:
    raw = opener[2:]
    name = string_name(Token("STRING", raw, opener.start_pos + 2, opener.line, opener.column + 2)) if raw[0] == '"' else raw
    if not name:
        raise fail("empty annotation id", opener)
    return name


# One parser for all texts (building it takes a while); `parse` is therefore
# not to be called from two threads at once.
_TRANSFORMER = _ToItems()
_PARSER = Lark(
    (Path(__file__).with_name("grammar.lark")).read_text(),
    parser="lalr",
    lexer="contextual",
    transformer=_TRANSFORMER,
    maybe_placeholders=False,
)


def parse(text: str | bytes) -> SList:
    """All items of `text` (UTF-8 if bytes), as one list at line 1, column 1."""
    if isinstance(text, bytes):
        text = _decode_utf8(text)
    _TRANSFORMER.dropped = 0
    try:
        return _PARSER.parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(err, text) from None


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise WasmError("malformed", "malformed UTF-8 encoding", len(before), line=line, column=column) from None


def _syntax_error(err: UnexpectedInput, text: str) -> WasmError:
    if isinstance(err, UnexpectedCharacters):
        return _character_error(text, err.pos_in_stream, err.line, err.column)
    if isinstance(err, UnexpectedToken) and err.token.type == "_BLOCK_TEXT":
        # No token matched here, and the lexer fell back to comment text.
        return _character_error(text, err.token.start_pos, err.token.line, err.token.column)
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        token = err.token
        what = "`)`" if token.type == "RPAR" else f"token {str(token)!r}"
        return WasmError("malformed", f"unexpected {what}", token.start_pos, line=token.line, column=token.column)
    assert isinstance(err, (UnexpectedEOF, UnexpectedToken))
    expected = err.expected if isinstance(err, UnexpectedEOF) else err.accepts or err.expected
    what = "comment" if "_BLOCK_CLOSE" in expected else "parenthesis or annotation"
    lines = text.split("\n")
    return WasmError("malformed", f"unexpected end of text: unclosed {what}", len(text),
                     line=len(lines), column=len(lines[-1]) + 1)


def _character_error(text: str, pos: int, line: int, column: int) -> WasmError:
    """The error at `pos`, where no token starts: an illegal character, or a
    string that is not closed or holds one."""
    if text[pos] != '"':
        return WasmError("malformed", f"illegal character {text[pos]!r}", pos, line=line, column=column)
    at = pos + 1
    while at < len(text) and text[at] != '"':
        char = text[at]
        if char == "\n":
            break
        if char < " " or char == "\x7f":
            return WasmError("malformed", f"illegal character {char!r} in a string", at, line=line, column=column + at - pos)
        at += 2 if char == "\\" else 1
    message = "unclosed string" if at >= len(text) or text[at] == "\n" else "malformed string"
    return WasmError("malformed", message, pos, line=line, column=column)
