"""C names for Wasm things: functions, globals, locals -- the one owner of C identifiers.

Functions become `f_<name>` and globals `g_<name>` (names from the name
section when there is one), so that they never collide with the C library,
whose declarations the runtime header brings in.  Locals keep their own
names when those are safe C identifiers, and are otherwise mended: a C
keyword, a name with a prefix the backend uses for module-level things, a
type-like `_t` or macro-like upper-case name, or the name of a libm
function a body may call gets `v_` in front.  The variables a body
declares for itself, the memories' bases (`m0`, `m1`, ...) and a multi-value call's
results (`r`), give way instead: `body_name` picks `m0_2` in a function
with a local called `m0`.
"""

from __future__ import annotations

import re

from wastrel.ir.types import is_ref, representation
from wastrel.ir.wasm import FuncType

C_KEYWORDS = frozenset(
    """auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union
    unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary
    _Noreturn _Static_assert _Thread_local asm typeof bool true false errno""".split()
)

class ByRepresentation(dict):
    """A table by value type whose entries for `funcref`, `externref`,
    `exnref` and `anyref` serve every reference type of the same
    representation (`(ref $t)`, `nullfuncref`, `i31ref`, ...; a defined
    type's as `ir/types.defined_kinds` says)."""

    def __missing__(self, t: str) -> str:
        return self[representation(t)]


C_TYPE_OF = ByRepresentation(
    {
        "i32": "uint32_t",
        "i64": "uint64_t",
        "f32": "float",
        "f64": "double",
        "v128": "w_v128",
        "funcref": "w_funcref",
        "externref": "w_externref",
        "exnref": "w_exnref",
        "anyref": "w_anyref",
    }
)

#: The member of `w_value` (runtime/wastrel.h) that holds a value of each type.
VALUE_FIELD = ByRepresentation({"i32": "i32", "i64": "i64", "f32": "f32", "f64": "f64", "v128": "v128", "funcref": "ref", "externref": "ref", "exnref": "ref", "anyref": "ref"})

TYPE_LETTER = ByRepresentation({"i32": "i", "i64": "I", "f32": "f", "f64": "F", "v128": "V", "funcref": "r", "externref": "e", "exnref": "x", "anyref": "a"})

def memory_base(k: int) -> str:
    """The variable a function keeps memory k's base pointer in (m0, m1, ...)."""
    return f"m{k}"


#: The struct a multi-value call's results land in before they go to locals.
RESULTS = "r"
#: Float operations that are one libm call (f32 adds `f`); the rounding ones
#: are `w_` functions, since they must quiet a signalling NaN.
LIBM = {"abs": "fabs", "sqrt": "sqrt", "copysign": "copysign"}
LIBM_NAMES = frozenset(f + suffix for f in LIBM.values() for suffix in ("", "f"))


def body_name(name: str, local_names: list[str]) -> str:
    """`name` (a memory's base or RESULTS) for a body's own variable, made
    distinct from the function's locals."""
    taken, text, k = set(local_names), name, 1
    while text in taken:
        k += 1
        text = f"{name}_{k}"
    return text

# Prefixes the backend uses for its own module-level names.
_RESERVED_PREFIXES = ("f_", "g_", "w_", "fref_", "mem", "table", "data", "elem", "export_", "__")


def sanitize(name: str) -> str:
    """Any string -> a C identifier (not yet checked for collisions)."""
    if name.isascii() and name.isidentifier():  # most names: no need of the regular expression
        return name
    text = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not text or text[0].isdigit():
        text = "_" + text
    return text


