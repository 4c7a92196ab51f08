"""Renders L-wasm (the decoder's Module) as text: one instruction per line,
indented by block nesting, functions named as the later languages name them."""

from __future__ import annotations

from wastrel.ir.printer import format_const, format_imm
from wastrel.ir.wasm import FuncType, Import, Instr, Module


def format_module(module: Module) -> str:
    from wastrel.ir.wasm_names import function_names

    names = function_names(module)
    out = [format_import(module, imp) for imp in module.imports]
    out += [format_func(module, i, names) for i in range(len(module.funcs))]
    return "\n\n".join(out) + "\n"


def format_import(module: Module, imp: Import) -> str:
    return f'(import "{imp.module}" "{imp.name}" ({imp.kind} {_desc(module, imp.desc)}))'


def format_func(module: Module, position: int, names: tuple[str, ...]) -> str:
    """The `position`th defined function (`names`: every function's name,
    by index, as `wasm_names.function_names` gives them)."""
    func = module.funcs[position]
    ftype = module.types[func.type_index]
    lines = [f"(func ${names[module.num_imported_funcs + position]} {ftype}"]
    if func.locals:
        lines.append("  (local " + " ".join(func.locals) + ")")
    depth = 1
    for instr in func.body[:-1]:  # the final `end` closes the function
        if instr.op in ("end", "else"):
            depth -= 1
        lines.append("  " * min(depth, 40) + format_instr(instr, names))  # deeper: as at 40
        if instr.op in ("block", "loop", "if", "else"):
            depth += 1
    lines[-1] += ")"
    return "\n".join(lines)


def _desc(module: Module, desc: object) -> str:
    return str(module.types[desc]) if isinstance(desc, int) else str(desc)


def format_instr(instr: Instr, names: list[str]) -> str:
    op, args = instr.op, instr.args
    if op.endswith(".const"):
        return f"{op} {format_const(op[: -len('.const')], args[0])}"
    if op in ("block", "loop", "if"):
        ftype: FuncType = args[0]
        return op if ftype == FuncType() else f"{op} {ftype}"
    if op in ("call", "ref.func"):
        return f"{op} ${names[args[0]]}"
    return op + format_imm(op, args)
