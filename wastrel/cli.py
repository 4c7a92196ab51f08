"""The command lines: `wastrel` (run, compile) and `wastrel-passes`.

Every failure the user can cause ends in one line on stderr and a non-zero
exit status, never a traceback: 1 for a bad module, a failed link or a
failed C build, 2 for a command-line mistake, 70 for an internal error
(which names the pass).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import Callable

from wastrel import __version__
from wastrel.backend_c.linking import LinkError
from wastrel.backend_c.toolchain import RUNTIME_DIR, BuildError, Toolchain, write_atomically
from wastrel.deep import run_deep
from wastrel.frontend.errors import WasmError
from wastrel.frontend.encode import encode_module
from wastrel.frontend.load import load_module, with_text_position
from wastrel.frontend.validate import validate_module
from wastrel.ir.languages import LANGUAGES
from wastrel.passes.framework import PassInfo
from wastrel.passes.manager import InternalError, PipelineError, RunOptions, build_pipeline, format_ir, run_pipeline
from wastrel.plugins import PluginError, add_options as add_plugin_options, configure as configure_plugins


def _fail(message: str, status: int = 1) -> int:
    print(f"wastrel: {message}", file=sys.stderr)
    return status


class OutputError(Exception):
    """A file or directory the user named for output that cannot be written."""


def _check_output(option: str, name: str, directory: bool = False) -> Path:
    """The path of an output the user named with `option`, checked before
    any work is done: a file (or, with `directory`, a directory) in a
    directory that exists.  Nothing is created on the way."""
    kind = "directory" if directory else "file"
    if not name:
        raise OutputError(f"{option}: an empty name (it names the {kind} to write)")
    path = Path(name)
    if directory:
        if not path.is_dir():
            raise OutputError(f"{name}: {'not a directory' if path.exists() else 'no such directory'} (for {option})")
        return path
    if path.is_dir() or name.endswith("/"):
        raise OutputError(f"{name}: {'is' if path.is_dir() else 'names'} a directory ({option} names the file to write)")
    if not path.parent.is_dir():
        why = "not a directory" if path.parent.exists() else "no such directory"
        raise OutputError(f"{name}: {why}: {path.parent} (for {option})")
    return path


def _write_output(option: str, name: str, data: bytes, mode: int = 0o644) -> None:
    """Write an output the user named, atomically: the one way every command
    writes one.  An error is one line naming the user's path."""
    path = _check_output(option, name)
    try:
        write_atomically(path, data, mode)
    except OSError as e:
        raise OutputError(f"{name}: cannot write: {e.strerror}") from None


def _guarded(path: str, action: Callable[[], int]) -> int:
    try:
        return action()
    except OutputError as e:
        return _fail(str(e))
    except WasmError as e:
        return _fail(f"{path}: {with_text_position(e, Path(path))}")
    except (LinkError, BuildError) as e:
        return _fail(f"{path}: {e}")
    except (InternalError, PipelineError) as e:
        if os.environ.get("WASTREL_TRACEBACK"):
            traceback.print_exc()
        return _fail(f"{path}: {e} (WASTREL_TRACEBACK=1 shows where)", 70)
    except OSError as e:
        return _fail(f"{e.filename or path}: {e.strerror}")
    except RecursionError:
        return _fail(f"{path}: nesting too deep for this machine's memory", 1)


def _toolchain(args: argparse.Namespace) -> Toolchain:
    jobs = getattr(args, "jobs", None) or os.cpu_count() or 1
    return Toolchain(cc=args.cc or os.environ.get("CC") or "cc", opt=f"-O{args.opt}", jobs=jobs)


def _add_build_options(p: argparse.ArgumentParser, jobs: bool = True) -> None:
    p.add_argument("--cc", help="C compiler, maybe with a wrapper: 'distcc gcc' (default: $CC, else cc)")
    if jobs:
        p.add_argument("-j", "--jobs", type=int, help="C units compiled at once (default: the number of cores)")
    p.add_argument("-O", dest="opt", default="2", choices=["0", "1", "2", "3", "s"], help="C optimisation level (default 2)")


