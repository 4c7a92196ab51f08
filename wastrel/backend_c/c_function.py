"""C text for one function: its signature, local declarations and statements.

Every Wasm local the code mentions is a C local declared at the top of
its function (zero-initialised, as Wasm requires); the pass
remove-dead-stores has already removed the assignments nothing reads.  A
function that touches memory keeps the memory's base pointer in `m0`
(names.py): it never changes, because memory is a fixed reservation.  A dropped
expression that may trap is kept alive with `W_KEEP`, so that the C compiler
cannot delete the trap along with the unused value.  With fast traps (a
command, see runtime/wastrel_ops.h) loads are plain C reads, so the same
goes for a value that may fault (a load, a call) assigned to a global, or to
a local that is not surely read afterwards (kept.py): `W_KEEP_INT(x = ...)`;
and for a dropped call result.
"""

from __future__ import annotations

from wastrel.backend_c.c_expr import UNARY, ByClass, ExprPrinter
from wastrel.backend_c.c_gc import gc_statement
from wastrel.backend_c.context import ModuleContext
from wastrel.backend_c.kept import KeptAssignments, may_fault
from wastrel.backend_c.names import C_TYPE_OF, RESULTS, VALUE_FIELD, spill_prologue, to_value, body_name, c_params, c_result, local_names, result_struct
from wastrel.ir import nodes as n
from wastrel.ir.simd import BY_NAME as SIMD
from wastrel.ir.gc import NAMES as GC_NAMES
from wastrel.ir.wasm import FuncType, Module
from wastrel.passes.helpers import type_of


MAX_INDENT = 40  # deeper statements print at this depth: the C stays linear in the program
_INDENTS = tuple("  " * depth for depth in range(MAX_INDENT + 1))  # made once, not per line


