"""pass: recognize-helpers : wasm -> wasm

Gives `__multi3`, the 128-bit multiplication of the compilers' runtime,
recognised by what its code computes, a body that says so in one operator.
wasm32 has no 128-bit product, so clang and rustc lower `unsigned __int128`
and `u128` multiplication to a call of compiler-rt's (or Rust's
compiler-builtins') `__multi3`, which does four 32x32-bit products and adds
up the carries; on x86-64 the same product is one `mul`.  The helper's ABI
stays: it takes a pointer (into the shadow stack) and the two operands as
64-bit halves, and writes the result there, so its callers are unchanged
(and the C compiler can inline the new body).

    (func (param $r i32) (param $a_lo i64) (param $a_hi i64) (param $b_lo i64) (param $b_hi i64)
      straight-line code whose stores are, in some order,
        (i64.store offset=0 (local.get $r) LO)
        (i64.store offset=8 (local.get $r) HI)
      with LO and HI equal, as terms, to those of a known implementation)
  =>
    (func ...the same signature and locals...
      the same two stores, in the same order, of
        LO' = (i64.mul (local.get $a_lo) (local.get $b_lo))
        HI' = (i64.add (i64.add (i64.mul_high_u (local.get $a_lo) (local.get $b_lo))
                                (i64.mul (local.get $a_lo) (local.get $b_hi)))
                       (i64.mul (local.get $a_hi) (local.get $b_lo))))

`i64.mul_high_u` (the high 64 bits of the unsigned 128-bit product) is not a
Wasm instruction: it exists only after this pass (`ir/ops.py`), and the C
printer makes it `w_i64_mul_high_u`, an `unsigned __int128` product
(runtime/wastrel_ops.h).

Recognition.  A function is recognised by its code, never by its name
(names may be stripped, and a function named `__multi3` may do anything).
Its body is evaluated symbolically: every value becomes a term over the
parameters (`(i64.mul p1 (i64.and p3 4294967295))`), locals hold terms,
and each store records its address, offset and value term.  Only
straight-line code of integer arithmetic, locals and stores is evaluated;
anything else (a branch, a call, a load) means "not recognised".  Terms are
normalised as they are built: the operands of `add`, `mul`, `and`, `or` and
`xor` -- associative and commutative modulo 2^64 -- are flattened and
sorted.  A function is rewritten when its stores are exactly LO at offset 0
and HI at offset 8 of the first parameter, with LO and HI the normalised
terms of a reference implementation: the compiler-rt C code as clang
compiles it, or Rust's compiler-builtins (`REFERENCES`).  Equal normal
forms mean equal functions for every input, so the rewrite is exact; a
reference that a compiler version writes differently (another algorithm,
not just other operand orders or locals) is simply not recognised.

Design decisions.  The pass works on L-wasm, right after validation: the
flat code is the compiler's own output, which the references were taken
from, and no later pass has reshaped it.  The new body keeps the original
stores, with their order, offsets and alignment, so a store that traps
traps as before, after the same earlier store; only the arithmetic is
replaced.  The other 128-bit helpers (`__ashlti3`, `__lshrti3`,
`__udivti3`, ...) are left alone: shifts branch on the shift count (not
straight-line), and no sightglass module divides 128-bit numbers.  The
pass is optional (`--skip recognize-helpers`): it is an optimisation, and
the program computes the same without it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from wastrel.ir.wasm import Func, FuncType, Instr, Module
from wastrel.passes.framework import declare_pass

MULTI3_TYPE = FuncType(("i32", "i64", "i64", "i64", "i64"), ())

_MASK = {"i32": (1 << 32) - 1, "i64": (1 << 64) - 1}
# Associative and commutative: their operands are flattened and sorted.
_AC = {f"i64.{name}" for name in ("add", "mul", "and", "or", "xor")}
_BINARY = _AC | {"i64.sub", "i64.shl", "i64.shr_u", "i64.shr_s", "i64.lt_u", "i64.eq", "i64.ne"}
_UNARY = {"i64.extend_i32_u", "i32.wrap_i64", "i64.eqz"}
MAX_INSTRUCTIONS = 200  # helpers are small; anything bigger is not evaluated

Term = tuple  # ("param", i) | ("const", type, value) | (op, *operands)


@declare_pass("recognize-helpers", takes="wasm", gives="wasm", requires=("validate",), optional=True)
def recognize_helpers(module: Module) -> Module:
    funcs = list(module.funcs)
    changed = False
    for i, func in enumerate(funcs):
        if module.types[func.type_index] == MULTI3_TYPE and (body := _native_multi3(func)) is not None:
            funcs[i] = replace(func, body=body)
            changed = True
    return replace(module, funcs=tuple(funcs)) if changed else module


# -- symbolic evaluation -------------------------------------------------------


def _term(op: str, *operands: Term) -> Term:
    """The normal form of `op` applied to normal forms."""
    if op not in _AC:
        return (op, *operands)
    flat: list[Term] = []
    for o in operands:
        flat.extend(o[1:] if o[0] == op else (o,))
    return (op, *sorted(flat, key=repr))


def stores_of(func: Func, ftype: FuncType) -> list[tuple[Instr, Term, Term]] | None:
    """The stores of a straight-line function, in order, as (instruction,
    address term, value term); None when the code is anything else."""
    if len(func.body) > MAX_INSTRUCTIONS:
        return None
    locals_: list[Term] = [("param", i) for i in range(len(ftype.params))]
    locals_ += [("const", t, 0) for t in func.locals]
    stack: list[Term] = []
    stores: list[tuple[Instr, Term, Term]] = []
    for k, instr in enumerate(func.body):
        op, args = str(instr.op), instr.args  # (the text reader's ops are str subclasses)
        if op == "local.get":
            stack.append(locals_[args[0]])
        elif op == "local.set":
            locals_[args[0]] = stack.pop()
        elif op == "local.tee":
            locals_[args[0]] = stack[-1]
        elif op in ("i32.const", "i64.const"):
            stack.append(("const", op[:3], args[0] & _MASK[op[:3]]))
        elif op in _BINARY:
            b, a = stack.pop(), stack.pop()
            stack.append(_term(op, a, b))
        elif op in _UNARY:
            stack.append(_term(op, stack.pop()))
        elif op == "i64.store":
            value, address = stack.pop(), stack.pop()
            stores.append((instr, address, value))
        elif op == "end" and k == len(func.body) - 1 and not stack:
            return stores
        else:
            return None
    return None


# -- __multi3 ----------------------------------------------------------------------

# Known implementations, as their compilers emit them.
REFERENCES = {
    # compiler-rt's __multi3 (lib/builtins/multi3.c), clang -O2 for wasm32.
    "compiler-rt": """
        local.get 0  local.get 4  local.get 1  i64.mul  local.get 2  local.get 3  i64.mul  i64.add
        local.get 3  i64.const 32  i64.shr_u  local.tee 2  local.get 1  i64.const 32  i64.shr_u
        local.tee 4  i64.mul  i64.add  local.get 3  i64.const 4294967295  i64.and  local.tee 3
        local.get 1  i64.const 4294967295  i64.and  local.tee 1  i64.mul  local.tee 5  i64.const 32
        i64.shr_u  local.get 3  local.get 4  i64.mul  i64.add  local.tee 3  i64.const 32  i64.shr_u
        i64.add  local.get 3  i64.const 4294967295  i64.and  local.get 2  local.get 1  i64.mul
        i64.add  local.tee 1  i64.const 32  i64.shr_u  i64.add  i64.store 3 8 0
        local.get 0  local.get 1  i64.const 32  i64.shl  local.get 5  i64.const 4294967295  i64.and
        i64.or  i64.store 3 0 0""",
    # Rust's compiler-builtins (int/mul.rs), rustc --release for wasm32.
    "compiler-builtins": """
        local.get 0  local.get 3  i64.const 4294967295  i64.and  local.tee 5  local.get 1
        i64.const 4294967295  i64.and  local.tee 6  i64.mul  local.tee 7  local.get 3  i64.const 32
        i64.shr_u  local.tee 8  local.get 6  i64.mul  local.tee 6  local.get 5  local.get 1
        i64.const 32  i64.shr_u  local.tee 9  i64.mul  i64.add  local.tee 5  i64.const 32  i64.shl
        i64.add  local.tee 10  i64.store 3 0 0
        local.get 0  local.get 8  local.get 9  i64.mul  local.get 5  local.get 6  i64.lt_u
        i64.extend_i32_u  i64.const 32  i64.shl  local.get 5  i64.const 32  i64.shr_u  i64.or
        i64.add  local.get 10  local.get 7  i64.lt_u  i64.extend_i32_u  i64.add  local.get 4
        local.get 1  i64.mul  local.get 3  local.get 2  i64.mul  i64.add  i64.add  i64.store 3 8 0""",
}
_REFERENCE_LOCALS = {"compiler-rt": ("i64",), "compiler-builtins": ("i64",) * 6}


def parse_code(text: str) -> tuple[Instr, ...]:
    """`op arg...` words as instructions (the arguments are integers), with
    the final `end`."""
    instrs: list[Instr] = []
    for word in text.split():
        if word.lstrip("-").isdigit():
            last = instrs[-1]
            instrs[-1] = Instr(last.op, (*last.args, int(word)))
        else:
            instrs.append(Instr(word))
    return (*instrs, Instr("end"))


@cache
def multi3_terms() -> frozenset[tuple[Term, Term]]:
    """(LO, HI) of each reference: the values it stores at offsets 0 and 8."""
    terms = set()
    for name, code in REFERENCES.items():
        stores = stores_of(Func(0, _REFERENCE_LOCALS[name], parse_code(code)), MULTI3_TYPE)
        assert stores is not None, name
        by_offset = {instr.args[1]: value for instr, _, value in stores}
        terms.add((by_offset[0], by_offset[8]))
    return frozenset(terms)


def _native_multi3(func: Func) -> tuple[Instr, ...] | None:
    stores = stores_of(func, MULTI3_TYPE)
    if stores is None or len(stores) != 2 or any(address != ("param", 0) or instr.args[2] != 0 for instr, address, _ in stores):
        return None  # (the shadow stack is in memory 0)
    by_offset = {instr.args[1]: value for instr, _, value in stores}
    if (by_offset.get(0), by_offset.get(8)) not in multi3_terms():
        return None
    value = {0: "local.get 1  local.get 3  i64.mul",
             8: """local.get 1  local.get 3  i64.mul_high_u  local.get 1  local.get 4  i64.mul  i64.add
                   local.get 2  local.get 3  i64.mul  i64.add"""}  # fmt: skip
    body: list[Instr] = []
    for instr, _, _ in stores:  # the original stores, in their order
        body += [Instr("local.get", (0,)), *parse_code(value[instr.args[1]])[:-1], instr]
    return (*body, Instr("end"))