def _plugins(args: argparse.Namespace) -> frozenset[str] | None:
    """Loads the plug-ins (installed ones and --plugin) and checks --skip:
    the passes to skip, or None once the reason they cannot be used is said."""
    try:
        return configure_plugins(args)
    except PluginError as e:
        _fail(str(e), 2)
        return None


# -- wastrel ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    return run_deep(_main, argv)


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="wastrel", description="Run WebAssembly modules as native programs, through C.")
    parser.add_argument("--version", action="version", version=f"wastrel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="compile (cached) and run a module")
    for flag, text in (("--dir", "preopen a host directory for the guest (as GUEST)"), ("--dir-ro", "the same, read-only")):
        run.add_argument(flag, dest="preopens", action="append", default=[], type=lambda spec, flag=flag: (flag, spec), metavar="HOST[::GUEST]", help=text)
    run.add_argument("--sandbox", choices=["namespace", "beneath"], help="how the filesystem is confined (default: namespace)")
    run.add_argument("--env", action="append", default=[], metavar="K=V", help="set a guest environment variable")
    run.add_argument("--invoke", metavar="NAME", help="call this export with ARGS and print its results")
    run.add_argument("--bench-time", action="store_true", help="print the time between bench.start and bench.end on stderr")
    _add_build_options(run)
    add_plugin_options(run)
    run.add_argument("module", help=".wasm or .wat file")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the program")

    compile_ = commands.add_parser("compile", help="compile a module to a native program")
    compile_.add_argument("module")
    compile_.add_argument("-o", dest="output", required=True, help="the program to write")
    compile_.add_argument("--emit-c", metavar="DIR", help="also write the generated C (and runtime headers) here")
    _add_build_options(compile_)
    add_plugin_options(compile_)

    wast = commands.add_parser("wast", help="run WebAssembly spec scripts (.wast)")
    wast.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="scripts, or directories of them")
    wast.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    wast.add_argument("-j", "--jobs", type=int, help="scripts run at once (default: the number of cores)")
    _add_build_options(wast, jobs=False)

    args = parser.parse_args(argv)
    if args.command == "wast":
        return _wast(args)
    if (skip := _plugins(args)) is None:
        return 2
    if args.command == "run":
        return _guarded(args.module, lambda: _run(args, skip))
    return _guarded(args.module, lambda: _compile(args, skip))


def _run(args: argparse.Namespace, skip: frozenset[str]) -> int:
    from wastrel.driver import build

    for pair in args.env:
        if "=" not in pair:
            return _fail(f"--env expects K=V, got {pair!r}", 2)
    program, _ = build(Path(args.module), _toolchain(args), skip)
    argv = [str(program), "--argv0", os.path.basename(args.module)]
    for flag, spec in args.preopens:  # in order: they become descriptors 3, 4, ...
        argv += [flag, spec]
    if args.sandbox:
        argv.append(f"--sandbox={args.sandbox}")
    for pair in args.env:
        argv += ["--env", pair]
    if args.invoke:
        argv += ["--invoke", args.invoke]
    if args.bench_time:
        argv.append("--bench-time")
    guest_args = args.args[1:] if args.args[:1] == ["--"] else args.args
    argv += ["--", *guest_args]
    sys.stdout.flush()
    os.execv(str(program), argv)
    return 0  # not reached


def _compile(args: argparse.Namespace, skip: frozenset[str]) -> int:
    from wastrel.driver import build, module_to_c

    _check_output("-o", args.output)
    if args.emit_c is not None:
        _check_output("--emit-c", args.emit_c, directory=True)
    program, c_source = build(Path(args.module), _toolchain(args), skip)
    _write_output("-o", args.output, program.read_bytes(), 0o755)
    if args.emit_c is not None:
        if c_source is None:
            c_source = module_to_c(Path(args.module), skip=skip)
        c_source = str(c_source)
        out = Path(args.emit_c)
        _write_output("--emit-c", str(out / (Path(args.module).stem + ".c")), c_source.encode())
        for header in ("wastrel.h", "wastrel_ops.h", "wasi.h", "bench.h"):  # wastrel.h includes the others
            _write_output("--emit-c", str(out / header), (RUNTIME_DIR / header).read_bytes())
    return 0