class FunctionPrinter:
    """One function: prototype, declarations, statements."""

    def __init__(self, ctx: ModuleContext, func: n.Function):
        self.ctx = ctx
        self.func = func
        self.names = local_names(func.local_names)
        self.expr = ExprPrinter(ctx, self.names, func.local_types)
        self.lines: list[str] = []
        # Noted while printing, for the declarations and the header:
        self.has_tail_calls = False
        self.goto_targets: set[str] = set()
        self.loop_tops: list[tuple[int, int, str]] = []  # (line, depth, label) of each loop
        self.kept_sets: KeptAssignments | set[int] = set()  # with fast traps: LocalSets to keep

    def text(self) -> str:
        """The function's C.  What the declarations and the header need
        (the locals and memories used, tail calls, labels jumped to) is
        noted while the body is printed, which saves a walk over every
        node before it; so is a loop's label, written in afterwards if
        anything jumps to it."""
        func = self.func
        if not self.ctx.precise_traps:
            self.kept_sets = KeptAssignments(func.body, lambda v: self.eval_form(v) == "kept")
        body_lines: list[str] = []
        self.lines = body_lines
        self.block(func.body, 1)
        body_lines = self.with_loop_labels(body_lines)
        tail_calls = "W_TAIL_CALLS " if self.has_tail_calls else "W_NO_TAIL_CALLS "
        header = f"static {tail_calls}{c_result(func.type)} {self.ctx.funcs[func.index]}({c_params(func.type, self.names)}) {{"
        decls = []
        by_type: dict[str, list[str]] = {}
        locals_used = self.expr.locals_used
        for i in range(func.num_params, len(func.local_types)):
            if i in locals_used:
                by_type.setdefault(func.local_types[i], []).append(f"{self.names[i]} = {_zero(func.local_types[i])}")
        for t, items in by_type.items():
            for start in range(0, len(items), 8):
                decls.append(f"  {C_TYPE_OF[t]} {', '.join(items[start:start + 8])};")
        for k in sorted(self.expr.memories_used, reverse=True):
            decls.insert(0, f"  uint8_t *const {self.expr.memory_base_names[k]} = {self.ctx.memories[k]}.base;")
        decls[:0] = spill_prologue(func.type, self.names)  # first: before anything can call
        return "\n".join([header, *decls, *body_lines, "}"])

    def with_loop_labels(self, lines: list[str]) -> list[str]:
        """`lines` with the label of each loop that a goto jumps to at its
        top (in one pass: inserting one at a time would be quadratic in a
        function of many loops)."""
        tops = [(at, _indented(depth, f"{label}:;")) for at, depth, label in self.loop_tops if label in self.goto_targets]
        if not tops:
            return lines
        out: list[str] = []
        start = 0
        for at, label_line in tops:  # (in the order printed: `at` grows)
            out += lines[start:at]
            out.append(label_line)
            start = at
        return out + lines[start:]

    def emit(self, depth: int, text: str) -> None:
        self.lines.append(_indented(depth, text))

    def block(self, body: tuple[n.Stmt, ...], depth: int) -> None:
        for s in body:
            _STATEMENTS[type(s)](self, s, depth)

    # -- statements, one method per class (_STATEMENTS) ----------------------------

    def local_set(self, s: n.LocalSet, depth: int) -> None:
        i = s.index
        self.expr.locals_used.add(i)
        text = f"{self.names[i]} = {self.expr(s.value)}"
        self.emit(depth, (self.kept(text, self.func.local_types[i]) if s in self.kept_sets else text) + ";")

    def multi_set(self, s: n.MultiSet, depth: int) -> None:
        self.expr.locals_used.update(s.indices)
        ftype = _call_type(self.ctx.module, s.value)
        results = body_name(RESULTS, self.names)
        parts = [f"{result_struct(ftype.results)} {results} = {self.expr(s.value)};"]
        parts += [f"{self.names[i]} = {results}.r{k};" for k, i in enumerate(s.indices)]
        self.emit(depth, "{ " + " ".join(parts) + " }")

    def global_set(self, s: n.GlobalSet, depth: int) -> None:
        text = f"{self.ctx.globals[s.index]} = {self.expr(s.value)}"
        if not self.ctx.precise_traps and may_fault(s.value):  # gcc deletes a global nothing reads
            text = self.kept(text, self.ctx.module.global_types()[s.index].type)
        self.emit(depth, text + ";")

    def perform_statement(self, s: n.Perform, depth: int) -> None:
        self.emit(depth, self.perform(s) + ";")

    def eval_statement(self, s: n.Eval, depth: int) -> None:
        e, v = self.expr, s.value
        match self.eval_form(v):
            case "kept":
                self.emit(depth, self.kept(e(v), type_of(v, self.func.local_types.__getitem__, self.ctx.module)) + ";")
            case "plain":
                self.emit(depth, f"{e(v)};")
            case "skip":  # not printed, but its locals are declared all the same
                e.note_unprinted(v)

    def return_call(self, s: n.ReturnCall, depth: int) -> None:
        # A call in tail position, which gcc compiles to a jump in a
        # function with sibling calls on (W_TAIL_CALLS, wastrel.h);
        # clang must be told (W_MUSTTAIL), which it takes only for a
        # callee of the caller's very C type.
        # (clang takes musttail only on a plain call: not on the
        # statement expression of spilled or ordered arguments.)
        self.has_tail_calls = True
        callee = _call_type(self.ctx.module, s.call)
        same = (c_result(callee), c_params(callee)) == (c_result(self.func.type), c_params(self.func.type))
        text = self.expr(s.call)
        musttail = "W_MUSTTAIL " if same and not text.startswith("({") else ""
        if self.func.type.results or musttail:
            self.emit(depth, f"{musttail}return {text};")
        else:
            self.emit(depth, f"{text};")
            self.emit(depth, "return;")

    def return_(self, s: n.Return, depth: int) -> None:
        vs = s.values
        if not vs:
            self.emit(depth, "return;")
        elif len(vs) == 1:
            self.emit(depth, f"return {self.expr(vs[0])};")
        else:
            self.emit(depth, f"return ({result_struct(self.func.type.results)}){{{self.expr.args(vs)}}};")

    def unreachable(self, s: n.Unreachable, depth: int) -> None:
        self.emit(depth, "w_trap(W_TRAP_UNREACHABLE);")

    def loop(self, s: n.CLoop, depth: int) -> None:
        self.emit(depth, "for (;;) {")  # its label goes here if a goto jumps to it (see text)
        self.loop_tops.append((len(self.lines), depth, s.label))
        self.block(s.body, depth + 1)
        self.emit(depth, "}")

    def do_while(self, s: n.CDoWhile, depth: int) -> None:
        self.emit(depth, "do {")
        self.block(s.body, depth + 1)
        self.emit(depth, f"}} while ({self.condition(s.cond)});")

    def switch(self, s: n.CSwitch, depth: int) -> None:
        self.emit(depth, f"switch ({self.expr(s.index)}) {{")
        for values, body in s.cases:
            self.emit(depth, " ".join(f"case {v}:" for v in values))
            self.block(body, depth + 1)
        self.emit(depth, "default:")
        self.block(s.default, depth + 1)
        self.emit(depth, "}")

    def label(self, s: n.CLabel, depth: int) -> None:
        self.emit(max(depth - 1, 0), f"{s.name}:;")

    def goto(self, s: n.CGoto, depth: int) -> None:
        self.goto_targets.add(s.name)
        self.emit(depth, f"goto {s.name};")

    def break_(self, s: n.CBreak, depth: int) -> None:
        self.emit(depth, "break;")

    def continue_(self, s: n.CContinue, depth: int) -> None:
        self.emit(depth, "continue;")

    def eval_form(self, v: n.Expr) -> str:
        """How `(eval v)` is printed: "kept" (in W_KEEP_INT/W_KEEP, so that
        its traps happen though the value is unused), "plain" (a statement
        for its side effects) or "skip" (nothing to do)."""
        call = isinstance(v, n.CALLS)
        fast = not self.ctx.precise_traps
        if fast and may_fault(v) and (not call or len(_call_type(self.ctx.module, v).results) == 1):
            # A dropped result: with fast traps, a pure call or a load would go
            # (even in an expression that also writes: its effect may be a
            # call's that an earlier pass hoisted into a temporary).
            return "kept"
        if call or (v.effect and v.effect.writes):
            return "plain"
        return "kept" if v.effect and v.effect.traps else "skip"

    def kept(self, text: str, type_: str) -> str:
        """`text` (a value, or an assignment) kept: evaluated even though the
        C compiler finds its value unused (runtime/wastrel_ops.h)."""
        keep = "W_KEEP_INT" if type_ in ("i32", "i64") else "W_KEEP_V128" if type_ == "v128" else "W_KEEP"
        return f"{keep}({text})"

    def if_(self, s: n.CIf, depth: int, prefix: str = "") -> None:
        """`if`, with `else if` chains; `prefix` is "} else " inside a chain."""
        cond, then, els = s.cond, s.then, s.else_
        if not then:
            self.emit(depth, f"{prefix}if (!{self.expr(cond, UNARY)}) {{")
            self.block(els, depth + 1)
            self.emit(depth, "}")
            return
        self.emit(depth, f"{prefix}if ({self.condition(cond)}) {{")
        self.block(then, depth + 1)
        if len(els) == 1 and isinstance(els[0], n.CIf):
            self.if_(els[0], depth, "} else ")
            return
        if els:
            self.emit(depth, "} else {")
            self.block(els, depth + 1)
        self.emit(depth, "}")

    def condition(self, cond: n.Expr) -> str:
        """A condition; an assignment in it gets the customary parentheses."""
        text = self.expr(cond)
        return f"({text})" if isinstance(cond, n.LocalTee) else text

    def perform(self, s: n.Perform) -> str:
        e, ctx = self.expr, self.ctx
        op, args, imm = s.op, s.args, s.imm
        if op in SIMD:
            return e.simd(s)
        if op in GC_NAMES:  # struct.set, array.set, ...: the value's effects before the null check
            ordered = len(args) > 1 and any(a.effect is not None and (a.effect.writes or a.effect.traps) for a in args[1:])
            return gc_statement(ctx, op, imm, [e(a) for a in args], ordered)
        if ".store" in op:
            prefix, _, name = op.partition(".")
            return f"w_{prefix}_{name}({e.access(s)}, {e(args[1])})"
        match op:
            case "memory.fill":
                return f"w_memory_fill(&{ctx.memories[imm[0]]}, {e.args(args)})"
            case "memory.copy":
                return f"w_memory_copy(&{ctx.memories[imm[0]]}, &{ctx.memories[imm[1]]}, {e.args(args)})"
            case "memory.init":
                seg, mem = imm
                return f"w_memory_init_segment(&{ctx.memories[mem]}, {ctx.data(seg)}, {ctx.data(seg)}_len, {e.args(args)})"
            case "data.drop":
                return f"{ctx.data(imm[0])}_len = 0"
            case "throw":
                types = ctx.module.types[ctx.module.tag_types()[imm[0]]].params
                values = ", ".join(f"{{.{VALUE_FIELD[t]} = {to_value(t, e(a))}}}" for t, a in zip(types, args))
                payload = f"(w_value[]){{{values}}}" if args else "NULL"
                return f"w_throw(&{ctx.tags[imm[0]]}, {len(args)}, {payload})"
            case "throw_ref":
                return f"w_throw_ref({e(args[0])})"
            case "exn.clear":
                return "w_pending = NULL"
            case "table.set":
                return f"w_table_set(&{ctx.tables[imm[0]]}, {e(args[0])}, (void *){e(args[1], UNARY)})"
            case "table.fill":
                return f"w_table_fill(&{ctx.tables[imm[0]]}, {e(args[0])}, (void *){e(args[1], UNARY)}, {e(args[2])})"
            case "table.copy":
                return f"w_table_copy(&{ctx.tables[imm[0]]}, &{ctx.tables[imm[1]]}, {e.args(args)})"
            case "table.init":
                seg, table = imm
                return f"w_table_init_segment(&{ctx.tables[table]}, {ctx.elem(seg)}, {ctx.elem(seg)}_len, {e.args(args)})"
            case "elem.drop":
                return f"{ctx.elem(imm[0])}_len = 0"
        raise TypeError(f"c-print: unexpected instruction {op}")


