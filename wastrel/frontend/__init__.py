"""The frontend: WebAssembly binaries -> L-wasm, and the validator.

`decode_module(bytes) -> Module` reads the binary format, `validate_module`
checks a module against the spec's validation rules; both raise `WasmError`.
(They are imported on first use: a command that needs neither starts
without them.)
"""

from wastrel.frontend.errors import WasmError

__all__ = ["WasmError", "decode_module", "validate_module"]


def __getattr__(name: str) -> object:
    if name == "decode_module":
        from wastrel.frontend.decode import decode_module

        return decode_module
    if name == "validate_module":
        from wastrel.frontend.validate import validate_module

        return validate_module
    raise AttributeError(f"module 'wastrel.frontend' has no attribute {name!r}")