def local_names(names: tuple[str, ...]) -> list[str]:
    """Distinct, safe C names for a function's locals."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        text = sanitize(name)
        if text in C_KEYWORDS or text in LIBM_NAMES or text.isupper() or text.startswith(_RESERVED_PREFIXES) or text.endswith("_t"):
            text = "v_" + text
        base, k = text, 1
        while text in taken:
            k += 1
            text = f"{base}_{k}"
        taken.add(text)
        out.append(text)
    return out


def distinct(prefix: str, names: list[str]) -> list[str]:
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        text = prefix + sanitize(name).lstrip("_")
        base, k = text, 1
        while text in taken:
            k += 1
            text = f"{base}_{k}"
        taken.add(text)
        out.append(text)
    return out


def result_struct(types: tuple[str, ...]) -> str:
    return "w_results_" + "".join(TYPE_LETTER[t] for t in types)


def c_result(ftype: FuncType) -> str:
    """The C return type of a function type (a struct for several results)."""
    if not ftype.results:
        return "void"
    if len(ftype.results) == 1:
        return C_TYPE_OF[ftype.results[0]]
    return result_struct(ftype.results)


# -- arguments in registers only ----------------------------------------------------
#
# A C function of a Wasm function takes as C parameters only the Wasm
# parameters that fit in argument registers (x86-64: 6 integer ones, 5 when
# the result struct is returned through a hidden pointer, and 8 vector
# ones; aarch64 has more of both); the rest go through `w_spill`
# (runtime/wastrel.h), written by the caller just before the call and read
# first thing by the callee.  No call then passes arguments on the stack,
# so gcc can turn every tail call into a jump (it cannot when a callee
# needs more stack for its arguments than its caller got).  Host functions
# (WASI) keep the plain C convention.

INT_REGISTERS, VECTOR_REGISTERS = 6, 8
_SIZE = {"i32": 4, "f32": 4, "i64": 8, "f64": 8, "v128": 16}


def _size(t: str) -> int:
    return _SIZE.get(t, 8)  # references are pointers


def returns_by_pointer(ftype: FuncType) -> bool:
    """A result struct of more than 16 bytes comes back through a hidden
    pointer argument, which takes an integer register."""
    if len(ftype.results) < 2:
        return False
    size = 0
    for t in ftype.results:
        size = -(-size // _size(t)) * _size(t) + _size(t)
    return size > 16


def spilled(ftype: FuncType) -> list[int]:
    """The parameters that go through `w_spill`, in order (usually none)."""
    ints = INT_REGISTERS - returns_by_pointer(ftype)
    vectors = VECTOR_REGISTERS
    out = []
    for i, t in enumerate(ftype.params):
        if t in ("f32", "f64", "v128"):
            vectors -= 1
            if vectors < 0:
                out.append(i)
        else:
            ints -= 1
            if ints < 0:
                out.append(i)
    return out


def c_params(ftype: FuncType, names: list[str] | None = None, host: bool = False) -> str:
    """A function type's C parameter list: the parameters passed in
    registers (all of them for a host function)."""
    spill = set() if host else set(spilled(ftype))
    kept = [i for i in range(len(ftype.params)) if i not in spill]
    if not kept:
        return "void"
    if names is None:
        return ", ".join(C_TYPE_OF[ftype.params[i]] for i in kept)
    return ", ".join(f"{C_TYPE_OF[ftype.params[i]]} {names[i]}" for i in kept)


def c_call(callee: str, ftype: FuncType, args: list[str], host: bool = False, ordered: bool = False) -> str:
    """The C of a call to `callee` with the C texts of its arguments, in
    order: those spilled go to `w_spill` after all are evaluated (a
    statement expression), just before the call; with `ordered`, all
    arguments are evaluated before `callee` is."""
    spill = [] if host else spilled(ftype)
    if not spill and not ordered:
        return f"{callee}({', '.join(args)})"
    temps = [f"{C_TYPE_OF[t]} w_a{i} = {a};" for i, (t, a) in enumerate(zip(ftype.params, args))]
    stores = [f"w_spill[{k}].{VALUE_FIELD[ftype.params[i]]} = {to_value(ftype.params[i], f'w_a{i}')};" for k, i in enumerate(spill)]
    registers = ", ".join(f"w_a{i}" for i in range(len(args)) if i not in spill)
    return f"({{ {' '.join(temps + stores)} {callee}({registers}); }})"


def spill_prologue(ftype: FuncType, names: list[str]) -> list[str]:
    """The declarations that read a function's spilled parameters."""
    return [
        f"  {C_TYPE_OF[ftype.params[i]]} {names[i]} = {from_value(ftype.params[i], f'w_spill[{k}].{VALUE_FIELD[ftype.params[i]]}')};"
        for k, i in enumerate(spilled(ftype))
    ]


def to_value(t: str, text: str) -> str:
    """C of type `t` as the `w_value` member VALUE_FIELD[t] takes it."""
    return f"(void *){text}" if is_ref(t) else text


def from_value(t: str, member: str) -> str:
    """A `w_value` member as C of type `t`."""
    return f"({C_TYPE_OF[t]}){member}" if is_ref(t) else member
