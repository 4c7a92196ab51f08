"""The frontend: WebAssembly binaries -> L-wasm, and the validator.

`decode_module(bytes) -> Module` reads the binary format, `validate_module`
checks a module against the spec's validation rules; both raise `WasmError`.
"""

from wastrel.frontend.decode import decode_module
from wastrel.frontend.errors import WasmError
from wastrel.frontend.validate import validate_module

__all__ = ["WasmError", "decode_module", "validate_module"]
