"""The command lines: `wastrel` (run, compile) and `wastrel-passes`.

Every failure the user can cause ends in one line on stderr and a non-zero
exit status, never a traceback: 1 for a bad module, a failed link or a
failed C build, 2 for a command-line mistake, 70 for an internal error
(which names the pass).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from wastrel import __version__
from wastrel.backend_c.toolchain import RUNTIME_DIR, BuildError, Toolchain, write_atomically
from wastrel.deep import run_deep
from wastrel.frontend.errors import WasmError
from wastrel.frontend.load import load_module, with_text_position
from wastrel.plugins import PluginError, add_options as add_plugin_options, configure as configure_plugins

if TYPE_CHECKING:
    from wastrel.ir.wasm import Module
    from wastrel.passes.framework import PassInfo
    from wastrel.passes.manager import RunOptions

# The compiler's passes, the validator and the encoder are imported where
# they are used: `wastrel --version` and the run of a program already in
# the cache start without them (about 0.1 s instead of 0.6).


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


class _Never(Exception):
    """Stands for an error class of a module not loaded: nothing raised it."""


def _loaded(module: str, *names: str) -> tuple[type[BaseException], ...]:
    """Error classes of `module` if it has been imported (else nothing of
    it can have raised them)."""
    loaded = sys.modules.get(module)
    return tuple(getattr(loaded, name) for name in names) if loaded else (_Never,)


def _guarded(path: str, action: Callable[[], int]) -> int:
    try:
        return action()
    except OutputError as e:
        return _fail(str(e))
    except WasmError as e:
        return _fail(f"{path}: {with_text_position(e, _STDIN_COPY[0] if path == '-' and _STDIN_COPY else Path(path))}")
    except (*_loaded("wastrel.backend_c.linking", "LinkError"), BuildError) as e:
        return _fail(f"{path}: {e}")
    except _loaded("wastrel.passes.manager", "InternalError", "PipelineError") as e:
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
    _add_program_options(run, argv0="the module's file name")
    _add_build_options(run)
    add_plugin_options(run)
    run.add_argument("module", help=".wasm or .wat file ('-': read it from standard input)")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the program")

    compile_ = commands.add_parser(
        "compile",
        help="compile a module to a native program",
        description="Compile a module to a native program.  The program passes all its arguments to the guest; "
        "its own options (--dir to --bench-time) are compiled into it, and more come from the environment "
        "variable WASTREL_OPTIONS (the same options, in shell syntax) when it runs.",
    )
    _add_program_options(compile_, argv0="the program's file name")
    compile_.add_argument("module")
    compile_.add_argument("-o", dest="output", required=True, help="the program to write")
    compile_.add_argument("--emit-c", metavar="DIR", help="also write the module's C, its header and the runtime's sources here (DIR/BUILD says how to build them with cc)")
    compile_.add_argument("--prefix", metavar="NAME", default="", help="with --emit-c: start the module's C symbols with NAME_, so that several modules link into one program")
    _add_build_options(compile_)
    add_plugin_options(compile_)

    wast = commands.add_parser("wast", help="run WebAssembly spec scripts (.wast)")
    wast.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="scripts, or directories of them")
    wast.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    wast.add_argument("-j", "--jobs", type=int, help="scripts run at once (default: the number of cores)")
    _add_build_options(wast, jobs=False)

    cache = commands.add_parser("cache", help="show the build cache, or clean it")
    cache.add_argument("--clean", action="store_true", help="remove everything in it")
    cache.add_argument("--max-size", metavar="SIZE", help="remove the least recently used entries until it holds at most SIZE (4G, 500M, ...)")

    args = parser.parse_args(_with_command(sys.argv[1:] if argv is None else argv))
    if args.command == "cache":
        return _cache(args)
    if args.command == "wast":
        return _wast(args)
    if (skip := _plugins(args)) is None:
        return 2
    if args.command == "run":
        return _guarded(args.module, lambda: _run(args, skip))
    return _guarded(args.module, lambda: _compile(args, skip))


COMMANDS = ("run", "compile", "wast", "cache")


def _with_command(argv: list[str]) -> list[str]:
    """`wastrel MODULE ARGS` is `wastrel run MODULE ARGS`, as with wasmtime
    (also with run's options first: `wastrel --dir . m.wasm`)."""
    if not argv or argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"):
        return argv
    return ["run", *argv]


def _add_program_options(parser: argparse.ArgumentParser, argv0: str) -> None:
    """The options of a compiled program's main (runtime/main.c)."""
    for flag, text in (("--dir", "preopen a host directory for the guest (as GUEST)"), ("--dir-ro", "the same, read-only")):
        parser.add_argument(flag, dest="preopens", action="append", default=[], type=lambda spec, flag=flag: (flag, spec), metavar="HOST[::GUEST]", help=text)
    parser.add_argument("--sandbox", choices=["namespace", "beneath"], help="how the filesystem is confined (default: namespace)")
    parser.add_argument("--env", action="append", default=[], metavar="K[=V]", help="set a guest environment variable (K alone: the host's value)")
    parser.add_argument("--argv0", metavar="NAME", help=f"the guest's argv[0] (default: {argv0})")
    parser.add_argument("--invoke", metavar="NAME", help="call this export with ARGS and print its results")
    parser.add_argument("--bench-time", action="store_true", help="print the time between bench.start and bench.end on stderr")


class _BadOption(Exception):
    pass


def _program_settings(args: argparse.Namespace) -> list[str]:
    """The program options in `args`, as words for the program's main
    (compiled in, or in WASTREL_OPTIONS)."""
    settings = [] if args.argv0 is None else ["--argv0", args.argv0]
    for flag, spec in args.preopens:  # in order: they become descriptors 3, 4, ...
        settings += [flag, spec]
    if args.sandbox:
        settings.append(f"--sandbox={args.sandbox}")
    for pair in args.env:  # K=V, or K alone: the host's value, if it has one (wasmtime's --env K)
        if not pair or pair.startswith("="):
            raise _BadOption(f"--env expects K=V or K, got {pair!r}")
        settings += ["--env", pair]
    if args.invoke:
        settings += ["--invoke", args.invoke]
    if args.bench_time:
        settings.append("--bench-time")
    return settings


def _run(args: argparse.Namespace, skip: frozenset[str]) -> int:
    """Builds the program (cached) and becomes it: the options reach it in
    WASTREL_OPTIONS (replacing any the caller had), the arguments are the
    guest's."""
    import shlex

    from wastrel.driver import build

    if args.argv0 is None:
        args.argv0 = os.path.basename(args.module)
    try:
        settings = _program_settings(args)
    except _BadOption as e:
        return _fail(str(e), 2)
    module = _module_path(args.module)
    program = build(module, _toolchain(args), skip)
    guest_args = args.args[1:] if args.args[:1] == ["--"] else args.args
    sys.stdout.flush()
    os.execve(str(program), [str(program), *guest_args], {**os.environ, "WASTREL_OPTIONS": shlex.join(settings)})
    return 0  # not reached


_STDIN_COPY: list[Path] = []  # where `-` was kept (_module_path)


def _cache(args: argparse.Namespace) -> int:
    """`wastrel cache`: where it is and what it holds; --clean, --max-size."""
    from wastrel.backend_c.toolchain import CACHE_LIMIT_VARIABLE, cache_dir, cache_entries, cache_limit, parse_size, trim_cache

    if args.clean or args.max_size is not None:
        try:
            limit = 0 if args.clean else parse_size(args.max_size)
        except ValueError as e:
            return _fail(f"--max-size: {e}", 2)
        removed, freed = trim_cache(limit)
        print(f"removed {removed} entries, {_size(freed)}")
        return 0
    entries = cache_entries()
    by_kind: dict[str, list[int]] = {}
    for path, size, _ in entries:
        kind = path.relative_to(cache_dir()).parts[0]
        kind = "runtime" if kind.startswith("runtime-") else kind
        by_kind.setdefault(kind, []).append(size)
    print(f"{cache_dir()}: {len(entries)} entries, {_size(sum(size for _, size, _ in entries))} (limit {_size(cache_limit())}, ${CACHE_LIMIT_VARIABLE})")
    for kind, sizes in sorted(by_kind.items()):
        print(f"  {kind}: {len(sizes)}, {_size(sum(sizes))}")
    return 0


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _module_path(name: str) -> Path:
    """The module's file; `-` is standard input, kept in a file of the cache
    named after its contents (.wasm or .wat, by its first bytes)."""
    if name != "-":
        return Path(name)
    import hashlib

    from wastrel.backend_c.toolchain import cache_dir

    data = sys.stdin.buffer.read()
    directory = cache_dir() / "stdin"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (hashlib.sha256(data).hexdigest()[:32] + (".wasm" if data[:4] == b"\0asm" else ".wat"))
    if not path.exists():
        write_atomically(path, data)
    _STDIN_COPY[:] = [path]
    return path


def _compile(args: argparse.Namespace, skip: frozenset[str]) -> int:
    from wastrel.driver import build

    _check_output("-o", args.output)
    if args.emit_c is not None:
        _check_output("--emit-c", args.emit_c, directory=True)
    try:
        settings = _program_settings(args)
    except _BadOption as e:
        return _fail(str(e), 2)
    module = _module_path(args.module)
    program = build(module, _toolchain(args), skip, settings)
    _write_output("-o", args.output, program.read_bytes(), 0o755)
    if args.emit_c is not None:
        _emit_c(args, module, skip, settings)
    return 0


def _emit_c(args: argparse.Namespace, module: Path, skip: frozenset[str], settings: list[str]) -> None:
    """DIR/<module>.c and .h, the runtime's sources in DIR/runtime (its
    main() apart, in DIR/runtime/program), the options compiled in (if
    any) in DIR/settings.c, and DIR/BUILD: the one command that builds them
    with cc alone."""
    from wastrel.backend_c.toolchain import BASE_CFLAGS, LIBS, runtime_sources, settings_source
    from wastrel.driver import public_c

    if args.prefix and not re.fullmatch(r"[A-Za-z_]\w*", args.prefix):
        raise OutputError(f"--prefix: {args.prefix!r} is not a C identifier")
    prefix = args.prefix + "_" if args.prefix else ""
    out = Path(args.emit_c)
    stem = "stdin" if args.module == "-" else Path(args.module).stem
    c_source, header = public_c(module, prefix, skip)
    _write_output("--emit-c", str(out / (stem + ".c")), c_source.encode())
    _write_output("--emit-c", str(out / (stem + ".h")), header.encode())
    if settings:
        _write_output("--emit-c", str(out / "settings.c"), settings_source(settings).encode())
    for directory in (out / "runtime", out / "runtime" / "program"):
        directory.mkdir(exist_ok=True)
    for source in [*runtime_sources(), *RUNTIME_DIR.glob("*.h")]:
        target = out / "runtime" / ("program" if source.name == "main.c" else "") / source.name
        _write_output("--emit-c", str(target), source.read_bytes())
    flags = " ".join(flag for flag in BASE_CFLAGS)
    build = [
        "# Built by wastrel: how to build this C with cc alone (any C11 compiler with GNU extensions: gcc, clang).",
        "# A program of one module (no --prefix), with the runtime's main() (its options in $WASTREL_OPTIONS):",
        f"cc -O2 {flags} -I runtime *.c runtime/*.c runtime/program/main.c -o program {' '.join(LIBS)}",
        "# Modules with --prefix, in a program of your own: your main.c (elsewhere) includes each module's",
        "# header, calls NAME_instantiate() first, then the exports (NAME_fib(30)); a trap ends the program",
        "# with `wasm trap: ...` on stderr, as under wastrel run:",
        f"cc -O2 {flags} -I runtime -I . ../main.c *.c runtime/*.c -o program {' '.join(LIBS)}",
        "",
    ]
    _write_output("--emit-c", str(out / "BUILD"), "\n".join(build).encode())


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


def _import_compiler() -> None:
    """The names wastrel-passes uses throughout (it always needs the
    passes), bound here once rather than in every function."""
    from wastrel.frontend.encode import encode_module
    from wastrel.frontend.validate import validate_module
    from wastrel.ir.languages import LANGUAGES
    from wastrel.passes.manager import InternalError, PipelineError, RunOptions, build_pipeline, run_pipeline

    globals().update(
        encode_module=encode_module, validate_module=validate_module, LANGUAGES=LANGUAGES, InternalError=InternalError,
        PipelineError=PipelineError, RunOptions=RunOptions, build_pipeline=build_pipeline, run_pipeline=run_pipeline,
    )  # fmt: skip


def passes_main(argv: list[str] | None = None) -> int:
    _import_compiler()
    try:
        return run_deep(_passes_main, argv)
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """`wastrel-passes ... | head` has read enough: stop quietly, as a
    program killed by SIGPIPE would (nothing more reaches stdout)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141


PASSES_EPILOG = """\
PASS may also be a language (see --list): the pass that first gives it, e.g.
--dump-after=effects is annotate-effects.  The pipeline stops after the last
pass dumped, unless --check, --time-passes or --print-changed wants it all.
With --function, dumps and diffs show only those functions' code;
module-level parts (imports, types, globals, data, C's prelude and
instantiation) are left out.

examples:
  wastrel-passes --dump-after=effects M.wat
  wastrel-passes --print-changed --function '$fib*' M.wat
  wastrel-passes --graph cfg --function fib --dump-after=tree -o fib.svg M.wat
"""


def _passes_main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="wastrel-passes",
        description="Show wastrel's pass pipeline and the program in each intermediate language.",
        epilog=PASSES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--list", action="store_true", help="list the passes in pipeline order")
    parser.add_argument("--describe-language", metavar="NAME", help="print a language's grammar, what it changes and its effect notation")
    parser.add_argument("--dump-after", action="append", default=[], metavar="PASS", help="print the program after PASS ('all': after every pass)")
    parser.add_argument("--dump-before", action="append", default=[], metavar="PASS", help="print the program before PASS ('all': before every pass)")
    parser.add_argument("--stop-after", metavar="PASS", help="stop the pipeline after PASS")
    parser.add_argument(
        "--function", dest="functions", action="append", default=[], metavar="NAME",
        help="only this function (repeatable): its name ($fib or fib), export name or index, or a shell pattern ('$fib*')",
    )  # fmt: skip
    parser.add_argument("--print-changed", action="store_true", help="after each pass, a diff of each function it changed (a line if none)")
    parser.add_argument(
        "--graph", choices=["pipeline", "cfg", "calls"],
        help="draw the pass pipeline, a function's control-flow graph (after --dump-after/--stop-after PASS; "
        "default: the last pass in c, the C as printed) or the call graph",
    )  # fmt: skip
    parser.add_argument("-o", "--output", metavar="FILE", help="--graph's file: .dot/.gv, or .svg/.png/.pdf drawn by Graphviz (default: DOT on stdout)")
    parser.add_argument("--check", action="store_true", help="check each pass's output against its language")
    parser.add_argument("--time-passes", action="store_true", help="print each pass's run time on stderr")
    parser.add_argument("--emit-wasm", metavar="FILE", help="write the (validated) module in the binary format, e.g. to turn .wat into .wasm")
    add_plugin_options(parser)
    parser.add_argument("module", nargs="?", help=".wasm or .wat file")
    args = parser.parse_args(argv)

    from wastrel.views.dumps import PassViewer
    from wastrel.views.select import ViewError, select_functions

    if (skip := _plugins(args)) is None:
        return 2
    pipeline = build_pipeline(skip=skip)
    if args.list:
        width = max(len(p.name) for p in pipeline)
        for p in pipeline:
            print(f"{p.name:{width}} {p.takes:>8} -> {p.gives:<8} {_plugin_mark(p)}{_summary(p.doc)}")
        return 0
    if args.describe_language:
        return _describe_language(args.describe_language, pipeline)
    try:
        _resolve_pass_options(args, pipeline)
        if args.graph == "pipeline":
            from wastrel.views.graphs import pipeline_graph

            return _write_graph(args.output, pipeline_graph(pipeline))
    except ViewError as e:
        return _fail(str(e), e.status)
    except OutputError as e:
        return _fail(str(e))
    if not args.module:
        return _fail("a module is needed (or --list / --describe-language / --graph pipeline)", 2)

    timings: list[tuple[str, float]] = []
    viewer = PassViewer(set(args.dump_before), set(args.dump_after), print_changed=args.print_changed)
    options = RunOptions(
        stop_after=args.stop_after,
        check=args.check,
        timings=timings,
        before_pass=viewer.before_pass,
        after_pass=viewer.after_pass,
        skip=skip,
    )

    def go() -> int:
        if args.emit_wasm is not None:
            _check_output("--emit-wasm", args.emit_wasm)
            module = load_module(Path(args.module))
            validate_module(module)
            _write_output("--emit-wasm", args.emit_wasm, encode_module(module))
            if not (args.dump_after or args.dump_before or args.stop_after or args.check or args.print_changed or args.graph):
                return 0
        module = load_module(Path(args.module))
        if args.graph:
            return _module_graph(args, module, options)
        viewer.only = select_functions(module, args.functions)
        decode = next(p for p in pipeline if p.name == "decode")  # a text module is read, not decoded
        viewer.before_pass(decode, f"{args.module}: {Path(args.module).stat().st_size} bytes")
        viewer.after_pass(decode, None, module)
        if args.stop_after != "decode":
            run_pipeline(module, options, start_after="decode")
        if args.time_passes:
            for name, seconds in timings:
                print(f"{name:18} {seconds * 1000:9.1f} ms", file=sys.stderr)
        return 0

    def guarded_go() -> int:
        try:
            return go()
        except ViewError as e:
            return _fail(str(e), e.status)
        except BrokenPipeError:
            return _reader_gone()

    return _guarded(args.module, guarded_go)


def _describe_language(name: str, pipeline: list[PassInfo]) -> int:
    from wastrel.ir.languages import describe_language
    from wastrel.views.select import pipeline_languages

    known = pipeline_languages(pipeline) + [language for language in LANGUAGES if language not in pipeline_languages(pipeline)]
    if name not in known:
        return _fail(f"unknown language {name!r}; languages: {', '.join(known)}", 2)
    text = describe_language(name)
    if text is None:
        return _fail(f"language {name!r} has no description (a plug-in's own language)", 2)
    print(text)
    return 0


def _resolve_pass_options(args: argparse.Namespace, pipeline: list[PassInfo]) -> None:
    """Pass options by name or language, checked together; raises ViewError."""
    from wastrel.views.dot import output_format
    from wastrel.views.select import ViewError, resolve_pass

    def resolve(name: str) -> str:
        return name if name == "all" else resolve_pass(name, pipeline)

    args.dump_after = [resolve(name) for name in args.dump_after]
    args.dump_before = [resolve(name) for name in args.dump_before]
    if args.stop_after is not None:
        args.stop_after = resolve_pass(args.stop_after, pipeline)
    if args.output is not None and not args.graph:
        raise ViewError("-o names the file --graph writes")
    if args.graph:
        _resolve_graph_options(args, pipeline)
        if args.output is not None:
            output_format(args.output)
            _check_output("-o", args.output)
    dumped = {*args.dump_after, *args.dump_before}
    if dumped and "all" not in dumped and not (args.stop_after or args.check or args.time_passes or args.print_changed):
        args.stop_after = [p.name for p in pipeline if p.name in dumped][-1]  # nothing later is shown
    if args.functions and not (args.dump_after or args.dump_before or args.print_changed or args.graph in ("cfg", "calls")):
        raise ViewError("--function chooses what --dump-after, --dump-before, --print-changed or --graph cfg/calls show")


def _resolve_graph_options(args: argparse.Namespace, pipeline: list[PassInfo]) -> None:
    from wastrel.views.select import ViewError

    if args.dump_before or args.print_changed:
        raise ViewError(f"--graph {args.graph} draws a picture: --dump-before and --print-changed are for text")
    if args.graph == "pipeline" and args.functions:
        raise ViewError("--graph pipeline draws the passes: --function is for cfg and calls")
    if args.graph != "cfg":
        if args.dump_after or args.stop_after:
            raise ViewError(f"--graph {args.graph}: --dump-after/--stop-after choose the pass for --graph cfg only")
        return
    chosen = {*args.dump_after, *([args.stop_after] if args.stop_after else [])}
    if len(chosen) > 1 or "all" in chosen:
        raise ViewError(f"--graph cfg draws after one pass: {', '.join(sorted(chosen))}")
    args.stop_after = chosen.pop() if chosen else [p.name for p in pipeline if p.gives == "c"][-1]  # the C c-print prints
    args.dump_after = []
    info = next(p for p in pipeline if p.name == args.stop_after)
    if info.gives not in LANGUAGES:
        trees = [p.name for p in pipeline if p.gives in LANGUAGES]
        raise ViewError(f"--graph cfg: {info.name} gives {info.gives}, not a tree language; choose one of {', '.join(trees)}")


def _module_graph(args: argparse.Namespace, module: Module, options: RunOptions) -> int:
    """--graph cfg or calls of the module."""
    from wastrel.views.graphs import call_graph, cfg_graph
    from wastrel.views.select import one_function, select_functions

    validate_module(module)
    if args.graph == "calls":
        return _write_graph(args.output, call_graph(module, select_functions(module, args.functions)))
    chosen = one_function(module, args.functions, "--graph cfg")
    program = run_pipeline(module, options, start_after="decode")
    func = next(f for f in program.funcs if f.index == chosen.index)
    return _write_graph(args.output, cfg_graph(func, program, args.stop_after))


def _write_graph(output: str | None, graph: Any) -> int:
    """The graph as DOT on stdout, or drawn into `output` (by its suffix)."""
    from wastrel.views.dot import output_format, render, to_dot

    text = to_dot(graph)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_output("-o", output, render(text, output_format(output)))
    return 0
