"""The data model of a WebAssembly script (.wast), as `read_script` gives it.

A script is a list of commands, each a frozen dataclass whose first field is
`line`, the line of the command's `(` in the script.  A spec runner takes
them in order:

* `ModuleCommand(line, name, source, is_definition)`: define a module and,
  unless `is_definition` (`(module definition ...)`), instantiate it; it
  becomes the current module, and `name` (`"M"` for `$M`, or None) names it.
  `ModuleInstance(line, name, definition)` instantiates a defined module
  again (`(module instance $I $M)`).
* `Register(line, as_name, module)`: make a module's exports importable
  under `as_name` (`module` None: the current module).
* actions, `Invoke(line, module, field, args)` and `Get(line, module,
  field)`, on the named module (None: the current one); at top level they
  are commands too, whose results are ignored.
* assertions on actions: `AssertReturn(line, action, expected)`,
  `AssertTrap(line, action, message)`, `AssertExhaustion(line, action,
  message)`, `AssertException(line, action)`;
* assertions on modules: `AssertMalformed`, `AssertInvalid`,
  `AssertUnlinkable`, `AssertUninstantiable` (written `assert_trap` with a
  module, or the older `assert_uninstantiable`), each `(line, module,
  message)`.  `AssertMalformedCustom` and `AssertInvalidCustom` are about
  custom sections and annotations only: a reader that ignores those may
  accept the module.

A module's `source` is a `TextModule`, a `BinaryModule` or a `QuoteModule`
(from `modules`); `source.load()` gives its L-wasm `Module` or raises the
`WasmError` that makes it malformed.  Text and quoted modules are elaborated
only then, so that reading a script never fails because of one module.

Values (`Value`) are typed constants: `i32`/`i64` values as Python ints in
the signed range, `f32`/`f64` as IEEE bit patterns (as L-wasm keeps them),
`v128` values as their 128 bits, an unsigned int with lane 0 in the low bits
(as `v128.const` keeps them, whatever the shape written), references as None
(null) or, for `(ref.extern N)`, N.  An expected result is a `Value` or a
pattern: `NanPattern` (`nan:canonical`, `nan:arithmetic`), `V128Pattern` (a
`v128.const` of f32x4 or f64x2 lanes of which some are NaN patterns: each
lane must match its own pattern), `RefPattern` (`(ref.func)`,
`(ref.extern)`: any non-null reference of that type; `(ref.null)`: any null
reference) or `Either` (any one of its options).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from wastrel.frontend.text.modules import BinaryModule, ModuleSource, QuoteModule, TextModule

# -- values -----------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    type: str  # a value type: i32 i64 f32 f64 v128 funcref externref
    value: int | None  # see the module docstring


@dataclass(frozen=True)
class NanPattern:
    type: str  # f32 or f64
    kind: str  # "canonical" or "arithmetic"


@dataclass(frozen=True)
class V128Pattern:
    """A v128 result whose lanes of `shape` (`f32x4`, `f64x2`, ...) are each
    the lane's bit pattern (an unsigned int of the lane's width) or a
    `NanPattern`; a v128 result with no NaN pattern is a `Value` instead."""

    shape: str
    lanes: tuple[int | NanPattern, ...]


@dataclass(frozen=True)
class RefPattern:
    """Any reference of `type` (funcref, externref; None: of any type) that
    is null if `null`, not null otherwise."""

    type: str | None
    null: bool = False


@dataclass(frozen=True)
class GcPattern:
    """A GC reference result: `(ref.struct)`, `(ref.array)`, `(ref.i31)`,
    `(ref.eq)`, `(ref.any)` (the pattern's head).  `(ref.host n)` is the
    host reference n, a `Value` as `(ref.extern n)` is."""

    head: str


@dataclass(frozen=True)
class Either:
    options: tuple[Expected, ...]


Expected = Union[Value, NanPattern, V128Pattern, RefPattern, GcPattern, Either]

# -- actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Invoke:
    line: int
    module: str | None
    field: str
    args: tuple[Value, ...]


@dataclass(frozen=True)
class Get:
    line: int
    module: str | None
    field: str


Action = Union[Invoke, Get]

# -- commands ---------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleCommand:
    line: int
    name: str | None
    source: ModuleSource
    is_definition: bool = False


@dataclass(frozen=True)
class ModuleInstance:
    line: int
    name: str | None
    definition: str | None


@dataclass(frozen=True)
class Register:
    line: int
    as_name: str
    module: str | None


@dataclass(frozen=True)
class AssertReturn:
    line: int
    action: Action
    expected: tuple[Expected, ...]


@dataclass(frozen=True)
class AssertTrap:
    line: int
    action: Action
    message: str


@dataclass(frozen=True)
class AssertExhaustion:
    line: int
    action: Action
    message: str


@dataclass(frozen=True)
class AssertException:
    line: int
    action: Action


@dataclass(frozen=True)
class AssertMalformed:
    line: int
    module: ModuleSource
    message: str


@dataclass(frozen=True)
class AssertInvalid:
    line: int
    module: ModuleSource
    message: str


@dataclass(frozen=True)
class AssertUnlinkable:
    line: int
    module: ModuleSource
    message: str


@dataclass(frozen=True)
class AssertUninstantiable:
    line: int
    module: ModuleSource
    message: str


@dataclass(frozen=True)
class AssertMalformedCustom:
    line: int
    module: ModuleSource
    message: str


@dataclass(frozen=True)
class AssertInvalidCustom:
    line: int
    module: ModuleSource
    message: str


Command = Union[
    ModuleCommand,
    ModuleInstance,
    Register,
    Invoke,
    Get,
    AssertReturn,
    AssertTrap,
    AssertExhaustion,
    AssertException,
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,
    AssertMalformedCustom,
    AssertInvalidCustom,
]


__all__ = [
    "BinaryModule", "ModuleSource", "QuoteModule", "TextModule", "Value", "NanPattern", "V128Pattern", "RefPattern", "GcPattern",
    "Either", "Expected", "Invoke", "Get", "Action", "ModuleCommand", "ModuleInstance", "Register", "AssertReturn",
    "AssertTrap", "AssertExhaustion", "AssertException", "AssertMalformed", "AssertInvalid", "AssertUnlinkable",
    "AssertUninstantiable", "AssertMalformedCustom", "AssertInvalidCustom", "Command",
]
