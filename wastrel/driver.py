"""From a module file to a native program: the pipeline, then the toolchain,
with the build cache in front so that a module already built costs nothing."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from pathlib import Path

from typing import TYPE_CHECKING, Iterator, Sequence

from wastrel.backend_c.toolchain import Toolchain, build_program, cache_hit, cached_program, program_key
from wastrel.frontend.load import load_module, read_module
from wastrel.plugins import cache_identity
from wastrel.progress import Progress

if TYPE_CHECKING:
    from wastrel.backend_c.c_print import CModule
    from wastrel.ir.wasm import Module

# (the passes are imported when a module is compiled: a cached program's
# run needs only its key)


def module_to_c(module: Module, progress: Progress | None = None, skip: frozenset[str] = frozenset()) -> CModule:
    """The C of `module` (as `_load` gives it), without the optional
    passes in `skip`."""
    from wastrel.passes.manager import RunOptions, run_pipeline

    options = RunOptions(on_progress=progress.show if progress else None, skip=skip)
    return run_pipeline(module, options, start_after="decode")


def _load(path: Path, binary: bytes, progress: Progress | None = None) -> Module:
    """The module at `path` for the pipeline after `decode` (a text module
    is read as text, so that errors point into it, and takes its
    functions' offsets from `binary`: its program is the binary's, by the
    cache key)."""
    decoded = (lambda done, total: progress.show(f"decode: {done}/{total} functions")) if progress else None
    module = load_module(path, decoded)
    if module.from_text:
        from wastrel.frontend.decode import function_offsets

        module = replace(module, binary_offsets=function_offsets(binary))
    return module


def build(path: Path, toolchain: Toolchain, skip: frozenset[str] = frozenset(), settings: Sequence[str] = ()) -> Path:
    """The native program for the module at `path`, with the options
    `settings` compiled in: from the cache, or built.  A big module is
    translated and compiled part by part (`build_in_parts`)."""
    binary = read_module(path)
    key = _program_key(binary, toolchain, skip, settings)
    program = cached_program(key)
    if cache_hit(program):
        return program
    progress = Progress()
    try:
        module = _load(path, binary, progress)
        built = build_in_parts(module, key, toolchain, progress, skip, settings)
        if built is not None:
            return built
        return build_program(module_to_c(module, progress, skip), key, toolchain, progress, settings)
    finally:
        progress.done()


#: About how many bytes of C one Wasm instruction becomes (graphviz: 11.7, ed25519: 6.9).
C_BYTES_PER_INSTRUCTION = 10


def build_in_parts(module: Module, key: str, toolchain: Toolchain, progress: Progress, skip: frozenset[str], settings: Sequence[str]) -> Path | None:
    """The program of a big module, its functions translated a part at a
    time, each part's C compiled (as a unit) while the next part is
    translated; None for a module that may still fit one file (one file
    compiles to faster code: gcc inlines across all of it, ed25519's
    1,285 calls of __multi3 among them), or when a pass between the tree
    and C is not local (`manager.run_in_parts`).  Parts end after a
    function whose shape hashes to a mark (as `CModule.units` does with
    C text), so that a change to one function leaves the other units as
    they were (and cached)."""
    from wastrel.backend_c.c_print import ModulePrinter
    from wastrel.backend_c.toolchain import UnitBuild, unit_bytes
    from wastrel.passes.manager import RunOptions, run_in_parts

    per_unit = max(1, unit_bytes() // C_BYTES_PER_INSTRUCTION)  # instructions
    if sum(len(f.body) for f in module.funcs) <= 2 * per_unit:  # maybe one file (CModule.units decides)
        return None

    def parts(wasm: Module) -> Iterator[range]:  # the module as the whole-module passes leave it
        start = size = 0
        for k, code in enumerate(wasm.funcs):
            size += len(code.body)
            mark = zlib.crc32(f"{len(code.body)} {code.type_index} {code.locals}".encode()) % 8 == 0
            if size >= per_unit * 2 or (size >= per_unit // 2 and mark):
                yield range(start, k + 1)
                start, size = k + 1, 0
        if start < len(wasm.funcs):
            yield range(start, len(wasm.funcs))

    # (the progress callback is the UnitBuild's, made below: nothing runs before the loop)
    options = RunOptions(on_progress=lambda text: unit_build.translated(text), skip=skip)
    translated = run_in_parts(module, parts, options, start_after="decode")
    if translated is None:
        return None
    with UnitBuild(key, toolchain, progress, settings) as unit_build:
        printer: ModulePrinter | None = None
        for program in translated:
            if printer is None:
                printer = ModulePrinter(replace(program, funcs=()))
                unit_build.start(printer.unit_header())
            unit_build.add(printer.function_unit(program.funcs))
        assert printer is not None
        return unit_build.finish(printer.instance_unit())


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