_STATEMENTS = ByClass("statement", {
    n.LocalSet: FunctionPrinter.local_set,
    n.MultiSet: FunctionPrinter.multi_set,
    n.GlobalSet: FunctionPrinter.global_set,
    n.Perform: FunctionPrinter.perform_statement,
    n.Eval: FunctionPrinter.eval_statement,
    n.ReturnCall: FunctionPrinter.return_call,
    n.Return: FunctionPrinter.return_,
    n.Unreachable: FunctionPrinter.unreachable,
    n.CIf: FunctionPrinter.if_,
    n.CLoop: FunctionPrinter.loop,
    n.CDoWhile: FunctionPrinter.do_while,
    n.CSwitch: FunctionPrinter.switch,
    n.CLabel: FunctionPrinter.label,
    n.CGoto: FunctionPrinter.goto,
    n.CBreak: FunctionPrinter.break_,
    n.CContinue: FunctionPrinter.continue_,
})


def _call_type(module: Module, call: n.Expr) -> FuncType:
    if isinstance(call, n.Call):
        return module.func_type(call.func)
    if isinstance(call, n.CallRef):
        return module.types[call.type_index]
    assert isinstance(call, n.CallIndirect)
    return module.types[call.type_index]


def _indented(depth: int, text: str) -> str:
    return _INDENTS[depth if depth < MAX_INDENT else MAX_INDENT] + text


def _zero(t: str) -> str:
    return {"i32": "0", "i64": "0", "f32": "0", "f64": "0", "v128": "{0}"}.get(t, "NULL")

