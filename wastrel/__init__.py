"""wastrel: WebAssembly to native code through C, by small passes."""

__version__ = "0.1.0"
