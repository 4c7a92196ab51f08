"""Which calls may come back with an exception pending (exception handling).

wastrel propagates a Wasm exception by returning: `throw` sets the
runtime's pending exception (`w_pending`) and branches to the innermost
handler of its function, or returns; after a call that may throw, the
caller tests `w_pending` and does the same (stack-to-tree emits the test).
This module says which calls need that test, so that code which cannot
see an exception pays nothing:

* a module with no tag (defined or imported) and no imported function a
  Wasm module provides (`wastrel wast` links modules together) sees no
  exception at all: no call needs a test;
* otherwise a defined function may throw if its body has a `throw`,
  `throw_ref` or `rethrow`, or a call that may throw; an imported function
  may throw unless the host provides it (WASI, bench, spectest: those never
  throw); an indirect call (`call_indirect`, `call_ref`) may throw.
"""

from __future__ import annotations

from wastrel.backend_c.host import HOST_FUNCTIONS
from wastrel.ir.wasm import Module, per_module

THROWING_OPS = frozenset(("throw", "throw_ref", "rethrow"))
INDIRECT_CALLS = frozenset(("call_indirect", "call_ref", "return_call_indirect", "return_call_ref"))
DIRECT_CALLS = frozenset(("call", "return_call"))

#: Host modules whose functions never throw (the spec scripts' `spectest` too).
HOST_MODULES = frozenset(module for module, _ in HOST_FUNCTIONS) | {"spectest"}


class Throws:
    """What may throw in one module."""

    def __init__(self, module: Module) -> None:
        imported = module.imports_of("func")
        self.any = bool(module.tag_types()) or any(i.module not in HOST_MODULES for i in imported)
        self.functions: set[int] = set()
        if self.any:
            self.functions = _throwing_functions(module)

    def call(self, op: str, args: tuple) -> bool:
        """Whether the call `op args` may return with an exception pending."""
        if not self.any:
            return False
        if op in DIRECT_CALLS:
            return args[0] in self.functions
        return True


#: The module's Throws, made once: stack-to-tree asks once per part of a big
#: module, and a module that may throw has every function's body looked at.
throws_of = per_module(Throws)


def _throwing_functions(module: Module) -> set[int]:
    """Functions that throw themselves (or may: imports, indirect calls),
    then their callers, to a fixed point."""
    base = module.num_imported_funcs
    found = {k for k, i in enumerate(module.imports_of("func")) if i.module not in HOST_MODULES}
    callers: dict[int, set[int]] = {}
    for k, func in enumerate(module.funcs):
        for ins in func.body:
            if ins.op in THROWING_OPS or ins.op in INDIRECT_CALLS:
                found.add(base + k)
            elif ins.op in DIRECT_CALLS:
                callers.setdefault(ins.args[0], set()).add(base + k)
    work = list(found)
    while work:
        for caller in callers.get(work.pop(), ()):
            if caller not in found:
                found.add(caller)
                work.append(caller)
    return found
