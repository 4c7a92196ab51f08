"""Renders any tree language as readable, deterministic S-expressions.

Locals print by name (`$n`, or the name a pass gave them), labels as `$block3`,
functions as `$name`.  After `annotate-effects`, each node that has an effect
shows it right after its head, e.g. `(i32.load {r:G,$p t:mem} ...)`, naming
locals as `local.get` does (`wastrel-passes --describe-language effects`
explains the notation).
"""

from __future__ import annotations

from wastrel.ir import nodes as n
from wastrel.ir.types import ref_type
from wastrel.ir.wasm import FuncType
from wastrel.ir.wasm_names import function_names

INDENT = "  "
MAX_INDENT = 40  # deeper statements print at this depth: the text stays linear in the program


def _pad(depth: int) -> str:
    return INDENT * min(depth, MAX_INDENT)


def format_program(program: n.Program) -> str:
    return "\n\n".join(format_function(f, program) for f in program.funcs) + "\n"


def format_function(func: n.Function, program: n.Program | None = None) -> str:
    printer = _Printer(func, program)
    head = f"(func ${func.name}"
    for i, t in enumerate(func.type.params):
        head += f" (param ${func.local_names[i]} {t})"
    if func.type.results:
        head += f" (result {' '.join(func.type.results)})"
    lines = [head]
    extra = range(func.num_params, len(func.local_types))
    if extra:
        lines.append(INDENT + " ".join(f"(local ${func.local_names[i]} {func.local_types[i]})" for i in extra))
    printer.lines = lines
    for stmt in func.body:
        printer.stmt(stmt, 1)
    lines[-1] += ")"
    return "\n".join(lines)


def format_statement_head(stmt: n.Stmt, func: n.Function, program: n.Program | None = None, effects: bool = False) -> str:
    """One line for a statement: a simple one whole, a compound one without
    its body (`(if $if1 (local.get $c))`, `(c.for $loop2)`); effects only
    if asked.  For pictures (`wastrel-passes --graph cfg`)."""
    printer = _Printer(func, program, effects)
    match stmt:
        case n.Block(label=label) | n.Loop(label=label):
            return f"({'block' if isinstance(stmt, n.Block) else 'loop'} ${label})"
        case n.If(label=label, cond=c):
            return f"(if ${label} {printer.expr(c)})"
        case n.CIf(cond=c):
            return f"(c.if {printer.expr(c)})"
        case n.CLoop(label=label):
            return f"(c.for ${label})"
        case n.CDoWhile(cond=c):
            return f"(c.while {printer.expr(c)})"
        case n.CSwitch(index=idx):
            return f"(c.switch {printer.expr(idx)})"
    return printer.simple(stmt)


