"""End-to-end tests: real C programs, compiled to wasm32-wasi, run under wastrel.

Each case runs one program from tests/programs/ three ways: natively (gcc
-O2 build), under wasmtime, and under `python -m wastrel run`.  wastrel must
reproduce wasmtime's stdout, stderr and exit code exactly, and print what
the native build prints.  Programs print only host-independent things to
stdout; stderr may carry details specific to wasi-libc (exact bits of libm
results, qsort comparison counts), so it is compared with wasmtime only.

The clang and gcc builds go to tests/.build/e2e/ (git-ignored), keyed by
content, so they are shared by pytest-xdist workers and reused by later
sessions.  wastrel's cache (WASTREL_CACHE_DIR) is fresh for each session: it
lives in pytest's temporary directory, shared by the session's workers.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.e2e_util import (
    BUILD_DIR,
    PROGRAMS_DIR,
    Invocation,
    build,
    run_native,
    run_wasmtime,
    run_wastrel,
    wasm_toolchain_problem,
    wastrel_command,
)

# A cached run has to skip compilation entirely: Python start-up, wastrel's
# cache lookup and the (small) program itself must fit in this budget
# (about 0.25 s when this was written).

WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
LARGE_TEXT = "".join(
    " ".join(WORDS[(line * 7 + k) % len(WORDS)] for k in range(line % 23)) + "\n"
    for line in range(12000)
).encode()


@dataclass(frozen=True)
class Case:
    """One run of one program; `name` tells apart several runs of a program."""

    program: str
    name: str = ""
    invocation: Invocation = field(default_factory=Invocation)

    @property
    def id(self) -> str:
        return self.name or self.program


CASES = [
    Case("printf_formats"),
    Case("hashtable"),
    Case("sorting"),
    Case("int64_arith"),
    Case("floats_math"),
    Case("strings"),
    Case("memory_access"),
    Case("varargs_callbacks"),
    Case("interpreter"),
    Case("recursion"),
    Case("streams"),
    Case("exit_return"),
    Case("exit_call"),
    Case("argv", "argv-none"),
    Case("argv", "argv-several", Invocation(args=("one", "two words", "", "ünïcode ✓", "x" * 300))),
    Case("argv", "argv-dashes", Invocation(args=("-v", "--env", "K=V", "--help"))),
    Case("environ", "environ-empty"),
    Case(
        "environ",
        "environ-several",
        Invocation(
            env={
                "HOME": "/home/guest",
                "GREETING": "hello, world",
                "EMPTY": "",
                "EQUALS": "a=b=c",
                "UNICODE": "ünï ✓",
                "ZED": "last",
            }
        ),
    ),
    Case(
        "wordcount",
        "wordcount-text",
        Invocation(
            stdin=b"The quick brown fox\njumps over the lazy dog.\n\n  spaced \t out  \n"
            b"a line that is much longer than the sixteen-byte chunks it is read in\n"
            b"no newline at the end"
        ),
    ),
    Case("wordcount", "wordcount-empty"),
    Case("wordcount", "wordcount-large", Invocation(stdin=LARGE_TEXT)),
]


@pytest.fixture(scope="session")
def build_dir() -> Path:
    problem = wasm_toolchain_problem()
    if problem:
        pytest.skip(problem)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    return BUILD_DIR


@pytest.fixture(scope="session")
def wastrel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """wastrel's cache for this session, shared by all xdist workers."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = shared / "wastrel-cache"
    path.mkdir(exist_ok=True)
    return path


def program_source(name: str) -> Path:
    return PROGRAMS_DIR / f"{name}.c"


def test_every_program_has_a_case() -> None:
    programs = {path.stem for path in PROGRAMS_DIR.glob("*.c")}
    assert programs == {case.program for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_oracles_agree(case: Case, build_dir: Path, tmp_path: Path) -> None:
    """The program is portable: its native build and wasmtime print the same stdout."""
    source = program_source(case.program)
    native = run_native(build(source, "native", build_dir), case.invocation)
    wasm = run_wasmtime(build(source, "wasm", build_dir), case.invocation, tmp_path)
    assert wasm.stdout == native.stdout
    assert wasm.exit_code == native.exit_code


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_wastrel_matches_oracles(case: Case, build_dir: Path, wastrel_cache: Path, tmp_path: Path) -> None:
    """wastrel's stdout, stderr and exit code are wasmtime's, and its stdout the native build's."""
    source = program_source(case.program)
    module = build(source, "wasm", build_dir)
    expected = run_wasmtime(module, case.invocation, tmp_path)
    actual = run_wastrel(module, case.invocation, wastrel_cache)
    assert actual == expected, f"reproduce with: {shlex.join(wastrel_command(module, case.invocation))}"
    assert actual.stdout == run_native(build(source, "native", build_dir), case.invocation).stdout


def cache_listing(cache_dir: Path) -> dict[Path, int]:
    """Every entry of the cache with its modification time: a rebuild would
    replace the program (a new file, a new time)."""
    return {path.relative_to(cache_dir): path.stat().st_mtime_ns for path in cache_dir.rglob("*")}


def test_second_run_is_served_from_cache(build_dir: Path, tmp_path: Path) -> None:
    """Running a module again, even with other arguments and environment, compiles nothing."""
    module = build(program_source("argv"), "wasm", build_dir)
    cache_dir = tmp_path / "cache"
    first = Invocation(args=("first",))
    assert run_wastrel(module, first, cache_dir) == run_wasmtime(module, first, tmp_path)
    listing = cache_listing(cache_dir)
    assert listing, "the first run left nothing in WASTREL_CACHE_DIR"

    second = Invocation(args=("second", "run"), env={"K": "V"})
    assert run_wastrel(module, second, cache_dir) == run_wasmtime(module, second, tmp_path)
    assert cache_listing(cache_dir) == listing
