"""What each node class holds, and the traversal code generated from it.

A node's fields are of five kinds, read from their declared types:

    NODE    one sub-node                    `value: Expr`
    NODES   a tuple of sub-nodes            `args: tuple[Expr, ...]`
    BODY    a statement list                `body: tuple[Stmt, ...]`
    CASES   a switch's (values, body) pairs `cases: tuple[tuple[tuple[int, ...], tuple[Stmt, ...]], ...]`
    DATA    anything else                   `op: str`, `index: int`, ...

From these, each class gets generated methods (as the nanopass framework
generates its catamorphisms), so that every traversal covers every kind of
node and no pass walks fields by hand:

    children()                  the direct sub-nodes in evaluation order, case bodies included
    operands()                  the direct expression sub-nodes (NODE and NODES fields)
    with_operands(new)          the node with its operands replaced
    map_children(expr, body, effect)
                                the node rebuilt with `expr` applied to each
                                sub-node and `body` to each statement list; the
                                same node if nothing changed and `effect` is KEEP
    map_bodies(body, effect)    the same with its expressions left as they are
                                (a statement pass's traversal)
    with_effect(effect)         the node with another effect

The code is generated once per class (straight-line Python, no loop over
fields at run time): the passes spend most of their time here.
"""

from __future__ import annotations

from dataclasses import fields
from operator import is_
from typing import Any

from wastrel.ir.fast_init import fast_init, slot_setters

NODE, NODES, BODY, CASES, DATA = "node", "nodes", "body", "cases", "data"

KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()  # map_children: keep the node's effect


def _same(new: tuple, old: tuple) -> bool:
    return len(new) == len(old) and all(map(is_, new, old))


def field_kinds(cls: type, node_names: set[str]) -> list[tuple[str, str]]:
    """(name, kind) of each field but `effect`, in declaration (= evaluation) order."""
    out = []
    for f in fields(cls):
        if f.name == "effect":
            continue
        t = str(f.type).replace(" ", "")
        if t in node_names:
            kind = NODE
        elif t == "tuple[Stmt,...]":
            kind = BODY
        elif t.startswith("tuple[") and t.endswith(",...]") and t[6:-5] in node_names:
            kind = NODES
        elif t == "tuple[tuple[tuple[int,...],tuple[Stmt,...]],...]":
            kind = CASES
        else:
            kind = DATA
        out.append((f.name, kind))
    return out


def install(cls: type, kinds: list[tuple[str, str]]) -> None:
    """Generates and attaches the traversal methods of `cls`."""
    name = cls.__name__
    fast_init(cls)
    env: dict[str, Any] = {"KEEP": KEEP, "_same": _same, "_node": cls, "_new": object.__new__}
    env.update({f"_set_{f}": setter for f, setter in slot_setters(cls).items()})
    # A new node, its slots filled in directly (the `__init__` call is the cost of most passes):
    rebuild = "node = _new(_node); " + "; ".join(f"_set_{f}(node, {f})" for f in [*(f for f, _ in kinds), "effect"]) + "; return node"

    parts = []
    for f, kind in kinds:
        if kind == NODE:
            parts.append(f"(self.{f},)")
        elif kind in (NODES, BODY):
            parts.append(f"self.{f}")
        elif kind == CASES:
            parts.append(f"tuple([s for _, b in self.{f} for s in b])")
    children = "def children(self):\n    return " + (" + ".join(parts) or "()")

    ops = [f"self.{f}" if kind == NODE else f"*self.{f}" for f, kind in kinds if kind in (NODE, NODES)]
    operands = "def operands(self):\n    return [" + ", ".join(ops) + "]"

    lines = ["def with_operands(self, new):", "    effect = self.effect", "    i = 0"]
    for f, kind in kinds:
        if kind == NODE:
            lines += [f"    {f} = new[i]", "    i += 1"]
        elif kind == NODES:
            lines += [f"    {f} = tuple(new[i:i + len(self.{f})])", f"    i += len(self.{f})"]
        else:
            lines.append(f"    {f} = self.{f}")
    lines.append(f"    {rebuild}")
    with_operands = "\n".join(lines)

    map_children = _mapping("def map_children(self, expr, body, effect=KEEP):", kinds, rebuild, expressions=True)
    map_bodies = _mapping("def map_bodies(self, body, effect=KEEP):", kinds, rebuild, expressions=False)

    with_effect = "def with_effect(self, effect):\n" + "".join(f"    {f} = self.{f}\n" for f, _ in kinds) + f"    {rebuild}"

    for source in (children, operands, with_operands, map_children, map_bodies, with_effect):
        exec(compile(source, f"<{name} traversal>", "exec"), env)
    for method in ("children", "operands", "with_operands", "map_children", "map_bodies", "with_effect"):
        setattr(cls, method, env[method])
    cls.kinds = tuple(kinds)


def _mapping(head: str, kinds: list[tuple[str, str]], rebuild: str, expressions: bool) -> str:
    """The source of `map_children` (`expressions`: `expr` applied to each
    sub-node too) or of `map_bodies` (sub-nodes kept as they are)."""
    lines = [head]
    same = []
    for f, kind in kinds:
        if kind == NODE and expressions:
            lines.append(f"    {f} = expr(self.{f})")
        elif kind == NODES and expressions:
            lines += [f"    old = self.{f}", f"    {f} = tuple([expr(x) for x in old])", f"    if _same({f}, old): {f} = old"]
        elif kind == BODY:
            lines += [f"    old = self.{f}", f"    {f} = body(old)", f"    if _same({f}, old): {f} = old"]
        elif kind == CASES:
            lines += [
                f"    old = self.{f}",
                f"    {f} = tuple([(v, body(b)) for v, b in old])",
                f"    if all([_same(a[1], b[1]) for a, b in zip({f}, old)]): {f} = old",
            ]
        else:
            lines.append(f"    {f} = self.{f}")
            continue
        same.append(f"{f} is self.{f}")
    lines += [
        "    if effect is KEEP:",
        f"        if {' and '.join(same) or 'True'}:",
        "            return self",
        "        effect = self.effect",
        f"    {rebuild}",
    ]
    return "\n".join(lines)
