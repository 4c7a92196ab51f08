"""The frontend as passes: `decode` (bytes -> wasm) and `validate` (wasm -> wasm).

`validate` changes nothing; it rejects every invalid module with a
`WasmError` that names the byte offset, before any later pass runs.
"""

from __future__ import annotations

from wastrel.frontend.decode import decode_module
from wastrel.frontend.validate import validate_module
from wastrel.ir.wasm import Module
from wastrel.passes import framework
from wastrel.passes.framework import declare_pass


@declare_pass("decode", takes="bytes", gives="wasm")
def decode(data: bytes) -> Module:
    """Reads the binary format into L-wasm: module fields and flat instruction sequences."""
    return decode_module(data, framework.on_function)  # (progress, function by function)


@declare_pass("validate", takes="wasm", gives="wasm", requires=("decode",))
def validate(module: Module) -> Module:
    """Checks the spec's validation rules and changes nothing: no invalid module gets past."""
    validate_module(module, framework.on_function)  # (progress, function by function)
    return module
