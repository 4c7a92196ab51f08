"""The node classes of every tree language, from `tree` down to `c`.

Each class is one production.  Which classes a language admits is declared
in `wastrel.ir.languages`; this module only says what the nodes are.  Nodes
are immutable; every node carries an optional `effect` (set by the
`annotate-effects` pass, shown by the printer, required by the languages from
`effects` on).

Locals are numbered as in Wasm (parameters first); the passes add locals of
their own after the Wasm ones -- block results, loop parameters, flushed
temporaries -- and record their types and names in `Function`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any, Callable

from wastrel.ir import shapes
from wastrel.ir.effects import Effect
from wastrel.ir.shapes import KEEP
from wastrel.ir.wasm import FuncType, Module


@dataclass(frozen=True, slots=True)
class Node:
    """The methods below are generated for each class from its fields
    (`wastrel.ir.shapes`); these definitions only document them."""

    effect: Effect | None = field(default=None, kw_only=True, compare=False)

    def children(self) -> tuple[Node, ...]:
        """The direct sub-nodes, in evaluation order (statement bodies and
        switch cases included)."""
        raise NotImplementedError

    def operands(self) -> list[Expr]:
        """The direct expression sub-nodes, in evaluation order."""
        raise NotImplementedError

    def with_operands(self, new: list[Expr]) -> Any:
        """The node with its operands replaced by `new`, effect kept."""
        raise NotImplementedError

    def map_children(self, expr: Callable[[Node], Node], body: Callable[[tuple], tuple], effect: Any = KEEP) -> Any:
        """The node with `expr` applied to each sub-node and `body` to each
        statement list (the same node if nothing changed and `effect` is KEEP)."""
        raise NotImplementedError

    def map_bodies(self, body: Callable[[tuple], tuple], effect: Any = KEEP) -> Any:
        """The node with `body` applied to each statement list, its
        expressions kept (the same node if nothing changed and `effect` is KEEP)."""
        raise NotImplementedError

    def with_effect(self, effect: Effect | None) -> Any:
        raise NotImplementedError


@cache
def data_fields(cls: type) -> tuple[str, ...]:
    """A node class's fields in declaration (= evaluation) order, without `effect`."""
    return tuple(f.name for f in fields(cls) if f.name != "effect")


# ---- expressions ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expr(Node):
    pass


@dataclass(frozen=True, slots=True)
class Const(Expr):
    """A constant; `value` is a signed int for i32/i64, the bit pattern for
    f32/f64, and None for a null reference."""

    type: str
    value: int | None


@dataclass(frozen=True, slots=True)
class LocalGet(Expr):
    index: int


@dataclass(frozen=True, slots=True)
class LocalTee(Expr):
    index: int
    value: Expr


@dataclass(frozen=True, slots=True)
class GlobalGet(Expr):
    index: int


@dataclass(frozen=True, slots=True)
class Op(Expr):
    """A Wasm operator applied to operand trees: numeric operators, loads,
    `select`, `memory.size/grow`, `ref.*` and `table.get/size/grow`."""

    op: str
    args: tuple[Expr, ...]
    imm: tuple = ()


@dataclass(frozen=True, slots=True)
class Call(Expr):
    func: int
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class CallIndirect(Expr):
    type_index: int
    table: int
    args: tuple[Expr, ...]
    callee: Expr  # the table index, evaluated last


@dataclass(frozen=True, slots=True)
class CallRef(Expr):
    """call_ref: a call through a function reference (trap if null)."""

    type_index: int
    args: tuple[Expr, ...]
    callee: Expr  # the reference, evaluated last


#: The expressions that call a function.
CALLS = (Call, CallIndirect, CallRef)


@dataclass(frozen=True, slots=True)
class TempRef(Expr):
    """The value of a pending temporary (see `Let`)."""

    id: int


# ---- statements ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stmt(Node):
    pass


@dataclass(frozen=True, slots=True)
class Let(Stmt):
    """Pending temporaries: values computed here and used later.  A single
    temporary may be folded into its use by `fold-temps`; the rest become
    locals."""

    temps: tuple[int, ...]
    value: Expr