class _Printer:
    def __init__(self, func: n.Function, program: n.Program | None, effects: bool = True):
        self.func = func
        self.names = function_names(program.wasm) if program else ()  # by index, imported ones included (`env.log`)
        self.lines: list[str] = []  # statements append their lines here
        self.effects = effects

    def local(self, index: int) -> str:
        return "$" + self.func.local_names[index]

    def head(self, node: n.Node, text: str) -> str:
        """`text` with the node's effect, where it says something: every
        statement's, and an expression's when it writes or may trap."""
        effect = node.effect if self.effects else None
        if effect and (isinstance(node, n.Stmt) or effect.writes or effect.traps):
            return f"{text} {effect.format(self.local)}"
        return text

    # -- expressions --------------------------------------------------------

    def expr(self, e: n.Expr) -> str:
        match e:
            case n.Const(type=t, value=v):
                ref = ref_type(t)
                if ref is not None:
                    return f"(ref.null {ref.heap})"
                return f"({t}.const {format_const(t, v)})"
            case n.LocalGet(index=i):
                return f"(local.get {self.local(i)})"
            case n.LocalTee(index=i, value=v):
                return self.head(e, f"(local.tee {self.local(i)}") + f" {self.expr(v)})"
            case n.GlobalGet(index=i):
                return f"(global.get {i})"
            case n.TempRef(id=t):
                return self.func.local_names[t]
            case n.Op(op=op, args=args, imm=imm):
                return self.head(e, f"({op}{format_imm(op, imm)}") + self.args(args) + ")"
            case n.Call(func=f, args=args):
                return self.head(e, f"(call ${self.names[f] if f < len(self.names) else f}") + self.args(args) + ")"
            case n.CallIndirect(type_index=ti, table=tab, args=args, callee=c):
                return self.head(e, f"(call_indirect {tab} (type {ti})") + self.args(args + (c,)) + ")"
            case n.CallRef(type_index=ti, args=args, callee=c):
                return self.head(e, f"(call_ref {ti}") + self.args(args + (c,)) + ")"
        raise TypeError(f"cannot print expression {e!r}")

    def args(self, args: tuple[n.Expr, ...]) -> str:
        return "".join(" " + self.expr(a) for a in args)

    # -- statements ---------------------------------------------------------

    def stmt(self, s: n.Stmt, depth: int) -> None:
        pad, lines = _pad(depth), self.lines
        match s:
            case n.Block(label=label, results=rs, body=body):
                self.nested(s, f"(block ${label}{self.vars('result', rs)}", body, depth)
            case n.Loop(label=label, params=ps, body=body):
                self.nested(s, f"(loop ${label}{self.vars('param', ps)}", body, depth)
            case n.If(label=label, results=rs, cond=c, then=then, else_=els):
                lines.append(pad + self.head(s, f"(if ${label}{self.vars('result', rs)}") + " " + self.expr(c))
                self.nested(None, "(then", then, depth + 1)
                if els:
                    self.nested(None, "(else", els, depth + 1)
                lines[-1] += ")"
            case n.CIf(cond=c, then=then, else_=els):
                lines.append(pad + "(c.if " + self.expr(c))
                self.nested(None, "(then", then, depth + 1)
                if els:
                    self.nested(None, "(else", els, depth + 1)
                lines[-1] += ")"
            case n.CLoop(label=label, body=body):
                self.nested(s, f"(c.for ${label}", body, depth)
            case n.CDoWhile(body=body, cond=c):
                self.nested(s, "(c.do", body, depth)
                lines[-1] = lines[-1][:-1]
                lines.append(_pad(depth + 1) + f"(c.while {self.expr(c)}))")
            case n.CSwitch(index=idx, cases=cases, default=default):
                lines.append(pad + f"(c.switch {self.expr(idx)}")
                for values, body in cases:
                    self.nested(None, "(case " + " ".join(map(str, values)), body, depth + 1)
                self.nested(None, "(default", default, depth + 1)
                lines[-1] += ")"
            case _:
                lines.append(pad + self.simple(s))

    def nested(self, s: n.Stmt | None, head: str, body: tuple[n.Stmt, ...], depth: int) -> None:
        self.lines.append(_pad(depth) + (self.head(s, head) if s is not None else head))
        for child in body:
            self.stmt(child, depth + 1)
        self.lines[-1] += ")"

    def vars(self, keyword: str, indices: tuple[int, ...]) -> str:
        return "".join(f" ({keyword} {self.local(i)})" for i in indices)

    def simple(self, s: n.Stmt) -> str:
        match s:
            case n.Let(temps=ts, value=v):
                names = " ".join(self.func.local_names[t] for t in ts)
                return self.head(s, f"(let ({names})") + f" {self.expr(v)})"
            case n.MultiSet(indices=ids, value=v):
                names = " ".join(self.local(i) for i in ids)
                return self.head(s, f"(local.set ({names})") + f" {self.expr(v)})"
            case n.LocalSet(index=i, value=v):
                return self.head(s, f"(local.set {self.local(i)}") + f" {self.expr(v)})"
            case n.GlobalSet(index=i, value=v):
                return self.head(s, f"(global.set {i}") + f" {self.expr(v)})"
            case n.Perform(op=op, args=args, imm=imm):
                return self.head(s, f"({op}{format_imm(op, imm)}") + self.args(args) + ")"
            case n.Eval(value=v):
                return self.head(s, "(eval") + f" {self.expr(v)})"
            case n.Br(label=label, values=vs):
                return self.head(s, f"(br ${label}") + self.args(vs) + ")"
            case n.BrIf(label=label, cond=c, values=vs):
                return self.head(s, f"(br_if ${label}") + self.args(vs) + f" {self.expr(c)})"
            case n.BrTable(labels=labels, default=d, index=idx, values=vs):
                targets = " ".join("$" + lb for lb in labels + (d,))
                return self.head(s, f"(br_table {targets}") + self.args(vs) + f" {self.expr(idx)})"
            case n.ReturnCall(call=call):
                return self.head(s, "(return_call") + f" {self.expr(call)})"
            case n.Return(values=vs):
                return self.head(s, "(return") + self.args(vs) + ")"
            case n.Unreachable():
                return self.head(s, "(unreachable") + ")"
            case n.CLabel(name=name):
                return f"(c.label ${name})"
            case n.CGoto(name=name):
                return f"(c.goto ${name})"
            case n.CBreak():
                return "(c.break)"
            case n.CContinue():
                return "(c.continue)"
        raise TypeError(f"cannot print statement {s!r}")


def format_const(type_: str, value: int | None) -> str:
    if type_ in ("i32", "i64"):
        return str(value)
    if type_ in ("f32", "f64"):
        return float_literal(type_, value or 0)
    assert type_ == "v128"  # as the text format writes it, in four 32-bit lanes
    return "i32x4 " + " ".join(f"0x{(value or 0) >> (32 * k) & 0xFFFFFFFF:08x}" for k in range(4))


def float_literal(type_: str, bits: int) -> str:
    """Exact text for a float bit pattern: decimal when it round-trips, else hex bits."""
    import struct

    if type_ == "f32":
        (value,) = struct.unpack("<f", struct.pack("<I", bits))
        exp_mask = 0x7F800000
        if bits & exp_mask == exp_mask:
            return _special(bits, 0x7FFFFF, 0x80000000)
    else:
        (value,) = struct.unpack("<d", struct.pack("<Q", bits))
        exp_mask = 0x7FF0000000000000
        if bits & exp_mask == exp_mask:
            return _special(bits, 0xFFFFFFFFFFFFF, 1 << 63)
    return repr(value)


def _special(bits: int, mantissa_mask: int, sign_bit: int) -> str:
    sign = "-" if bits & sign_bit else ""
    mantissa = bits & mantissa_mask
    if mantissa == 0:
        return sign + "inf"
    return f"{sign}nan:{mantissa:#x}"


def format_imm(op: str, imm: tuple) -> str:
    if not imm:
        return ""
    if ".load" in op or ".store" in op:
        _align, offset, memory, *lane = imm  # (align, offset, memidx), a lane access's lane last
        text = (f" {memory}" if memory else "") + (f" offset={offset}" if offset else "")
        return text + "".join(f" {x}" for x in lane)
    if op == "i8x16.shuffle":
        return "".join(f" {x}" for x in imm[0])
    return "".join(f" {_imm_text(x)}" for x in imm)


def _imm_text(x: object) -> str:
    if isinstance(x, tuple):
        return "(" + " ".join(map(str, x)) + ")"
    if isinstance(x, FuncType):
        return str(x)
    return str(x)
