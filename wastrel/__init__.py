"""wastrel: WebAssembly to native code through C, by small passes."""

__version__ = "0.1.0"


# The Python API (wastrel/api.py), imported when first used: `import
# wastrel` stays cheap for the command line.
_API = ("load", "Module", "Instance", "Exports", "Function", "Memory", "Ref", "Trap", "Exit", "WasiConfig", "LinkError", "WasmError")


def __getattr__(name: str) -> object:
    if name in _API:
        from wastrel import api

        return getattr(api, name)
    raise AttributeError(f"module 'wastrel' has no attribute {name!r}")
