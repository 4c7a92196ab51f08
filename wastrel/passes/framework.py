"""How passes are declared, and the helpers they share.

This module is the stable API for passes, built-in and plug-in alike
(`wastrel-passes --plugin FILE.py`, or the `wastrel.passes` entry-point
group: see `wastrel.plugins`).

A pass is a function from one language to the next, declared with

    @declare_pass(name, takes=..., gives=..., requires=(...), before=(...), optional=False, local=False)

`takes` and `gives` name languages (`bytes`, `wasm`, `tree`, `effects`,
`flushed`, `c`, `C`); `requires` names the passes that must have run
before it, `before` the passes it must run before; an `optional` pass
(one that keeps its language) may be turned off with `--skip`.  A `local`
pass rewrites each function on its own (`map_functions`), seeing nothing
of the others but `program.wasm`: run on a part of a program's functions,
it gives those functions as it would within the whole.  The pass that
makes trees of a Wasm module (`wasm` -> `tree`) is local when it also
takes a part, a range of positions among the module's defined
functions, and then gives a program of those functions alone
(stack-to-tree).  When every pass between the tree and C is local, a big
module is compiled part by part, its first C units compiling while later
functions are translated (`manager.run_in_parts`).  The pass
manager (`wastrel.passes.manager`) places every pass from these
declarations alone.  Its module's docstring (or its own, where a module
holds several) is its header: what it takes and gives, its rewrite rules,
its design decisions.

`Rewriter` is the generic traversal: a pass subclasses it and defines a
method per node class it changes; every other node is rebuilt from its
rewritten children.  `visit_<Class>` receives a node before its children
are rewritten (and recurses itself, with `rewrite_children`, if it wants
to); `leave_<Class>` receives it after, with its children already
rewritten (nanopass's catamorphism).  A handler named after a base class
(`Expr`, `Stmt`) serves the subclasses that have none of their own.  Rewriters that produce a language
without some input production must handle that production: `Rewriter`
checks this when the subclass is defined.

`declare_rewrite(name, language, ...)` declares a Rewriter subclass as a
pass within one language that rewrites every function: with it, a pass is
a few lines.

A pass that fills in a field of every node (annotate-effects: each node's
effect) may also say `in_place=fill`: `fill(program)` writes the field
into the nodes it is given instead of building every node again, which
on a big module costs as much as the rest of the pass.  Nodes stay
immutable for everyone else: the pass manager calls `fill` only on trees
that its own run made and that nothing else has seen (no callback, no
caller holds them); the pass itself, called as a function, fills a
`copy_trees` of its input (as Lean and Koka reuse a value's memory only
when nothing else refers to it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, ClassVar

from wastrel.ir import nodes as n
from wastrel.ir import shapes
from wastrel.ir.languages import LANGUAGES


@dataclass(frozen=True)
class PassInfo:
    name: str
    takes: str  # a language name ("wasm" is the decoder's Module)
    gives: str
    requires: tuple[str, ...]
    run: Callable[[Any], Any]
    doc: str
    before: tuple[str, ...] = ()  # passes this one must run before
    optional: bool = False  # may be turned off (`--skip`)
    local: bool = False  # rewrites each function on its own (see the module docstring)
    origin: str | None = None  # the plugin's file; None for a built-in pass
    in_place: Callable[[Any], Any] | None = None  # the pass on trees it may fill in (see the module docstring)


PASSES: dict[str, PassInfo] = {}


class PassDeclarationError(ValueError):
    """A declaration the manager could never use: a taken name, an optional
    pass that changes language."""


def declare_pass(
    name: str,
    *,
    takes: str,
    gives: str,
    requires: tuple[str, ...] | str = (),
    before: tuple[str, ...] | str = (),
    optional: bool = False,
    local: bool = False,
    in_place: Callable[[Any], Any] | None = None,
) -> Callable:
    """Registers the decorated function as the pass `name` (see the module
    docstring).  A single pass name may be given as a string."""

    def register(run: Callable) -> Callable:
        if name in PASSES:
            owner = PASSES[name].origin or "a built-in pass"
            raise PassDeclarationError(f"pass name {name!r} is taken (by {owner})")
        if optional and takes != gives:
            raise PassDeclarationError(f"pass {name} ({takes} -> {gives}) cannot be optional: only a pass that keeps its language can be skipped")
        doc = (run.__doc__ or "").strip() or _module_doc(run)
        PASSES[name] = PassInfo(name, takes, gives, _names(requires), run, doc, _names(before), optional, local, in_place=in_place)
        return run

    return register


def declare_rewrite(
    name: str, language: str, *, requires: tuple[str, ...] | str = (), before: tuple[str, ...] | str = (), optional: bool = False
) -> Callable[[type[Rewriter]], type[Rewriter]]:
    """Declares a Rewriter subclass as the pass `name`, `language ->
    language`, which rewrites every function with a fresh instance (so
    it is `local`)."""
    if language not in LANGUAGES:
        raise PassDeclarationError(f"pass {name}: a Rewriter works on the tree languages ({', '.join(LANGUAGES)}), not {language!r}")

    def register(cls: type[Rewriter]) -> type[Rewriter]:
        def run(program: n.Program) -> n.Program:
            return map_functions(program, cls)

        run.__doc__, run.__module__, run.__qualname__ = cls.__doc__, cls.__module__, cls.__qualname__
        declare_pass(name, takes=language, gives=language, requires=requires, before=before, optional=optional, local=True)(run)
        return cls

    return register


def _names(names: tuple[str, ...] | str) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


def _module_doc(run: Callable) -> str:
    import sys

    module = sys.modules.get(run.__module__)
    return (module.__doc__ or "").strip() if module else ""


KEEP = n.KEEP  # rewrite_children: keep the node's effect


class Rewriter:
    """Rebuilds a tree bottom-up, calling a handler where one is defined.

    `visit_<Class>` receives the node *before* its children are rewritten
    and decides itself whether to recurse (with `self.rewrite_children`);
    `leave_<Class>` receives the node rebuilt from its rewritten children.
    A class defines at most one of the two per node class.  A handler
    returns the replacement; a statement's may return a tuple of several.
    A handler named after a base class (`visit_Expr`, `leave_Stmt`) serves
    every subclass without one of its own.  A statement pass, which
    leaves every expression as it is, says so with `visit_Expr =
    Rewriter.keep_expression`: its traversal then does not enter the
    expressions at all (`map_bodies`), which is most of the work."""

    #: Node classes this rewriter removes; each must have a handler.
    removes: ClassVar[frozenset[type]] = frozenset()

    #: Node class -> what `rewrite` calls for it, looked up once per class.
    _handlers: ClassVar[dict[type, Callable]] = {}

    #: Every expression is kept as it is (see the class docstring).
    _statements_only: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}
        for attribute in dir(cls):
            if attribute.startswith("leave_") and hasattr(cls, "visit_" + attribute[6:]):
                raise TypeError(f"{cls.__name__} has both visit_{attribute[6:]} and {attribute}: define one")
        cls._statements_only = all(_handler_of(cls, kind) is Rewriter.keep_expression for kind in _EXPRESSION_CLASSES)
        for removed in cls.removes:
            if _handler_of(cls, removed) is None:
                raise TypeError(f"{cls.__name__} removes {removed.__name__} but has no visit_{removed.__name__} or leave_{removed.__name__}")

    def rewrite(self, node: Any) -> Any:
        kind = type(node)
        try:
            handler = self._handlers[kind]
        except KeyError:
            handler = self._handlers[kind] = _traversal_of(type(self), kind)
        return handler(self, node)

    def rewrite_children(self, node: Any, effect: Any = KEEP) -> Any:
        """The node rebuilt from its rewritten children (the same node if
        nothing changed), with `effect` if one is given."""
        if self._statements_only:
            return node.map_bodies(self.rewrite_body, effect)
        return node.map_children(self.rewrite, self.rewrite_body, effect)

    def keep_expression(self, node: n.Expr) -> n.Expr:
        """The `visit_Expr` of a statement pass: the expression as it is."""
        return node

    def rewrite_body(self, body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        """Statements may become several: a handler may return a tuple.
        The same list when every statement stays as it was (no new tuple
        to build, and none for `map_bodies` to compare)."""
        out: list[n.Stmt] | None = None  # from the first statement that changes
        for k, stmt in enumerate(body):
            new = self.rewrite(stmt)
            if out is None:
                if new is stmt:
                    continue
                out = list(body[:k])
            if type(new) is tuple:
                out.extend(new)
            else:
                out.append(new)
        return body if out is None else tuple(out)


def _traversal_of(cls: type[Rewriter], kind: type) -> Callable:
    """What `cls.rewrite` does with a node of class `kind`: its handler;
    else, in a statement pass, nothing to a statement without a body (which
    `rewrite_children` would give back as it is, unless the pass changed
    that method too); else `rewrite_children`."""
    handler = _handler_of(cls, kind)
    if handler is not None:
        return handler
    bodiless = not any(field_kind in (shapes.BODY, shapes.CASES) for _, field_kind in kind.kinds)
    if cls._statements_only and bodiless and cls.rewrite_children is Rewriter.rewrite_children:
        return _as_it_is
    return cls.rewrite_children


def _as_it_is(_: Rewriter, node: Any) -> Any:
    return node


_EXPRESSION_CLASSES = tuple(c for c in vars(n).values() if isinstance(c, type) and issubclass(c, n.Expr))


def _handler_of(cls: type[Rewriter], kind: type) -> Callable | None:
    """`visit_<kind>`, or `leave_<kind>` behind a rewrite of the children;
    failing both, the handler of its nearest base class that has one
    (`visit_Expr`, `leave_Stmt`)."""
    for base in kind.__mro__:
        visit = getattr(cls, f"visit_{base.__name__}", None)
        if visit is not None:
            return visit
        leave = getattr(cls, f"leave_{base.__name__}", None)
        if leave is not None:
            return lambda self, node: leave(self, self.rewrite_children(node))
    return None


#: Called as (functions done, total) while a pass maps functions (progress on a terminal).
on_function: Callable[[int, int], None] | None = None


def copy_trees(program: n.Program) -> n.Program:
    """The program with every node of its functions built anew, without
    effects: the input of a pass's `in_place` version when the caller
    keeps the program."""

    def copy(node: n.Node) -> n.Node:
        return node.map_children(copy, copy_body, None)

    def copy_body(body: tuple[n.Stmt, ...]) -> tuple[n.Stmt, ...]:
        return tuple([copy(s) for s in body])  # type: ignore[misc]

    return replace(program, funcs=tuple([f.map_children(copy, copy_body) for f in program.funcs]))


def map_functions(program: n.Program, transform: Callable[[n.Function], n.Function] | type[Rewriter]) -> n.Program:
    """The program with `transform` applied to each function; a Rewriter
    subclass rewrites each function with a fresh instance."""
    if isinstance(transform, type) and issubclass(transform, Rewriter):
        rewriter = transform
        transform = lambda f: rewriter().rewrite(f)  # noqa: E731
    funcs = []
    for f in program.funcs:
        funcs.append(transform(f))
        if on_function is not None:
            on_function(len(funcs), len(program.funcs))
    return replace(program, funcs=tuple(funcs))
