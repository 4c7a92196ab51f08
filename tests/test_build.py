"""Building big modules: C split into units compiled in parallel and cached
one by one; a cache that checks what it reuses; progress on a terminal
only; units compiled on a distcc build farm."""

from __future__ import annotations

import io
import os
import pty
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_util import wastrel
from wastrel.backend_c.c_print import CModule
from wastrel.progress import Progress

FUNCTIONS = 400
UNIT_BYTES = "10000"  # $WASTREL_UNIT_BYTES: the module's ~80 KB of C make several units


def big_module(variant: int = 0) -> str:
    """FUNCTIONS functions of a few statements each (more C than one unit
    holds); `f(x)` calls them all.  `variant` changes one function only."""
    funcs = []
    for k in range(FUNCTIONS):
        extra = variant if k == FUNCTIONS // 2 else 0
        funcs.append(
            f"(func $f{k} (param $x i32) (result i32) (local $y i32)\n"
            f"  (local.set $y (i32.xor (i32.mul (local.get $x) (i32.const {k + 3})) (i32.const {k * 7 + extra})))\n"
            f"  (if (i32.lt_u (local.get $y) (i32.const {k * 13 + 1})) (then (local.set $y (i32.add (local.get $y) (i32.const {k})))))\n"
            f"  (i32.add (local.get $y) (i32.rotl (local.get $x) (i32.const {k % 31}))))"
        )
    calls = "(i32.const 0)"
    for k in range(FUNCTIONS):
        calls = f"(i32.add {calls} (call $f{k} (local.get $x)))"
    return "(module\n" + "\n".join(funcs) + f'\n(func (export "f") (param $x i32) (result i32) {calls}))\n'


def expected(x: int, variant: int = 0) -> int:
    total = 0
    m = 0xFFFFFFFF
    for k in range(FUNCTIONS):
        extra = variant if k == FUNCTIONS // 2 else 0
        y = ((x * (k + 3)) & m) ^ (k * 7 + extra)
        if y < k * 13 + 1:
            y = (y + k) & m
        r = k % 31
        total = (total + y + (((x << r) | (x >> (32 - r))) & m if r else x)) & m
    return total - (1 << 32) if total >= 1 << 31 else total


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("WASTREL_CACHE_DIR", str(directory))
    monkeypatch.setenv("WASTREL_UNIT_BYTES", UNIT_BYTES)
    return directory


def objects(cache: Path) -> set[str]:
    return {p.name for p in (cache / "objects").glob("*.o")} if (cache / "objects").exists() else set()


def test_a_small_module_is_one_unit() -> None:
    c = CModule("/* head */", ("int f(void);",), (), ("int f(void) { return 1; }",), "/* tail */")
    header, units = c.units()
    assert header == "" and units == [str(c)]


def test_units_are_stable_when_one_function_changes() -> None:
    functions = tuple(f"int f{k}(void) {{ return {k}; /* {'x' * 3000} */ }}" for k in range(600))
    c = CModule("/* head */", (), (), functions, "/* tail */")
    _, before = c.units()
    changed = list(functions)
    changed[300] = changed[300].replace("return 300", "return -300")
    _, after = CModule("/* head */", (), (), tuple(changed), "/* tail */").units()
    assert len(before) > 3
    assert len(set(before) - set(after)) == 1  # only the unit holding f300


def test_a_big_module_compiles_in_units_and_rebuilds_only_what_changed(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "big.wat"
    source.write_text(big_module())
    assert len(source.read_text()) > 0
    result = wastrel("run", "-O", "0", "--invoke", "f", source, "12345")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected(12345))
    first = objects(cache)
    assert len(first) >= 3
    source.write_text(big_module(variant=99))
    result = wastrel("run", "-O", "0", "--invoke", "f", source, "12345")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected(12345, variant=99))
    assert len(objects(cache) - first) == 1  # one unit compiled again, the rest reused


MULTI3 = Path(__file__).resolve().parent / "golden_cases" / "multi3.wat"