@dataclass(frozen=True, slots=True)
class LocalSet(Stmt):
    index: int
    value: Expr


@dataclass(frozen=True, slots=True)
class GlobalSet(Stmt):
    index: int
    value: Expr


@dataclass(frozen=True, slots=True)
class MultiSet(Stmt):
    """Several locals receive the results of one multi-value call."""

    indices: tuple[int, ...]
    value: Expr


@dataclass(frozen=True, slots=True)
class Perform(Stmt):
    """An instruction run for its effect on memory or tables: stores,
    `memory.fill/copy/init`, `data.drop`, `table.set/fill/copy/init`,
    `elem.drop`."""

    op: str
    args: tuple[Expr, ...]
    imm: tuple = ()


@dataclass(frozen=True, slots=True)
class Eval(Stmt):
    """Evaluate and discard: `drop`, or a call without results."""

    value: Expr


@dataclass(frozen=True, slots=True)
class Block(Stmt):
    label: str
    results: tuple[int, ...]  # locals receiving the block's results
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Loop(Stmt):
    label: str
    params: tuple[int, ...]  # locals receiving the values a branch carries
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class If(Stmt):
    label: str
    results: tuple[int, ...]
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Br(Stmt):
    label: str
    values: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class BrIf(Stmt):
    label: str
    values: tuple[Expr, ...]  # fields in evaluation order: values, then cond
    cond: Expr


@dataclass(frozen=True, slots=True)
class BrTable(Stmt):
    labels: tuple[str, ...]
    default: str
    values: tuple[Expr, ...]
    index: Expr


@dataclass(frozen=True, slots=True)
class Return(Stmt):
    values: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class ReturnCall(Stmt):
    """A tail call (return_call, return_call_indirect, return_call_ref): `call`
    (a Call, CallIndirect or CallRef) replaces the function's frame; its results are the
    function's.  A chain of them runs in constant stack."""

    call: Expr


@dataclass(frozen=True, slots=True)
class Unreachable(Stmt):
    pass


# ---- C control flow (from `lower-control` on) ------------------------------


@dataclass(frozen=True, slots=True)
class CIf(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...] = ()


@dataclass(frozen=True, slots=True)
class CLoop(Stmt):
    """`for (;;) body`; `label` names the top of the body for `CGoto`."""

    label: str
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class CDoWhile(Stmt):
    body: tuple[Stmt, ...]
    cond: Expr


@dataclass(frozen=True, slots=True)
class CSwitch(Stmt):
    index: Expr
    cases: tuple[tuple[tuple[int, ...], tuple[Stmt, ...]], ...]
    default: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class CLabel(Stmt):
    name: str


@dataclass(frozen=True, slots=True)
class CGoto(Stmt):
    name: str


@dataclass(frozen=True, slots=True)
class CBreak(Stmt):
    pass


@dataclass(frozen=True, slots=True)
class CContinue(Stmt):
    pass


# ---- containers ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Function(Node):
    index: int  # in the module's function index space
    name: str
    type: FuncType
    local_types: tuple[str, ...]  # parameters, Wasm locals, then the passes' own
    local_names: tuple[str, ...]
    body: tuple[Stmt, ...]

    @property
    def num_params(self) -> int:
        return len(self.type.params)

    def add_locals(self, types: list[str], names: list[str]) -> Function:
        return replace(
            self,
            local_types=self.local_types + tuple(types),
            local_names=self.local_names + tuple(names),
        )


@dataclass(frozen=True, slots=True)
class Program(Node):
    """A module whose function bodies have become trees.  Everything else
    (types, imports, tables, memories, globals, segments, exports) stays as
    the decoder gave it in `wasm`."""

    wasm: Module
    funcs: tuple[Function, ...]


def _install_traversals() -> None:
    classes = [c for c in globals().values() if isinstance(c, type) and issubclass(c, Node)]
    names = {c.__name__ for c in classes}
    for cls in classes:
        shapes.install(cls, shapes.field_kinds(cls, names))


_install_traversals()
