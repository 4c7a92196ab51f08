"""From a module file to a native program: the pipeline, then the toolchain,
with the build cache in front so that a module already built costs nothing."""

from __future__ import annotations

from pathlib import Path

from wastrel.backend_c.toolchain import Toolchain, build_program, cached_program, program_key
from wastrel.frontend.load import load_module, read_module
from wastrel.passes.manager import run_pipeline


def module_to_c(path: Path) -> str:
    """The C of the module at `path` (a text module starts the pipeline
    after `decode`, so that errors point into the text)."""
    return run_pipeline(load_module(path), start_after="decode")


def build(path: Path, toolchain: Toolchain) -> tuple[Path, str | None]:
    """The native program for the module at `path`, and its C when it had
    to be generated (None when the program came from the cache)."""
    module_bytes = read_module(path)
    key = program_key(module_bytes, toolchain)
    program = cached_program(key)
    if program.exists():
        return program, None
    c_source = module_to_c(path)
    return build_program(c_source, key, toolchain), c_source