def test_a_recognized_helper_is_called_across_units(tmp_path: Path, cache: Path) -> None:
    """A helper recognize-helpers rewrote, in one unit, called from another."""
    helpers = MULTI3.read_text().split("(module", 1)[1].rsplit(")", 1)[0]
    calls = "".join(f"(call $multi3_rust (i32.const {16 * k}) (i64.extend_i32_u (local.get $x)) (i64.const 0) (i64.const {k + 3}) (i64.const 0))" for k in range(3))
    source = tmp_path / "big.wat"
    source.write_text(big_module().rsplit(")", 1)[0].replace("(module\n", "(module\n" + helpers.replace("(memory 1)", "(memory (export \"mem\") 1)"), 1)
                      + f'(func (export "products") (param $x i32) (result i64) {calls} (i64.load (i32.const 32))))\n')
    result = wastrel("run", "-O", "0", "--invoke", "products", source, "1000")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(1000 * 5)
    assert len(objects(cache)) >= 3


PROBE = """import sys
from wastrel.passes.framework import declare_pass

@declare_pass("count-functions", takes="c", gives="c", local={local})
def count(program):
    print("count-functions saw", len(program.funcs), file=sys.stderr)
    return program
"""


@pytest.mark.parametrize("local", [True, False])
def test_a_big_module_is_translated_in_parts_unless_a_pass_looks_across_functions(tmp_path: Path, cache: Path, local: bool) -> None:
    source = tmp_path / "big.wat"
    source.write_text(big_module())
    plugin = tmp_path / "probe.py"
    plugin.write_text(PROBE.format(local=local))
    result = wastrel("run", "-O", "0", "--plugin", plugin, "--invoke", "f", source, "12345")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected(12345))
    seen = [int(line.split()[-1]) for line in result.stderr.splitlines() if line.startswith("count-functions saw")]
    assert sum(seen) == FUNCTIONS + 1
    assert len(seen) >= 3 if local else seen == [FUNCTIONS + 1]
    assert len(objects(cache)) >= 3  # units either way


def test_parts_are_translated_one_at_a_time_and_make_the_same_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wastrel.frontend.load import load_module
    from wastrel.deep import run_deep
    from wastrel.passes import stack_to_tree
    from wastrel.passes.manager import RunOptions, build_pipeline, run_in_parts, run_pipeline

    source = tmp_path / "big.wat"
    source.write_text(big_module())
    module = load_module(source)
    events: list[tuple[str, int]] = []
    trees = 0  # functions stack-to-tree has made trees of: a part's, when its turn comes
    build = stack_to_tree._FunctionBuilder.build

    def counted(*args):  # type: ignore[no-untyped-def]
        nonlocal trees
        trees += 1
        return build(*args)

    monkeypatch.setattr(stack_to_tree._FunctionBuilder, "build", counted)

    def parts(wasm):  # type: ignore[no-untyped-def]
        for k in range(0, len(wasm.funcs), 100):
            events.append(("cut", k))
            yield range(k, min(k + 100, len(wasm.funcs)))

    def translate() -> list:
        translated = run_in_parts(module, parts, start_after="decode")
        assert translated is not None
        funcs = []
        for part in translated:
            events.append(("got", len(funcs)))
            funcs += part.funcs
            assert trees == len(funcs)
        return funcs

    funcs = run_deep(translate)  # f's 400 nested calls
    assert events == [(kind, k) for k in range(0, FUNCTIONS + 1, 100) for kind in ("cut", "got")]
    before_c = build_pipeline()[-2].name
    assert tuple(funcs) == run_deep(lambda: run_pipeline(module, RunOptions(stop_after=before_c), start_after="decode").funcs)


