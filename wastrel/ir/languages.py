"""All the tree languages in one place, each a delta of the one before.

    tree        from stack-to-tree: structured statements over expression
                trees; values that outlive their statement are pending
                temporaries (`Let`, `TempRef`).
    effects     tree, with every node's `effect` filled in.
    flushed     effects minus pending temporaries: each became a local or was
                folded into its single use.
    c           flushed with Wasm control (block, loop, if, br*) replaced by C
                control (if/else, for(;;), do-while, switch, labels, goto).

A language knows its productions (node classes), checks that a tree belongs
to it (`check`), and describes itself (`describe`, for `wastrel-passes
--describe-language`), with a legend of the effect notation where its nodes
carry effects.  The pipeline's other languages -- `bytes` (its input),
`wasm` (the decoder's Module) and `C` (c-print's output) -- are not trees;
`describe_language` describes them too, from their classes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, fields

from wastrel.ir import nodes as n
from wastrel.ir.shapes import BODY, CASES, NODE, NODES


class LanguageError(Exception):
    """A tree that does not belong to the language it was claimed to be in."""


@dataclass(frozen=True)
class Language:
    name: str
    doc: str
    productions: frozenset[type]
    parent: Language | None = None
    annotated: frozenset[type] = frozenset()  # productions that must carry an effect

    def extend(
        self,
        name: str,
        doc: str,
        add: set[type] = frozenset(),  # type: ignore[assignment]
        remove: set[type] = frozenset(),  # type: ignore[assignment]
        annotate_all: bool = False,
    ) -> Language:
        missing = set(remove) - self.productions
        if missing:
            raise ValueError(f"{name}: cannot remove {sorted(c.__name__ for c in missing)}")
        productions = (self.productions - set(remove)) | set(add)
        annotated = productions if annotate_all else self.annotated & productions
        return Language(name, doc, productions, self, annotated)

    # -- checking ---------------------------------------------------------

    def check(self, program: n.Program) -> None:
        """Raise LanguageError naming the first node that does not belong."""
        for func in program.funcs:
            for stmt in func.body:
                self._check_node(stmt, n.Stmt, func.name)

    def _check_node(self, node: object, expected: type, where: str) -> None:
        if not isinstance(node, expected):
            raise LanguageError(
                f"{self.name}: in {where}: expected {expected.__name__}, got {type(node).__name__}: {node!r:.200}"
            )
        if type(node) not in self.productions:
            raise LanguageError(f"{self.name}: in {where}: {type(node).__name__} is not in this language")
        if type(node) in self.annotated and node.effect is None:  # type: ignore[attr-defined]
            raise LanguageError(f"{self.name}: in {where}: {type(node).__name__} has no effect annotation")
        for name, kind in node.kinds:  # type: ignore[attr-defined]  (ir/shapes.py: a sub-node is an Expr, a body Stmts)
            if kind == NODE:
                self._check_node(getattr(node, name), n.Expr, where)
            elif kind == NODES or kind == BODY:
                item_type = n.Expr if kind == NODES else n.Stmt
                for item in getattr(node, name):
                    self._check_node(item, item_type, where)
            elif kind == CASES:
                for _values, body in getattr(node, name):
                    for item in body:
                        self._check_node(item, n.Stmt, where)

    # -- describing -------------------------------------------------------

    def describe(self) -> str:
        lines = [f"language {self.name}: {self.doc}"]
        if self.parent:
            added = self.productions - self.parent.productions
            removed = self.parent.productions - self.productions
            lines.append(f"  extends {self.parent.name}")
            if added:
                lines.append("  adds:    " + " ".join(sorted(c.__name__ for c in added)))
            if removed:
                lines.append("  removes: " + " ".join(sorted(c.__name__ for c in removed)))
            if self.annotated and not self.parent.annotated:
                lines.append("  requires an effect annotation on every node")
        lines.append("  productions:")
        for cls in sorted(self.productions, key=lambda c: (not issubclass(c, n.Stmt), c.__name__)):
            base = "Stmt" if issubclass(cls, n.Stmt) else "Expr"
            lines.append(f"    {base} ::= {_production(cls)}")
        if n.Op in self.productions:
            lines.append(OPERATOR_LEGEND)
        if self.annotated:
            lines.append(effect_legend(sorted(c.__name__ for c in self.productions - self.annotated)))
        return "\n".join(lines)


def _production(cls: type) -> str:
    parts = [f"{f.name}: {f.type}" for f in fields(cls) if f.name != "effect"]  # type: ignore[arg-type]
    return f"{cls.__name__}({', '.join(parts)})"


OPERATOR_LEGEND = """\
  Op (a value) and Perform (none) carry a Wasm instruction's name, operands and
  immediates (ir/ops.py knows their types and effects):
    numbers, memories, tables, SIMD      i32.add, f64.load, table.get, i8x16.shuffle, ...
    exceptions, as global state          exn.pending, exn.is, exn.value, exn.ref, exn.clear, throw
    GC objects (imm: type, field)        struct.new, struct.new_default, struct.get(_s|_u), struct.set,
                                         array.new(_default|_fixed|_data|_elem), array.get(_s|_u),
                                         array.set, array.len, array.fill, array.copy, array.init_data,
                                         array.init_elem
    GC references (imm: the type)        ref.test, ref.cast, ref.eq, ref.i31, i31.get_s, i31.get_u,
                                         any.convert_extern, extern.convert_any
                                         (br_on_cast is a br_if on ref.test of a temporary)"""

TRAP_MEANINGS = {
    "mem": "memory access out of bounds",
    "div": "integer division by zero",
    "ovf": "integer overflow (division, float-to-int)",
    "conv": "invalid conversion to integer (NaN)",
    "table": "table access out of bounds",
    "indirect": "call_indirect: null element or wrong signature",
    "unreachable": "`unreachable`",
    "loop": "a loop: it may never end, so nothing moves past it",
    "null": "a null reference (ref.as_non_null, call_ref, struct.get, ...)",
    "array": "array access out of bounds (GC)",
    "cast": "ref.cast: a failed cast",
    "alloc": "out of memory: a GC allocation beyond the heap's limit",
    "any": "a call: anything, stack exhaustion included",
}


def effect_legend(unannotated: list[str] | None = None) -> str:
    """How the dumps print an effect: `{r:G,$x w:$h1 t:mem br:$block1}`
    (`unannotated`: the productions that need not carry one)."""
    from wastrel.ir.effects import TRAP_NAMES

    traps = [*TRAP_NAMES.values(), "any"]
    width = max(map(len, traps))
    lines = [
        "  effects: in braces after a node's head, on every statement and on an",
        "  expression that writes or may trap; nothing printed means none",
        "    r:G,$x       may read global state (G) and the local printed as $x",
        "    w:G,$x       may write them",
        "                 G is all global state at once: memories, tables, globals, GC",
        "                 objects and the world outside, reached through calls",
        "    t:KIND,...   may trap (or not end), where KIND is",
        *(f"                   {kind:{width}}  {TRAP_MEANINGS[kind]}" for kind in traps),
        "    br:$l,...    may branch to label $l; br:return leaves the function",
    ]
    if unannotated:
        lines.append(f"  need not carry an effect: {' '.join(unannotated)}")
    return "\n".join(lines)


TREE = Language(
    "tree",
    "structured statements over expression trees, with pending temporaries",
    frozenset(
        {
            n.Const, n.LocalGet, n.LocalTee, n.GlobalGet, n.Op, n.Call, n.CallIndirect, n.CallRef, n.TempRef,
            n.Let, n.LocalSet, n.GlobalSet, n.Perform, n.Eval,
            n.Block, n.Loop, n.If, n.Br, n.BrIf, n.BrTable, n.Return, n.ReturnCall, n.Unreachable,
        }
    ),
)  # fmt: skip

EFFECTS = TREE.extend(
    "effects",
    "tree with the effect of every node annotated",
    annotate_all=True,
)

FLUSHED = EFFECTS.extend(
    "flushed",
    "effects without pending temporaries: each became a local or was folded into its use",
    remove={n.Let, n.TempRef},
    add={n.MultiSet},
)

C = FLUSHED.extend(
    "c",
    "flushed with Wasm's structured control replaced by C's (which carry no effects)",
    remove={n.Block, n.Loop, n.If, n.Br, n.BrIf, n.BrTable},
    add={n.CIf, n.CLoop, n.CDoWhile, n.CSwitch, n.CLabel, n.CGoto, n.CBreak, n.CContinue},
)

LANGUAGES: dict[str, Language] = {lang.name: lang for lang in (TREE, EFFECTS, FLUSHED, C)}


# -- the languages that are not trees ------------------------------------------------


def _describe_bytes() -> str:
    return "\n".join(
        [
            "language bytes: a module's file, the pipeline's input",
            "  a .wasm file: the binary format, which decode reads into wasm",
            "  a .wat file: WebAssembly text, which the text reader (wastrel/frontend/text)",
            "  turns into wasm directly (decode then has nothing to do)",
        ]
    )


def _describe_wasm() -> str:
    from wastrel.ir import wasm

    classes = (wasm.Module, wasm.Func, wasm.Instr, wasm.FuncType, wasm.Import, wasm.Export, wasm.Global, wasm.Elem, wasm.Data)
    doc = wasm.__doc__ or ""
    conventions = doc[doc.index("Conventions") : doc.index("Value types")].rstrip() if "Conventions" in doc else ""
    lines = [
        "language wasm: a WebAssembly module as the decoder gives it: module fields, and each",
        "  function's body a flat sequence of instructions (block, loop, if, else, end included)",
        "  productions:",
        *(f"    {_production(cls)}" for cls in classes),
    ]
    lines += ["  " + line if line else "" for line in conventions.splitlines()]
    lines.append(f"  value types: {' '.join(wasm.VALTYPES)}")
    return "\n".join(lines)


def _describe_c_text() -> str:
    from wastrel.backend_c.c_print import CModule

    doc = " ".join((CModule.__doc__ or "").split())
    return "\n".join(
        [
            "language C: the module as C source against runtime/wastrel.h (c-print's output),",
            "  one file (str()) or translation units sharing a header (units())",
            f"  {CModule.__name__}({', '.join(f'{f.name}: {f.type}' for f in fields(CModule))})",
            *("  " + line for line in textwrap.wrap(doc, 86)),
        ]
    )


_OTHER_LANGUAGES = {"bytes": _describe_bytes, "wasm": _describe_wasm, "C": _describe_c_text}


def describe_language(name: str) -> str | None:
    """The description of any language of the pipeline (None: unknown)."""
    if name in LANGUAGES:
        return LANGUAGES[name].describe()
    describe = _OTHER_LANGUAGES.get(name)
    return describe() if describe else None
