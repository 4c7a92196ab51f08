"""From a module file to a native program: the pipeline, then the toolchain,
with the build cache in front so that a module already built costs nothing."""

from __future__ import annotations

from pathlib import Path

from wastrel.backend_c.c_print import CModule
from wastrel.backend_c.toolchain import Toolchain, build_program, cache_hit, cached_program, program_key
from wastrel.frontend.load import load_module, read_module
from wastrel.passes.manager import RunOptions, run_pipeline
from wastrel.progress import Progress


def module_to_c(path: Path, progress: Progress | None = None) -> CModule:
    """The C of the module at `path` (a text module starts the pipeline
    after `decode`, so that errors point into the text)."""
    options = RunOptions(on_progress=progress.show if progress else None)
    return run_pipeline(load_module(path), options, start_after="decode")


def build(path: Path, toolchain: Toolchain) -> tuple[Path, CModule | None]:
    """The native program for the module at `path`, and its C when it had
    to be generated (None when the program came from the cache)."""
    module_bytes = read_module(path)
    key = program_key(module_bytes, toolchain)
    program = cached_program(key)
    if cache_hit(program):
        return program, None
    progress = Progress()
    try:
        c_module = module_to_c(path, progress)
        return build_program(c_module, key, toolchain, progress), c_module
    finally:
        progress.done()
