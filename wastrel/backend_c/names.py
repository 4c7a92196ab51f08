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

from wastrel.ir.types import representation
from wastrel.ir.wasm import FuncType

C_KEYWORDS = frozenset(
    """auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union
    unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary
    _Noreturn _Static_assert _Thread_local asm typeof bool true false errno""".split()
)

class ByRepresentation(dict):
    """A table by value type whose entries for `funcref` and `externref`
    serve every reference type of the same representation (`(ref $t)`,
    `nullfuncref`, ...)."""

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
    }
)

#: The member of `w_value` (runtime/wastrel.h) that holds a value of each type.
VALUE_FIELD = ByRepresentation({"i32": "i32", "i64": "i64", "f32": "f32", "f64": "f64", "v128": "v128", "funcref": "ref", "externref": "ref", "exnref": "ref"})

TYPE_LETTER = ByRepresentation({"i32": "i", "i64": "I", "f32": "f", "f64": "F", "v128": "V", "funcref": "r", "externref": "e", "exnref": "x"})

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


def c_params(ftype: FuncType, names: list[str] | None = None) -> str:
    if not ftype.params:
        return "void"
    if names is None:
        return ", ".join(C_TYPE_OF[t] for t in ftype.params)
    return ", ".join(f"{C_TYPE_OF[t]} {name}" for t, name in zip(ftype.params, names))
