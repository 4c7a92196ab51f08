"""A faster `__init__` for the frozen dataclasses the passes build by the million.

A frozen dataclass's generated `__init__` sets each field with
`object.__setattr__(self, name, value)`, looked up afresh per field; with
slots, each field is also a descriptor whose `__set__` does the same
work directly.  `fast_init` replaces the `__init__` of a frozen, slotted
dataclass with one that calls those descriptors (bound once, when the
class is made): the same signature, defaults and immutability (the
class's `__setattr__` still refuses every assignment), in about half the
time.  `slot_setters` gives the same descriptors to code generated for a
class (`wastrel.ir.shapes`), which then builds nodes without an
`__init__` call at all.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from typing import Any, Callable, TypeVar

T = TypeVar("T", bound=type)


def slot_setters(cls: type) -> dict[str, Callable[[Any, Any], None]]:
    """Field name -> the `__set__` of its slot, for every field of `cls`."""
    return {f.name: getattr(cls, f.name).__set__ for f in fields(cls)}


def fast_init(cls: T) -> T:
    """Gives the frozen, slotted dataclass `cls` a descriptor-based `__init__` (see the module docstring)."""
    params = getattr(cls, "__dataclass_params__", None)
    if not (is_dataclass(cls) and params.frozen and "__slots__" in cls.__dict__):
        raise TypeError(f"fast_init: {cls.__name__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"fast_init: {cls.__name__} has a __post_init__, which this __init__ would not call")
    env: dict[str, Any] = {}
    positional, keyword, body = [], [], []
    for f in fields(cls):
        if f.default_factory is not MISSING:  # type: ignore[misc]
            raise TypeError(f"fast_init: {cls.__name__}.{f.name} has a default factory")
        env[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        parameter = f.name
        if f.default is not MISSING:
            env[f"_default_{f.name}"] = f.default
            parameter += f"=_default_{f.name}"
        (keyword if f.kw_only else positional).append(parameter)
        body.append(f"    _set_{f.name}(self, {f.name})")
    signature = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({signature}):\n" + "\n".join(body or ["    pass"])
    exec(compile(source, f"<{cls.__name__} __init__>", "exec"), env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls
