"""The text reader against an independent one (wasm-tools): on the spec
suite, and on random modules.

For each script of the suite whose level in spec-levels.json is "wasm1" or
"wasm2-simd", `read_script` reads it and `wasm-tools json-from-wast` lists
its commands (writing its modules as binaries); the two lists must agree
command by command -- kinds, names, actions, argument and expected values
(so every literal is read as wasm-tools reads it) -- and:

* every text module (including `module quote`) that wasm-tools turns into a
  binary the decoder accepts is elaborated into that very module (offsets
  aside: `without_offsets`), name and custom sections included; where the
  decoder rejects the binary (an invalid module whose block type names a
  missing type), the text reader rejects the text too, and the module is
  not a `module` command's; the text reader may find an `assert_invalid`
  module invalid itself;
* every text module of an `assert_malformed` (always `module quote`) is
  rejected by the text reader;
* every binary module of a `module` command decodes, every one of an
  `assert_malformed` does not.

A check that cannot pass goes in KNOWN_FAILURES with the reason.
`check_script` does all this for one script; test_simd_frontend and
test_memory64_frontend use it for the SIMD, memory64 and multi-memory
scripts.  The suite
is looked for at ../shared/wasm-testsuite from the repository, or where
WASTREL_TESTSUITE says; spec-levels.json sits next to it.

Random modules: `wasm-tools smith` makes Wasm 2.0 modules (no SIMD),
`wasm-tools print` writes them as text (flat or folded, with names and
custom sections), and the text reader must read each text into the module
wasm-tools parses it into.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from wastrel.frontend import WasmError, decode_module
from wastrel.frontend.encode import without_offsets
from wastrel.frontend.text import read_module_text, read_script
from wastrel.frontend.text.script import (
    Action,
    AssertException,
    AssertExhaustion,
    AssertInvalid,
    AssertInvalidCustom,
    AssertMalformed,
    AssertMalformedCustom,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    AssertUnlinkable,
    BinaryModule,
    Command,
    Either,
    Expected,
    Get,
    Invoke,
    ModuleCommand,
    ModuleInstance,
    ModuleSource,
    NanPattern,
    RefPattern,
    Register,
    Value,
)
from wastrel.ir.wasm import Module

REPO = Path(__file__).resolve().parent.parent
WASM_TOOLS = Path(sys.executable).parent / "wasm-tools"  # installed with the venv's Python
SUITE = Path(os.environ.get("WASTREL_TESTSUITE", REPO.parent / "shared" / "wasm-testsuite"))
LEVELS_FILE = SUITE.parent / "spec-levels.json"
LEVELS = ("wasm1", "wasm2-simd")

# (script, line of the module in the script) -> why that check cannot pass.
# Empty: every check passes.
KNOWN_FAILURES: dict[tuple[str, int], str] = {}

MODULE_ASSERTIONS = {
    AssertMalformed: "assert_malformed",
    AssertInvalid: "assert_invalid",
    AssertUnlinkable: "assert_unlinkable",
    AssertUninstantiable: "assert_uninstantiable",
    AssertMalformedCustom: "assert_malformed_custom",
    AssertInvalidCustom: "assert_invalid_custom",
}
ACTION_ASSERTIONS = {AssertTrap: "assert_trap", AssertExhaustion: "assert_exhaustion", AssertException: "assert_exception"}


def _scripts() -> list[str]:
    if not LEVELS_FILE.is_file():
        return []
    levels = json.loads(LEVELS_FILE.read_text())["levels"]
    return sorted(name for name, level in levels.items() if level in LEVELS and (SUITE / name).is_file())


SCRIPTS = _scripts()


def _convert(script: str, out: Path) -> list[dict]:
    """wasm-tools' commands of a script, its modules written as files in `out`."""
    result = subprocess.run(
        [WASM_TOOLS, "json-from-wast", "--output", out / "x.json", "--wasm-dir", out, SUITE / script],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"wasm-tools json-from-wast failed: {result.stderr}"
    return json.loads((out / "x.json").read_text())["commands"]


# -- commands as wasm-tools' JSON says them -------------------------------------------


def _value_json(v: Expected) -> dict:
    if isinstance(v, Value):
        if v.type in ("funcref", "externref"):
            return {"type": v.type, "value": "null" if v.value is None else str(v.value)}
        bits = int(v.type[1:])
        return {"type": v.type, "value": str(v.value % (1 << bits) if v.value is not None else None)}
    if isinstance(v, NanPattern):
        return {"type": v.type, "value": f"nan:{v.kind}"}
    if isinstance(v, RefPattern):
        return {"type": "refnull"} if v.null else {"type": v.type}
    assert isinstance(v, Either)
    return {"type": "either", "values": [_value_json(o) for o in v.options]}


def _unsigned_ints(json_value: object) -> object:
    """wasm-tools' JSON with integer values as unsigned numbers (it writes
    them signed or unsigned, as the script does)."""
    if isinstance(json_value, list):
        return [_unsigned_ints(v) for v in json_value]
    if not isinstance(json_value, dict):
        return json_value
    out = {key: _unsigned_ints(v) for key, v in json_value.items()}
    if out.get("type") in ("i32", "i64") and "value" in out:
        out["value"] = str(int(out["value"]) % (1 << int(out["type"][1:])))
    return out


def _action_json(a: Action) -> dict:
    out: dict = {"type": "invoke" if isinstance(a, Invoke) else "get", "field": a.field}
    if a.module is not None:
        out["module"] = a.module
    if isinstance(a, Invoke):
        out["args"] = [_value_json(v) for v in a.args]
    return out


def _command_json(c: Command) -> dict:
    """The part of wasm-tools' JSON for a command that `read_script` gives too."""
    if isinstance(c, ModuleCommand):
        out = {"type": "module_definition" if c.is_definition else "module"}
        return out | ({"name": c.name} if c.name is not None else {})
    if isinstance(c, ModuleInstance):
        return {"type": "module_instance"}
    if isinstance(c, Register):
        return {"type": "register", "as": c.as_name} | ({"name": c.module} if c.module is not None else {})
    if isinstance(c, (Invoke, Get)):
        return {"type": "action", "action": _action_json(c)}
    if isinstance(c, AssertReturn):
        expected = [_value_json(v) for v in c.expected]
        return {"type": "assert_return", "action": _action_json(c.action), "expected": expected}
    if type(c) in ACTION_ASSERTIONS:
        out = {"type": ACTION_ASSERTIONS[type(c)], "action": _action_json(c.action)}  # type: ignore[union-attr]
        return out | ({"text": c.message} if hasattr(c, "message") else {})
    return {"type": MODULE_ASSERTIONS[type(c)], "text": c.message}  # type: ignore[index, union-attr]


def _module_source(c: Command) -> ModuleSource | None:
    if isinstance(c, ModuleCommand):
        return c.source
    return c.module if type(c) in MODULE_ASSERTIONS else None  # type: ignore[union-attr]


# -- modules ----------------------------------------------------------------------------


def _load(source: ModuleSource) -> Module | WasmError:
    try:
        return source.load()
    except WasmError as err:
        return err


def _reference(command: dict, out: Path) -> Module | WasmError | None:
    """The decoder's module of wasm-tools' binary for a command, if any."""
    filename = command.get("binary_filename") or command.get("filename", "")
    if not filename.endswith(".wasm"):
        return None
    try:
        return decode_module((out / filename).read_bytes())
    except WasmError as err:
        return err


def _check_module(source: ModuleSource, command: dict, out: Path) -> str | None:
    """What is wrong with how the reader takes the module of a command."""
    kind = command["type"]
    ours = _load(source)
    if kind in ("assert_malformed", "assert_malformed_custom"):
        return f"read a malformed module (expected {command['text']!r})" if isinstance(ours, Module) else None
    if isinstance(source, BinaryModule):
        return f"rejected a binary module: {ours}" if kind == "module" and isinstance(ours, WasmError) else None
    reference = _reference(command, out)
    if reference is None:  # wasm-tools rejects the text itself
        return f"read a module wasm-tools rejects ({kind})" if isinstance(ours, Module) and kind == "module" else None
    if isinstance(reference, WasmError):
        if kind == "module":
            return f"wasm-tools' binary of a module does not decode: {reference}"
        return f"read a module whose binary does not decode ({reference})" if isinstance(ours, Module) else None
    if isinstance(ours, WasmError):
        if ours.kind == "invalid" and kind in ("assert_invalid", "assert_invalid_custom"):
            return None  # what the reader checks of validity (a block type, a branch hint's target)
        return f"rejected a module wasm-tools reads: {ours}"
    ours, reference = without_offsets(ours), without_offsets(reference)
    if ours != reference:
        fields = [f for f in Module.__dataclass_fields__ if getattr(ours, f) != getattr(reference, f)]
        return f"differs from wasm-tools' module in {', '.join(fields)}"
    return None


def check_script(
    script: str,
    tmp_path: Path,
    known_failures: dict[tuple[str, int], str],
    their_json: Callable[[object], object] = _unsigned_ints,
) -> None:
    """Read `script` and check it, command by command and module by module,
    against wasm-tools (see the module docstring); `known_failures` gives the
    checks that cannot pass, by (script, line); `their_json` puts wasm-tools'
    JSON of a command in the form of `_command_json`."""
    reference = _convert(script, tmp_path)
    commands = read_script((SUITE / script).read_bytes())
    assert len(commands) == len(reference), "read_script and wasm-tools see different numbers of commands"
    failures, known, fixed = [], [], []
    for ours, theirs in zip(commands, reference, strict=True):
        where = f"line {theirs['line']}"
        expected = {key: their_json(theirs[key]) for key in _command_json(ours) if key in theirs}
        if _command_json(ours) != expected:
            failures.append(f"{where}: read as {_command_json(ours)}, wasm-tools says {expected}")
            continue
        source = _module_source(ours)
        problem = _check_module(source, theirs, tmp_path) if source is not None else None
        reason = known_failures.get((script, theirs["line"]))
        if problem and reason:
            known.append(f"{where}: {reason}")
        elif problem:
            failures.append(f"{where}: {problem}")
        elif reason:
            fixed.append(f"{where}: passes now, remove it from KNOWN_FAILURES")
    assert not failures + fixed, "\n".join(failures + fixed)
    if known:
        pytest.xfail("; ".join(known))


@pytest.mark.skipif(not SCRIPTS, reason=f"no spec suite with levels at {SUITE}")
@pytest.mark.parametrize("script", SCRIPTS)
def test_script(script: str, tmp_path: Path) -> None:
    check_script(script, tmp_path, KNOWN_FAILURES)


# -- random modules -----------------------------------------------------------------

SMITH_OPTIONS = [
    "--max-memories", "1",
    *(f"--{feature}-enabled=false" for feature in (
        "simd", "relaxed-simd", "threads", "shared-everything-threads", "gc", "tail-call", "exceptions",
        "memory64", "custom-page-sizes", "wide-arithmetic", "extended-const", "custom-descriptors", "compact-imports",
    )),
]  # fmt: skip


def _wasm_tools(*args: str, stdin: bytes) -> bytes:
    return subprocess.run([WASM_TOOLS, *args], input=stdin, capture_output=True, check=True).stdout


@pytest.mark.parametrize("seed", range(24))
def test_printed_random_module(seed: int) -> None:
    wasm = _wasm_tools("smith", *SMITH_OPTIONS, stdin=random.Random(seed).randbytes(3000))
    text = _wasm_tools("print", *(["--fold-instructions"] if seed % 2 else []), stdin=wasm)
    reference = decode_module(_wasm_tools("parse", "-", stdin=text))
    assert without_offsets(read_module_text(text)) == without_offsets(reference)
