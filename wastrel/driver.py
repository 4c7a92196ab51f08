"""From a module file to a native program: the pipeline, then the toolchain,
with the build cache in front so that a module already built costs nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typing import TYPE_CHECKING, Sequence

from wastrel.backend_c.toolchain import Toolchain, build_program, cache_hit, cached_program, program_key
from wastrel.frontend.load import load_module, read_module
from wastrel.plugins import cache_identity
from wastrel.progress import Progress

if TYPE_CHECKING:
    from wastrel.backend_c.c_print import CModule

# (the passes are imported when a module is compiled: a cached program's
# run needs only its key)


def module_to_c(path: Path, binary: bytes, progress: Progress | None = None, skip: frozenset[str] = frozenset()) -> CModule:
    """The C of the module at `path`, whose binary is `binary` (a text
    module starts the pipeline after `decode`, so that errors point into
    the text, and takes its functions' offsets from the binary: its
    program is the binary's, by the cache key), without the optional
    passes in `skip`."""
    from wastrel.passes.manager import RunOptions, run_pipeline

    options = RunOptions(on_progress=progress.show if progress else None, skip=skip)
    module = load_module(path)
    if module.from_text:
        from dataclasses import replace

        from wastrel.frontend.decode import function_offsets

        module = replace(module, binary_offsets=function_offsets(binary))
    return run_pipeline(module, options, start_after="decode")


def build(path: Path, toolchain: Toolchain, skip: frozenset[str] = frozenset(), settings: Sequence[str] = ()) -> tuple[Path, CModule | None]:
    """The native program for the module at `path`, with the options
    `settings` compiled in, and its C when it had to be generated (None
    when the program came from the cache)."""
    binary = read_module(path)
    key = _program_key(binary, toolchain, skip, settings)
    program = cached_program(key)
    if cache_hit(program):
        return program, None
    progress = Progress()
    try:
        c_module = module_to_c(path, binary, progress, skip)
        return build_program(c_module, key, toolchain, progress, settings), c_module
    finally:
        progress.done()


def _program_key(module_bytes: bytes, toolchain: Toolchain, skip: frozenset[str], settings: Sequence[str] = ()) -> str:
    """The cache key: the module, wastrel's sources and the toolchain, and,
    when the pipeline is not the built-in one (plug-ins, skipped passes) or
    the program has options compiled in, what makes it different."""
    key = program_key(module_bytes, toolchain)
    if identity := cache_identity(skip):
        key = hashlib.sha256(f"{key}\0{identity}".encode()).hexdigest()[:32]
    if settings:
        key = hashlib.sha256("\0".join([key, *settings]).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return key


def public_c(path: Path, prefix: str = "", skip: frozenset[str] = frozenset()) -> tuple[str, str]:
    """The module's C for other people's programs (`compile --emit-c`), and
    its header: its symbols prefixed with `prefix`, its instantiation,
    export table and exported functions public (c_print.ModulePrinter)."""
    from wastrel.backend_c.c_print import ModulePrinter
    from wastrel.passes.manager import RunOptions, build_pipeline, run_pipeline

    names = [p.name for p in build_pipeline(skip=skip)]
    options = RunOptions(stop_after=names[names.index("c-print") - 1], skip=skip)
    printer = ModulePrinter(run_pipeline(load_module(path), options, start_after="decode"), prefix=prefix, public=True)
    guard = "WASTREL_" + "".join(c if c.isalnum() else "_" for c in (prefix.rstrip("_") or path.stem)).upper() + "_H"
    return str(printer.c_module()), printer.header(guard)