def _wast(args: argparse.Namespace) -> int:
    from wastrel.wast.report import json_report, text_report
    from wastrel.wast.runner import run_scripts

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            return _fail(f"{path}: No such file or directory")
    try:
        if args.json is not None:
            _check_output("--json", args.json)
        results = run_scripts(paths, _toolchain(args), args.jobs)
        print(text_report(results))
        if args.json is not None:
            _write_output("--json", args.json, json_report(results).encode())
    except OutputError as e:
        return _fail(str(e))
    return 1 if any(r.failed for r in results) else 0


# -- wastrel-passes -------------------------------------------------------------


def _summary(doc: str) -> str:
    """The first line of a pass's prose (after its `pass: ...` header)."""
    for line in doc.splitlines():
        if line.strip() and not line.startswith("pass:"):
            return line.strip()
    return ""


def _plugin_mark(p: PassInfo) -> str:
    return f"[plugin {p.origin}] " if p.origin else ""


def passes_main(argv: list[str] | None = None) -> int:
    return run_deep(_passes_main, argv)


def _passes_main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="wastrel-passes", description="Show wastrel's pass pipeline and the program in each intermediate language."
    )
    parser.add_argument("--list", action="store_true", help="list the passes in pipeline order")
    parser.add_argument("--describe-language", metavar="NAME", help="print a language's grammar and what it changes")
    parser.add_argument("--dump-after", action="append", default=[], metavar="PASS", help="print the program after PASS ('all': after every pass)")
    parser.add_argument("--dump-before", action="append", default=[], metavar="PASS", help="print the program before PASS")
    parser.add_argument("--stop-after", metavar="PASS", help="stop the pipeline after PASS")
    parser.add_argument("--check", action="store_true", help="check each pass's output against its language")
    parser.add_argument("--time-passes", action="store_true", help="print each pass's run time on stderr")
    parser.add_argument("--emit-wasm", metavar="FILE", help="write the (validated) module in the binary format, e.g. to turn .wat into .wasm")
    add_plugin_options(parser)
    parser.add_argument("module", nargs="?", help=".wasm or .wat file")
    args = parser.parse_args(argv)

    if (skip := _plugins(args)) is None:
        return 2
    pipeline = build_pipeline(skip=skip)
    names = [p.name for p in pipeline]
    if args.list:
        width = max(len(p.name) for p in pipeline)
        for p in pipeline:
            print(f"{p.name:{width}} {p.takes:>8} -> {p.gives:<8} {_plugin_mark(p)}{_summary(p.doc)}")
        return 0
    if args.describe_language:
        language = LANGUAGES.get(args.describe_language)
        if language is None:
            return _fail(f"unknown language {args.describe_language!r}; languages: {', '.join(LANGUAGES)}", 2)
        print(language.describe())
        return 0
    for name in [*args.dump_after, *args.dump_before, *([args.stop_after] if args.stop_after else [])]:
        if name != "all" and name not in names:
            return _fail(f"unknown pass {name!r}; passes: {', '.join(names)}", 2)
    if not args.module:
        return _fail("a module is needed (or --list / --describe-language)", 2)

    def dump(title: str, text: str) -> None:
        print(f";; {title}")
        print(text.rstrip("\n"))
        print()

    timings: list[tuple[str, float]] = []
    options = RunOptions(
        stop_after=args.stop_after,
        dump_before=set(args.dump_before),
        dump_after=set(args.dump_after),
        check=args.check,
        on_dump=dump,
        timings=timings,
        skip=skip,
    )

    def go() -> int:
        if args.emit_wasm is not None:
            _check_output("--emit-wasm", args.emit_wasm)
            module = load_module(Path(args.module))
            validate_module(module)
            _write_output("--emit-wasm", args.emit_wasm, encode_module(module))
            if not (args.dump_after or args.dump_before or args.stop_after or args.check):
                return 0
        module = load_module(Path(args.module))
        if {"decode", "all"} & set(args.dump_after):  # a text module is read, not decoded
            dump("after decode (wasm)", format_ir(module))
        if args.stop_after != "decode":
            run_pipeline(module, options, start_after="decode")
        if args.time_passes:
            for name, seconds in timings:
                print(f"{name:18} {seconds * 1000:9.1f} ms", file=sys.stderr)
        return 0

    return _guarded(args.module, go)
