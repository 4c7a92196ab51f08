"""How passes are declared, and the helpers they share.

A pass is a function from one language to the next, declared with
`@declare_pass(name, takes=..., gives=..., requires=...)`.  Its module's
docstring (or its own, where a module holds several) is its header: what it takes and gives, its rewrite rules, its design
decisions.  The pass manager (`wastrel.passes.manager`) derives the pipeline
from these declarations.

`Rewriter` is the generic traversal: a pass subclasses it and defines a
method per node class it changes (`visit_LocalSet`, ...); every other node is
rebuilt from its rewritten children.  Rewriters that produce a language
without some input production must handle that production: `Rewriter`
checks this when the subclass is defined.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, ClassVar

from wastrel.ir import nodes as n
from wastrel.ir.languages import LANGUAGES


@dataclass(frozen=True)
class PassInfo:
    name: str
    takes: str  # a language name ("wasm" is the decoder's Module)
    gives: str
    requires: tuple[str, ...]
    run: Callable[[Any], Any]
    doc: str


PASSES: dict[str, PassInfo] = {}


def declare_pass(name: str, *, takes: str, gives: str, requires: tuple[str, ...] = ()) -> Callable:
    def register(run: Callable) -> Callable:
        if name in PASSES:
            raise ValueError(f"pass {name} declared twice")
        doc = (run.__doc__ or "").strip() or _module_doc(run)
        PASSES[name] = PassInfo(name, takes, gives, requires, run, doc)
        return run

    return register


def _module_doc(run: Callable) -> str:
    import sys

    module = sys.modules.get(run.__module__)
    return (module.__doc__ or "").strip() if module else ""


KEEP = n.KEEP  # rewrite_children: keep the node's effect


class Rewriter:
    """Rebuilds a tree bottom-up, calling `visit_<Class>` where defined.

    A handler receives the node *before* its children are rewritten and
    decides itself whether to recurse (with `self.rewrite_children`)."""

    #: Node classes this rewriter removes; each must have a handler.
    removes: ClassVar[frozenset[type]] = frozenset()

    #: Node class -> its handler (or None), looked up once per class.
    _handlers: ClassVar[dict[type, Callable | None]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for removed in cls.removes:
            if not hasattr(cls, f"visit_{removed.__name__}"):
                raise TypeError(f"{cls.__name__} removes {removed.__name__} but has no visit_{removed.__name__}")

    def rewrite(self, node: Any) -> Any:
        kind = type(node)
        try:
            handler = self._handlers[kind]
        except KeyError:
            handler = self._handlers[kind] = getattr(type(self), f"visit_{kind.__name__}", None)
        if handler is not None:
            return handler(self, node)
        return self.rewrite_children(node)

    def rewrite_children(self, node: Any, effect: Any = KEEP) -> Any:
        """The node rebuilt from its rewritten children (the same node if
        nothing changed), with `effect` if one is given."""
        return node.map_children(self.rewrite, self.rewrite_body, effect)

    def rewrite_body(self, body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        """Statements may become several: a handler may return a tuple."""
        out: list[n.Stmt] = []
        for stmt in body:
            new = self.rewrite(stmt)
            if isinstance(new, tuple):
                out.extend(new)
            else:
                out.append(new)
        return tuple(out)


#: Called as (functions done, total) while a pass maps functions (progress on a terminal).
on_function: Callable[[int, int], None] | None = None


def map_functions(program: n.Program, transform: Callable[[n.Function], n.Function]) -> n.Program:
    funcs = []
    for f in program.funcs:
        funcs.append(transform(f))
        if on_function is not None:
            on_function(len(funcs), len(program.funcs))
    return replace(program, funcs=tuple(funcs))


def language(name: str):
    return LANGUAGES[name]
