"""`wastrel wast`: runs spec scripts.

Each script is read (`frontend.text.wast.read_script`), its commands are
fed in order to a `ScriptBuild` -- which checks malformed, invalid and
unlinkable modules in Python and turns everything that runs code into
harness steps -- and the script's one C program is compiled and run.
Scripts run in parallel, one process each.

A module that needs a feature wastrel lacks (the decoder, text reader or
validator says "unsupported feature: ...") is skipped, with what depends
on it (see `build`), the feature named; a script the text reader cannot
read at all is skipped whole.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from wastrel.backend_c.toolchain import BuildError, Toolchain
from wastrel.collector import collector_paused
from wastrel.frontend.errors import WasmError
from wastrel.frontend.text import script as sc
from wastrel.frontend.text.wast import read_script
from wastrel.ir.wasm import Module
from wastrel.wast.build import ScriptBuild
from wastrel.wast.execute import run_harness
from wastrel.wast.harness import Expected, Value
from wastrel.wast.report import ScriptResult


def find_scripts(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.wast")) if path.is_dir() else [path]
    return found


def run_scripts(paths: list[Path], toolchain: Toolchain, jobs: int | None = None) -> list[ScriptResult]:
    scripts = find_scripts(paths)
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(scripts) == 1:
        return [run_script(p, toolchain) for p in scripts]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_script, scripts, [toolchain] * len(scripts)))


def run_script(path: Path, toolchain: Toolchain) -> ScriptResult:
    try:
        with collector_paused():
            return _run_script(path, toolchain)
    except Exception as e:  # one script's internal error must not stop the others
        result = ScriptResult(str(path), failed=1)
        result.failures.append((0, f"internal error: {type(e).__name__}: {e}"))
        return result


def _run_script(path: Path, toolchain: Toolchain) -> ScriptResult:
    result = ScriptResult(str(path))
    text = path.read_bytes()
    try:
        commands = read_script(text)
    except WasmError as e:
        if e.kind == "unsupported":  # count the commands roughly: the script could not be read
            result.skipped = max(1, text.count(b"(assert_") + text.count(b"(module"))
            result.skip_reason = e.message.removeprefix("unsupported feature: ")
        else:
            result.failed = 1
            result.failures.append((getattr(e, "line", None) or 0, f"cannot read the script: {e}"))
        return result
    build = ScriptBuild(path.name)
    for command in commands:
        _feed(build, command)
    for outcome in build.decided:
        if outcome.passed:
            result.passed += 1
        else:
            result.failed += 1
            result.failures.append((outcome.line, outcome.message))
    result.skipped += len(build.skipped)
    result.skip_reason = "; ".join(sorted({why for _, why in build.skipped}))
    if build.steps:
        try:
            run = run_harness(build.c_source(), toolchain)
        except BuildError as e:
            result.failed += len(build.steps)
            result.failures.append((0, str(e)))
            return result
        result.passed += run.passed
        result.failed += len(run.failures)
        result.failures += run.failures
        if run.crashed:
            unrun = len(build.steps) - run.passed - len(run.failures)
            result.failed += max(unrun, 1)
            result.failures.append((0, run.crashed))
    return result


# -- commands -> the build -------------------------------------------------------------


def _feed(build: ScriptBuild, command: sc.Command) -> None:
    line = command.line
    match command:
        case sc.ModuleCommand(name=name, source=source, is_definition=True):
            build.define(name, source.load)
        case sc.ModuleCommand(name=name, source=source):
            build.module(line, source.load, name)
        case sc.ModuleInstance(name=name, definition=definition):
            build.module(line, build.definition(definition), name)
        case sc.Register(as_name=as_name, module=module):
            build.register(as_name, module)
        case sc.Invoke() | sc.Get():
            _action(build, line, command, "O_ANY")
        case sc.AssertReturn(action=action, expected=expected):
            _action(build, line, action, "O_RETURN", [_expected(x) for x in expected])
        case sc.AssertTrap(action=action, message=message) | sc.AssertExhaustion(action=action, message=message):
            _action(build, line, action, "O_TRAP", trap=message)
        case sc.AssertException(action=action):
            _action(build, line, action, "O_EXCEPTION")
        case sc.AssertMalformed(module=module) | sc.AssertInvalid(module=module):
            build.rejected(line, module.load, type(command).__name__)
        case sc.AssertMalformedCustom(module=module) | sc.AssertInvalidCustom(module=module):
            build.rejected(line, module.load, type(command).__name__)
        case sc.AssertUnlinkable(module=module, message=message):
            build.unlinkable(line, module.load, message)
        case sc.AssertUninstantiable(module=module, message=message):
            build.module(line, module.load, None, expect_trap=message)


def _action(build: ScriptBuild, line: int, action: sc.Action, outcome: str, results: list[Expected] | None = None, trap: str = "") -> None:
    if isinstance(action, sc.Invoke):
        args = [Value(a.type, a.value) for a in action.args]
        build.action(line, "invoke", action.module, action.field, args, outcome, results, trap)
    else:
        build.action(line, "get", action.module, action.field, [], outcome, results, trap)


def _expected(x: sc.Expected) -> Expected:
    match x:
        case sc.Value(type=t, value=None):
            return Expected(t, "X_REF_NULL")
        case sc.Value(type="externref", value=v):
            return Expected("externref", "X_REF_EXTERN", v or 0)
        case sc.Value(type=t, value=v):
            return Expected(t, "X_BITS", v or 0)
        case sc.NanPattern(type=t, kind=kind):
            return Expected(t, "X_NAN_CANONICAL" if kind == "canonical" else "X_NAN_ARITHMETIC")
        case sc.GcPattern(head=head):  # (ref.i31), (ref.struct), ...: a non-null reference of that kind
            return Expected("anyref", "X_REF_" + head.removeprefix("ref.").upper())
        case sc.RefPattern(type=t, null=null):
            return Expected(t or "funcref", "X_REF_NULL" if null else "X_REF_NONNULL")
        case sc.V128Pattern(shape=shape, lanes=lanes):
            lane_type = shape[0] + ("64" if shape.endswith("x2") else "32")  # i8x16 lanes: i32s of 8 bits
            lane_bits = 128 // len(lanes)
            parts = tuple(_expected(sc.Value(lane_type, lane & (1 << lane_bits) - 1) if isinstance(lane, int) else lane) for lane in lanes)
            return Expected("v128", "X_LANES", parts=parts, lane_bits=lane_bits)
        case sc.Either(options=options):
            parts = tuple(_expected(option) for option in options)
            return Expected(parts[0].type, "X_EITHER", parts=parts)
    raise TypeError(f"unexpected result pattern {x!r}")


Loader = Callable[[], Module]