def test_a_unit_compiles_as_soon_as_it_comes(cache: Path) -> None:
    from wastrel.backend_c.toolchain import Toolchain, UnitBuild

    with UnitBuild("0" * 32, Toolchain(opt="-O0", jobs=2), None, ()) as build:
        build.start('#include "wastrel.h"\n')
        build.add('#include "module.h"\nint w_unit_one(void) { return 1; }\n')
        deadline = time.monotonic() + 120
        while not objects(cache):  # compiled before `finish`: while the caller translates
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_the_last_unit_compiles_at_once_not_behind_the_queue(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The unit that defines the instance comes when translation ends; it
    # compiles then, on the translator's core, while the queue waits for
    # the other one: waiting its turn, it would end the build alone.
    import threading

    from wastrel.backend_c import toolchain
    from wastrel.backend_c.toolchain import Toolchain, UnitBuild

    started: list[str] = []
    last_started = threading.Event()

    def fake_cc(args: list[str], what: str) -> None:
        Path(args[args.index("-o") + 1]).write_bytes(b"object")  # a unit's, or the program
        if "-c" not in args:
            return
        name = Path(args[args.index("-c") + 1]).read_text().split()[-2]
        started.append(name)
        if name == "last":
            last_started.set()
        elif len(started) == 1:  # the first to start holds the queue's one slot
            last_started.wait(timeout=10)

    monkeypatch.setattr(toolchain, "_run_cc", fake_cc)
    monkeypatch.setattr(toolchain, "runtime_archive", lambda toolchain: cache / "libwastrel.a")
    with UnitBuild("0" * 32, Toolchain(jobs=2), None, ()) as build:
        build.start("")
        for name in ("first", "second", "third"):
            build.add(f"/* {name} */")
        while not started:
            time.sleep(0.01)
        build.finish("/* last */")
    assert started[1] == "last"
    assert sorted(started) == ["first", "last", "second", "third"]


def test_a_translation_leaves_nothing_alive(tmp_path: Path) -> None:
    # The compiler runs with the cyclic collector paused (collector.py):
    # a reference cycle would keep a module and all its trees alive.
    import weakref

    from wastrel.deep import run_deep
    from wastrel.driver import module_to_c
    from wastrel.frontend.load import load_module

    source = tmp_path / "m.wat"  # a command (fast traps: the printer decides which values to keep)
    source.write_text(
        '(module (memory 1) (func (export "_start") (local i32 i32)\n'
        "  (local.set 1 (i32.load (local.get 0)))\n"
        "  (local.set 0 (i32.div_u (local.get 0) (local.get 1)))\n"
        "  (i32.store (local.get 0) (local.get 1))))"
    )

    def translate() -> bool:
        module = load_module(source)
        alive = weakref.ref(module)
        assert "W_KEEP" in str(module_to_c(module))
        del module
        return alive() is None

    assert run_deep(translate)


def test_a_binary_module_is_read_without_the_text_reader(tmp_path: Path) -> None:
    # lark and the text grammar take 0.08 s to import: a .wasm needs neither.
    binary = tmp_path / "m.wasm"
    binary.write_bytes(b"\0asm\1\0\0\0")
    check = (
        "import sys\nfrom pathlib import Path\nfrom wastrel.frontend.load import load_module\n"
        f"load_module(Path({str(binary)!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('wastrel.frontend.text', 'lark'))))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_translating_does_not_import_networkx(tmp_path: Path) -> None:
    # networkx takes 0.07 s to import; the pipeline is ordered without it
    # (it is imported only to name a cycle in the passes' requirements).
    binary = tmp_path / "m.wasm"
    binary.write_bytes(b"\0asm\1\0\0\0")
    check = (
        "import sys\nfrom pathlib import Path\nfrom wastrel.frontend.load import load_module\n"
        "from wastrel.driver import module_to_c\n"
        f"module_to_c(load_module(Path({str(binary)!r})))\n"
        "print('networkx' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("damage", ["truncate", "empty", "garbage"])
def test_a_damaged_cache_entry_is_rebuilt(tmp_path: Path, cache: Path, damage: str) -> None:
    source = tmp_path / "add.wat"
    source.write_text('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))')
    assert wastrel("run", "--invoke", "add", source, "2", "3").stdout.strip() == "5"
    programs = [p for p in (cache / "programs").iterdir() if not p.name.endswith(".sum")]
    (archive,) = cache.glob("runtime-*/libwastrel.a")
    for entry in (*programs, archive):
        data = entry.read_bytes()
        entry.write_bytes({"truncate": data[: len(data) // 2], "empty": b"", "garbage": b"\x7fELF" + b"\0" * 100}[damage])
    for _ in range(2):  # said once, then the rebuilt entry is trusted again
        result = wastrel("run", "--invoke", "add", source, "2", "3")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "5"
    first = wastrel("run", "--invoke", "add", source, "2", "3")
    assert "damaged" not in first.stderr


def test_damage_is_said_in_one_line(tmp_path: Path, cache: Path) -> None:
    source = tmp_path / "one.wat"
    source.write_text('(module (func (export "one") (result i32) (i32.const 1)))')
    assert wastrel("run", "--invoke", "one", source).returncode == 0
    (program,) = [p for p in (cache / "programs").iterdir() if not p.name.endswith(".sum")]
    program.write_bytes(b"")
    result = wastrel("run", "--invoke", "one", source)
    assert result.stdout.strip() == "1"
    assert result.stderr.count("\n") == 1 and "is damaged; building it again" in result.stderr


def test_progress_shows_on_a_terminal_only(tmp_path: Path, cache: Path) -> None:
    from wastrel.frontend.encode import encode_module
    from wastrel.frontend.text import read_module_text

    source = tmp_path / "big.wasm"  # (binary: its decoding shows too)
    source.write_bytes(encode_module(read_module_text(big_module(variant=7))))
    out = tmp_path / "big.bin"
    piped = wastrel("compile", "-O", "0", source, "-o", out)
    assert piped.returncode == 0 and piped.stderr == ""
    shutil.rmtree(cache)
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"WASTREL_PROGRESS_DELAY": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "wastrel", "compile", "-O", "0", str(source), "-o", str(out)], stderr=child, env=env
    )
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait() == 0
    text = seen.decode()
    for phase in ("wastrel: translating: ", "compiling the C: 1/", "units", "wastrel: linking"):
        assert phase in text
    for counted in ("decode", "validate"):  # function by function, up to the last
        assert f"wastrel: {counted}: {FUNCTIONS + 1}/{FUNCTIONS + 1} functions" in text
    # the last part translated while the earlier ones compile
    assert f"wastrel: translating: {FUNCTIONS + 1}/{FUNCTIONS + 1} functions, compiling the C: " in text
    assert text.endswith("\r")  # the line is erased at the end


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_for_a_quick_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for delay, shown in (("", False), ("3600", False), ("bad", False), ("0", True)):
        monkeypatch.setenv("WASTREL_PROGRESS_DELAY", delay)
        terminal = _FakeTerminal()
        progress = Progress(terminal)
        progress.show("stack-to-tree")
        progress.done()
        assert ("wastrel: stack-to-tree" in terminal.getvalue()) == shown, delay


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("distccd") is None, reason="distcc is not installed (scripts/setup.sh installs it)")
def test_units_compile_on_a_distcc_farm(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    log = tmp_path / "distccd.log"
    with open(log, "wb") as log_file:  # the daemon may run as another user: it logs to our file
        daemon = subprocess.Popen(
            ["distccd", "--no-detach", "--daemon", "--allow", "127.0.0.1", "--listen", "127.0.0.1", "--port", str(port),
             "--log-stderr", "--log-level", "info", "--jobs", "2"],
            stderr=log_file,
        )  # fmt: skip
    (tmp_path / "distcc").mkdir()
    try:
        time.sleep(0.5)
        monkeypatch.setenv("CC", "distcc gcc")
        monkeypatch.setenv("DISTCC_HOSTS", f"127.0.0.1:{port}/2")
        monkeypatch.setenv("DISTCC_FALLBACK", "0")  # fail rather than compile locally
        monkeypatch.setenv("DISTCC_DIR", str(tmp_path / "distcc"))
        source = tmp_path / "big.wat"
        source.write_text(big_module(variant=3))
        result = wastrel("run", "-O", "0", "--invoke", "f", source, "7")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(expected(7, variant=3))
    finally:
        daemon.terminate()
        daemon.wait()
    served = log.read_text()
    assert served.count("COMPILE_OK") >= 3, served[-2000:]
