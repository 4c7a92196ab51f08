"""Plug-in passes: Python files and installed packages that declare passes.

A plug-in declares its passes exactly as the built-in passes do, with
`declare_pass` or `declare_rewrite` from `wastrel.passes.framework` (the
stable API), and the pass manager places them by their declarations.  A
student's constant folder on the flushed language is a handful of lines
(`examples/passes/fold_i32_add.py`):

    @declare_rewrite("fold-i32-add", "flushed", requires="fold-temps")
    class FoldI32Add(Rewriter):
        def leave_Op(self, op): ...   # the i32.add of two constants -> a constant

Two ways in:

* `--plugin FILE.py` (repeatable) on `wastrel run`, `wastrel compile` and
  `wastrel-passes`: the file is imported, in command-line order.
* Installed packages, through the entry-point group `wastrel.passes`:
  each entry point names a module whose import declares passes
  (`[project.entry-points."wastrel.passes"] fold = "my_course.fold"`).
  `wastrel run`, `compile` and `wastrel-passes` load them always, before
  the files, in the order of their names, unless
  $WASTREL_DISABLE_PLUGIN_AUTOLOAD is set: installing a package is the
  choice (as with pytest's plug-ins), `--list` shows them, marked with
  their file, and the cache key includes them.  `wastrel wast` runs the
  built-in pipeline.

A plug-in that cannot be imported, or declares a name that is taken, is
one line naming its file and line (exit status 2).  `--skip PASS`
(repeatable) turns off an optional pass.  A build's cache key includes the
plug-ins' sources and the skipped passes (`cache_identity`): a changed
plug-in never reuses a program built with the old one.  (A module a plug-in
imports is not part of the key: keep a plug-in in one file.)
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import sys
import sysconfig
import traceback
from dataclasses import replace
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Callable

# (the pass framework and manager are imported when a plug-in is used:
# a command without plug-ins starts without them, see cli.py)

ENTRY_POINT_GROUP = "wastrel.passes"
AUTOLOAD_OFF = "WASTREL_DISABLE_PLUGIN_AUTOLOAD"
#: Frames in these directories are not where a plug-in went wrong.
NOT_PLUGINS = (Path(__file__).resolve().parent, Path(sysconfig.get_paths()["stdlib"]).resolve())


_LOADED: list[str] = []  # the plug-ins loaded, as their labels


class PluginError(Exception):
    """A plug-in that cannot be used, or a pipeline it breaks: one line."""


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE.py", help="load the passes this file declares (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="PASS", help="turn off an optional pass (repeatable)")


def configure(args: argparse.Namespace) -> frozenset[str]:
    """Loads the installed plug-ins and `args.plugin`, checks that the
    pipeline they make without `args.skip` holds together, and returns the
    passes to skip.  Raises PluginError."""
    installed = [] if os.environ.get(AUTOLOAD_OFF) else sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value))
    if not installed and not args.plugin and not args.skip:
        return frozenset()  # the built-in pipeline, whose passes need not be loaded yet
    from wastrel.passes.manager import PipelineError, build_pipeline

    for entry_point in installed:
        load_entry_point(entry_point)
    for name in args.plugin:
        load_file(Path(name))
    skip = frozenset(args.skip)
    try:
        build_pipeline(skip=skip)
    except PipelineError as e:
        raise PluginError(str(e)) from None
    return skip


def load_file(path: Path) -> None:
    """Imports a plug-in file; the passes it declares are marked as its own."""
    if not path.is_file():
        raise PluginError(f"{path}: {'not a file' if path.exists() else 'no such file'} (for --plugin)")
    module_name = f"wastrel_plugin_{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path}: not a Python file (for --plugin)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    loader = spec.loader
    _declaring(str(path), lambda: loader.exec_module(module))


def load_entry_point(entry_point: EntryPoint) -> None:
    """Imports an installed plug-in's module (its passes are marked with
    the module's file)."""
    module_name = entry_point.value.split(":")[0].strip()
    label = f"entry point {entry_point.name} = {entry_point.value}"
    _declaring(label, entry_point.load, lambda: getattr(sys.modules.get(module_name), "__file__", None) or label)


def _declaring(label: str, load: Callable[[], object], origin: Callable[[], str] | None = None) -> None:
    """Runs `load`; the passes it declares get its origin; any failure is
    a PluginError naming the file and line."""
    from wastrel.passes.framework import PASSES

    _LOADED.append(label)
    before = set(PASSES)
    try:
        load()
    except Exception as e:  # a plug-in may fail in any way: say where, in one line
        raise PluginError(f"{_location(e, label)}: {_reason(e)}") from None
    where = origin() if origin else label
    for name in [name for name in PASSES if name not in before]:
        PASSES[name] = replace(PASSES[name], origin=where)


def _location(error: Exception, label: str) -> str:
    """file:line of the error: a syntax error's own, else the innermost
    frame outside wastrel and the import machinery."""
    if isinstance(error, SyntaxError) and error.filename:
        return f"{error.filename}:{error.lineno}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if _foreign(f.filename)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else label


def _foreign(filename: str) -> bool:
    return not filename.startswith("<") and not any(Path(filename).resolve().is_relative_to(d) for d in NOT_PLUGINS)


def _reason(error: Exception) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg}"
    from wastrel.passes.framework import PassDeclarationError

    text = (str(error).splitlines() or [""])[0]
    return text if isinstance(error, PassDeclarationError) else f"cannot load plugin: {type(error).__name__}: {text}"


def cache_identity(skip: frozenset[str]) -> str:
    """What the generated C depends on besides the module and wastrel's own
    sources: the pipeline's passes in order, each plug-in's source (not
    its path), the skipped passes.  Empty for the built-in pipeline."""
    if not skip and not _LOADED:
        return ""
    from wastrel.passes.manager import build_pipeline

    pipeline = build_pipeline(skip=skip)
    origins = list(dict.fromkeys(p.origin for p in pipeline if p.origin is not None))
    if not origins and not skip:
        return ""
    digest = hashlib.sha256()
    for part in [*(p.name for p in pipeline), "skip", *sorted(skip), "sources"]:
        digest.update(part.encode() + b"\0")
    for origin in origins:
        path = Path(origin)
        digest.update((path.read_bytes() if path.is_file() else origin.encode()) + b"\0")
    return digest.hexdigest()
