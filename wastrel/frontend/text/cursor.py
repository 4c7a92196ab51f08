"""A cursor over the items of one S-expression list.

Takes an `SList` (from `sexpr`) and gives its items one at a time, left to
right, with the small vocabulary every reader of the text format needs:
peek at the next item, take it if it is a given keyword, an identifier, a
string, an unsigned integer or a list with a given head, and fail with a
position otherwise.  Errors are `WasmError`s of kind "malformed" pointing at
the item concerned (or at the list's `(` when the list ends too early).
"""

from __future__ import annotations

from lark import Token

from wastrel.frontend.errors import WasmError
from wastrel.frontend.text.literals import is_unsigned, string_bytes, string_name, unsigned
from wastrel.frontend.text.sexpr import Annotation, Item, SList, fail


def _describe(item: Item) -> str:
    """How an item is named in an error message."""
    if isinstance(item, Annotation):
        return f"@{item.name} annotation"
    if isinstance(item, SList):
        return f"({item.head() or '...'} ...)"
    return f"token {str(item)!r}"


def unexpected(item: Item, expected: str | None = None) -> WasmError:
    """The error for an item that is not what the reader expected here."""
    if isinstance(item, Annotation):
        return fail(f"misplaced {_describe(item)}", item)
    if isinstance(item, Token) and item.type == "KEYWORD" and expected is None:
        return fail(f"unknown operator or unexpected token {str(item)!r}", item)
    return fail(f"unexpected {_describe(item)}" + (f", expected {expected}" if expected else ""), item)


class Cursor:
    """The items of `lst` from index `start` on, read left to right."""

    __slots__ = ("lst", "pos")

    def __init__(self, lst: SList, start: int = 0) -> None:
        self.lst = lst
        self.pos = start

    def done(self) -> bool:
        return self.pos >= len(self.lst)

    def peek(self) -> Item | None:
        return self.lst[self.pos] if self.pos < len(self.lst) else None

    def peek_keyword(self) -> str | None:
        """The next item if it is a keyword."""
        item = self.peek()
        return item if isinstance(item, Token) and item.type == "KEYWORD" else None

    def peek_head(self) -> str | None:
        """The keyword the next item starts with, if it is such a list."""
        item = self.peek()
        return item.head() if isinstance(item, SList) else None

    def next(self, expected: str) -> Item:
        """The next item; an error naming `expected` if there is none."""
        if self.pos >= len(self.lst):
            raise fail(f"unexpected end of list, expected {expected}", self.lst)
        item = self.lst[self.pos]
        self.pos += 1
        return item

    def end(self) -> None:
        """Fail if items are left."""
        if self.pos < len(self.lst):
            raise unexpected(self.lst[self.pos])

    # -- typed reads ----------------------------------------------------------------

    def keyword(self, expected: str = "a keyword") -> Token:
        item = self.next(expected)
        if not (isinstance(item, Token) and item.type == "KEYWORD"):
            raise unexpected(item, expected)
        return item

    def take_keyword(self, *words: str) -> Token | None:
        """The next item if it is one of the keywords `words`."""
        item = self.peek()
        if isinstance(item, Token) and item.type == "KEYWORD" and item in words:
            self.pos += 1
            return item
        return None

    def take_prefixed(self, prefix: str) -> Token | None:
        """The next item if it is a keyword starting with `prefix` (`offset=4`)."""
        item = self.peek()
        if isinstance(item, Token) and item.type == "KEYWORD" and item.startswith(prefix):
            self.pos += 1
            return item
        return None

    def take_id(self) -> Token | None:
        item = self.peek()
        if isinstance(item, Token) and item.type == "ID":
            self.pos += 1
            return item
        return None

    def take_annotation(self, name: str) -> Annotation | None:
        """The next item if it is the annotation `(@name ...)`."""
        item = self.peek()
        if isinstance(item, Annotation) and item.name == name:
            self.pos += 1
            return item
        return None

    def take_list(self, head: str) -> SList | None:
        """The next item if it is a list starting with the keyword `head`."""
        item = self.peek()
        if isinstance(item, SList) and item.head() == head:
            self.pos += 1
            return item
        return None

    def list(self, expected: str) -> SList:
        item = self.next(expected)
        if not isinstance(item, SList):
            raise unexpected(item, expected)
        return item

    def string_token(self, expected: str = "a string") -> Token:
        item = self.next(expected)
        if not (isinstance(item, Token) and item.type == "STRING"):
            raise unexpected(item, expected)
        return item

    def string(self, expected: str = "a string") -> bytes:
        return string_bytes(self.string_token(expected))

    def name(self, expected: str = "a name") -> str:
        return string_name(self.string_token(expected))

    def strings(self) -> bytes:
        """All strings up to the end of the list, concatenated."""
        out = bytearray()
        while not self.done():
            out += self.string()
        return bytes(out)

    def unsigned(self, bits: int = 32, expected: str = "an unsigned integer") -> int:
        item = self.next(expected)
        if not (isinstance(item, Token) and item.type == "NUM"):
            raise unexpected(item, expected)
        return unsigned(item, bits)

    def take_unsigned(self, bits: int = 32) -> int | None:
        item = self.peek()
        if isinstance(item, Token) and is_unsigned(item):
            self.pos += 1
            return unsigned(item, bits)
        return None

    def index(self, expected: str = "an index") -> Token:
        """An index as written: an identifier or an unsigned integer."""
        item = self.next(expected)
        if not (isinstance(item, Token) and item.type in ("ID", "NUM")):
            raise unexpected(item, expected)
        return item

    def take_index(self) -> Token | None:
        """The next item if it is an index (an identifier or unsigned integer)."""
        item = self.peek()
        if isinstance(item, Token) and (item.type == "ID" or is_unsigned(item)):
            self.pos += 1
            return item
        return None
