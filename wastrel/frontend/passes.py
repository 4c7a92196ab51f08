"""The frontend as passes: `decode` (bytes -> wasm) and `validate` (wasm -> wasm).

`validate` changes nothing; it rejects every invalid module with a
`WasmError` that names the byte offset, before any later pass runs.
"""

from __future__ import annotations

from wastrel.frontend.decode import decode_module
from wastrel.frontend.validate import validate_module
from wastrel.ir.wasm import Module
from wastrel.passes.framework import declare_pass


@declare_pass("decode", takes="bytes", gives="wasm")
def decode(data: bytes) -> Module:
    return decode_module(data)


@declare_pass("validate", takes="wasm", gives="wasm", requires=("decode",))
def validate(module: Module) -> Module:
    validate_module(module)
    return module
