"""The C toolchain driver and the build cache.

The runtime (`wastrel/runtime/*.c`) is compiled once per configuration (C
compiler, flags, runtime sources) into a static archive; a module's C is
compiled and linked against it.  A big module's C comes in translation
units (`CModule.units`, or part by part as it is translated:
driver.build_in_parts), compiled in parallel as they come (`UnitBuild`;
`jobs`, default: every core) and cached one by one, so that rebuilding it
after a change to wastrel costs only the units whose C changed.  All of it lives under the cache
directory:

    $WASTREL_CACHE_DIR, else $XDG_CACHE_HOME/wastrel, else ~/.cache/wastrel
      runtime-<key>/libwastrel.a
      programs/<key>          one native program per (module, wastrel, cc, flags)
      objects/<key>.o         one object per (unit's C, cc, flags)

Every write goes to a temporary name in the same directory first and is
renamed into place, so concurrent builds never see a half-written file.
Each cached file has a `.sum` beside it (its SHA-256), checked whenever the
file is reused: a damaged entry is said in one line and built again.

`CC` may be a command with arguments (`ccache gcc`, `distcc gcc`): units
then compile through it, on a build farm with distcc.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from typing import TYPE_CHECKING, Sequence

from wastrel import __version__
from wastrel.progress import Progress

if TYPE_CHECKING:
    from wastrel.backend_c.c_print import CModule

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "runtime"
# -ffp-contract=off: no fused multiply-add; Wasm rounds every operation.
# -fsignaling-nans: `x * 1.0` and `x - 0.0` are not `x` when x is a
# signalling NaN (Wasm wants it quieted).
# -fno-optimize-sibling-calls: a recursion must stay a recursion, so that
# unbounded recursion exhausts the stack (a trap) instead of looping forever
# (gcc then turns it back on for a function with return_call; clang cannot,
# so for clang the flag is left out and every other function is marked
# instead: W_NO_TAIL_CALLS, runtime/wastrel.h).
# -falign-loops=32: without it a hot loop's speed depends on where the
# linker happens to put it (shootout-sieve: 25% slower when the runtime
# grew by 16 bytes; the same code).
BASE_CFLAGS = [
    "-std=gnu11", "-ffp-contract=off", "-fsignaling-nans", "-fno-strict-aliasing",
    "-fno-optimize-sibling-calls", "-falign-loops=32", "-w",
]  # fmt: skip
# gcc alone: no hot/cold splitting, which moves a function's unlikely code
# (its calls of w_trap) out of its extent, where a trap's backtrace could
# not name it (runtime/trap.c).
GCC_CFLAGS = ["-fno-reorder-blocks-and-partition"]
LIBS = ["-lm", "-lpthread"]


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class Toolchain:
    cc: str = field(default_factory=lambda: os.environ.get("CC") or "cc")
    opt: str = "-O2"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # units compiled at once
    # The user's own flags, last so that they win (CFLAGS="-O3 -march=native"), as build tools take them.
    extra: tuple[str, ...] = field(default_factory=lambda: tuple(shlex.split(os.environ.get("CFLAGS", ""))))

    @property
    def cflags(self) -> list[str]:
        if _is_clang(self.cc):
            return [self.opt, *(flag for flag in BASE_CFLAGS if flag != "-fno-optimize-sibling-calls"), *self.extra]
        return [self.opt, *BASE_CFLAGS, *GCC_CFLAGS, *self.extra]

    @property
    def command(self) -> list[str]:
        """The compiler as a command: `CC` may hold a wrapper and its compiler."""
        words = shlex.split(self.cc)
        if not words:
            raise BuildError("the C compiler is empty (check $CC)")
        return words

    def identity(self) -> str:
        """What a cached build depends on besides its sources."""
        return _identity(self.cc, tuple(self.cflags))


@cache
def _identity(cc: str, cflags: tuple[str, ...]) -> str:
    compiler, version = _version(cc)
    return "\n".join([__version__, compiler, shutil.which(compiler) or "", version, *cflags])


@cache
def _version(cc: str) -> tuple[str, str]:
    """The compiler `CC` runs (after any wrapper) and what `--version` says."""
    words = shlex.split(cc) or ["cc"]
    compiler = words[-1]  # a wrapper's compiler decides what the code is
    try:
        version = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise BuildError(f"C compiler {cc!r} is not usable: {e}") from None
    return compiler, version


def _is_clang(cc: str) -> bool:
    return "clang" in _version(cc)[1]


def cache_dir() -> Path:
    """$WASTREL_CACHE_DIR, else $XDG_CACHE_HOME/wastrel, else ~/.cache/wastrel.
    An empty variable counts as unset (never the current directory), and a
    relative $XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says."""
    if explicit := os.environ.get("WASTREL_CACHE_DIR"):
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wastrel"


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def runtime_sources() -> list[Path]:
    return sorted(RUNTIME_DIR.glob("*.c"))


def runtime_digest() -> str:
    files = sorted(RUNTIME_DIR.glob("*.[ch]"))
    return _digest(*(f.name + "\n" + f.read_text() for f in files))


@cache
def compiler_digest() -> str:
    """wastrel's own sources: a changed pass must not reuse old programs."""
    package = RUNTIME_DIR.parent
    files = sorted(package.rglob("*.py"))
    return _digest(runtime_digest(), *(str(f.relative_to(package)) + "\n" + f.read_text() for f in files))


def program_key(module_bytes: bytes, toolchain: Toolchain) -> str:
    return _digest(module_bytes, toolchain.identity(), compiler_digest())


def cached_program(key: str) -> Path:
    return cache_dir() / "programs" / key


# The C compiler recurses on the nesting of statements (expressions are
# bounded by the pass limit-expression-depth): a module with 100,000 nested
# `if`s needs more than the usual 8 MiB of stack.  The limit is raised for the
# compiler's process alone, at the moment it is started.
CC_STACK_BYTES = 4 << 30
_spawn_lock = threading.Lock()


def _run_cc(args: list[str], what: str) -> None:
    with _spawn_lock:
        old = resource.getrlimit(resource.RLIMIT_STACK)
        hard = old[1]
        wanted = CC_STACK_BYTES if hard == resource.RLIM_INFINITY else min(CC_STACK_BYTES, hard)
        resource.setrlimit(resource.RLIMIT_STACK, (max(wanted, old[0]) if old[0] != resource.RLIM_INFINITY else old[0], hard))
        try:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        finally:
            resource.setrlimit(resource.RLIMIT_STACK, old)
    _, stderr = process.communicate()
    if process.returncode != 0:
        raise BuildError(f"{what} failed ({' '.join(args[:3])} ...):\n{stderr.strip()}")


def unit_bytes() -> int:
    """How much C goes into one translation unit: $WASTREL_UNIT_BYTES, for
    tuning a build farm (smaller units, more parallel work), else UNIT_BYTES."""
    from wastrel.backend_c.c_print import UNIT_BYTES

    value = os.environ.get("WASTREL_UNIT_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else UNIT_BYTES


# -- the cache: every entry is checked before it is reused --------------------


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_hit(path: Path) -> bool:
    """Whether `path` is in the cache, whole: its checksum must match.  A
    damaged entry (truncated, emptied, overwritten) is removed, with a line
    on stderr, so that the caller builds it again."""
    if not path.exists():
        return False
    summary = path.with_name(path.name + ".sum")
    try:
        if summary.read_text().strip() == _file_digest(path):
            _used(path)
            return True
        print(f"wastrel: cache entry {path} is damaged; building it again", file=sys.stderr)
    except OSError:
        pass  # no checksum: an entry from an older wastrel, or one half-removed
    for stale in (path, summary):
        with contextlib.suppress(OSError):
            stale.unlink()
    return False


# -- the cache's size -----------------------------------------------------------------

#: The cache's size limit by default, and the variable that sets another.
CACHE_LIMIT = 4 << 30
CACHE_LIMIT_VARIABLE = "WASTREL_CACHE_MAX_SIZE"


def parse_size(text: str) -> int:
    """`4G`, `500M`, `64K` or a number of bytes; ValueError otherwise."""
    text = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(text[-1:], 1)
    number = text[:-1] if scale > 1 else text
    if not number.isdigit():
        raise ValueError(f"not a size: {text!r} (bytes, or a number with K, M, G or T)")
    return int(number) * scale


def cache_limit() -> int:
    value = os.environ.get(CACHE_LIMIT_VARIABLE, "")
    try:
        return parse_size(value) if value else CACHE_LIMIT
    except ValueError:
        return CACHE_LIMIT


def _used(path: Path) -> None:
    """Notes a cache entry's use, in its access time (its modification
    time stays when it was built): the size limit drops the least
    recently used entries."""
    with contextlib.suppress(OSError):
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


def cache_entries() -> list[tuple[Path, int, float]]:
    """Every entry of the cache (a file, its checksum counted with it):
    (path, bytes, last use), least recently used first."""
    root = cache_dir()
    entries = []
    # (os.walk ignores what vanishes as it goes: other processes' staging
    # directories come and go while it walks)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if not d.startswith("tmp")]  # staging, not entries
        for name in files:
            if name.endswith(".sum"):
                continue
            path = Path(directory) / name
            try:
                status = path.stat()
                summary = path.with_name(name + ".sum")
                size = status.st_size + (summary.stat().st_size if summary.exists() else 0)
            except OSError:
                continue
            entries.append((path, size, max(status.st_atime, status.st_mtime)))
    return sorted(entries, key=lambda e: e[2])


def trim_cache(limit: int) -> tuple[int, int]:
    """Removes the least recently used entries until the cache holds at
    most `limit` bytes; (entries removed, bytes freed)."""
    entries = cache_entries()
    total = sum(size for _, size, _ in entries)
    removed = freed = 0
    for path, size, _ in entries:
        if total <= limit:
            break
        for victim in (path, path.with_name(path.name + ".sum")):
            with contextlib.suppress(OSError):
                victim.unlink()
        total -= size
        removed += 1
        freed += size
    return removed, freed


def cache_store(staged: Path, path: Path) -> None:
    """Moves a finished file into the cache, its checksum first."""
    summary = path.with_name(path.name + ".sum")
    staged_summary = staged.with_name(staged.name + ".sum")
    staged_summary.write_text(_file_digest(staged) + "\n")
    os.replace(staged_summary, summary)
    os.replace(staged, path)


# -- building ----------------------------------------------------------------------


def runtime_archive(toolchain: Toolchain) -> Path:
    """The runtime compiled for this toolchain, built on first use."""
    directory = cache_dir() / f"runtime-{_digest(toolchain.identity(), runtime_digest())}"
    archive = directory / "libwastrel.a"
    if cache_hit(archive):
        return archive
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        objects = []
        for source in runtime_sources():
            obj = Path(tmp) / (source.stem + ".o")
            _run_cc([*toolchain.command, *toolchain.cflags, "-I", str(RUNTIME_DIR), "-c", str(source), "-o", str(obj)], "compiling the runtime")
            objects.append(str(obj))
        staged = Path(tmp) / "libwastrel.a"
        _run_cc(["ar", "rcs", str(staged), *objects], "archiving the runtime")
        cache_store(staged, archive)
    return archive


def runtime_library(toolchain: Toolchain) -> Path:
    """The runtime as a shared library for embedding (wastrel/api.py):
    every runtime file but main.c, position-independent."""
    directory = cache_dir() / f"runtime-{_digest(toolchain.identity(), runtime_digest())}"
    library = directory / "libwastrel.so"
    if cache_hit(library):
        return library
    directory.mkdir(parents=True, exist_ok=True)
    sources = [str(source) for source in runtime_sources() if source.name != "main.c"]
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        staged = Path(tmp) / "libwastrel.so"
        _run_cc([*toolchain.command, *toolchain.cflags, "-fPIC", "-shared", "-I", str(RUNTIME_DIR), *sources, "-o", str(staged), *LIBS], "building the runtime library")
        cache_store(staged, library)
    return library


def build_shared_object(c_module: CModule, key: str, toolchain: Toolchain) -> Path:
    """A module's C (c-print for embedding) as a shared object, linked with
    the runtime library and bound to its own symbols (-Bsymbolic: its
    w_program_* and w_type_* are its own, whatever else is loaded)."""
    target = cache_dir() / "shared" / f"{key}.so"
    if cache_hit(target):
        return target
    library = runtime_library(toolchain)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        source, staged = Path(tmp) / "module.c", Path(tmp) / "module.so"
        source.write_text(str(c_module))
        _run_cc(
            [*toolchain.command, *toolchain.cflags, "-fPIC", "-shared", "-Wl,-Bsymbolic", "-I", str(RUNTIME_DIR), str(source), str(library), "-o", str(staged), *LIBS],
            "compiling the generated C",
        )
        cache_store(staged, target)
    return target


def build_program(
    c_module: CModule | str, key: str, toolchain: Toolchain, progress: Progress | None = None, settings: Sequence[str] = ()
) -> Path:
    """Compile a module's C with the runtime into the cache; returns the
    program.  `settings` are options compiled into it (settings_source)."""
    target = cached_program(key)
    if cache_hit(target):
        return target
    header, units = ("", [c_module]) if isinstance(c_module, str) else c_module.units(unit_bytes())
    if len(units) > 1:
        with UnitBuild(key, toolchain, progress, settings) as build:
            build.start(header)
            for unit in units[1:]:
                build.add(unit)
            return build.finish(units[0])
    archive = runtime_archive(toolchain)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / "program"
        source = Path(tmp) / "module.c"
        source.write_text(units[0])
        if progress:
            progress.show("compiling the C")
        _run_cc(
            [*toolchain.command, *toolchain.cflags, "-I", str(RUNTIME_DIR), str(source), *_settings_file(Path(tmp), settings), str(archive), "-o", str(staged), *LIBS],
            "compiling the generated C",
        )
        cache_store(staged, target)
    trim_cache(cache_limit())
    return target


def settings_source(settings: Sequence[str]) -> str:
    """The C that compiles `settings` (options of the program's main,
    runtime/main.c) into a program: they are read before WASTREL_OPTIONS."""
    from wastrel.backend_c.c_literals import c_bytes

    words = "".join(f"    {c_bytes(os.fsencode(word))},\n" for word in settings)
    return (
        "/* The options compiled into this program (`wastrel compile`), read\n"
        " * before those of WASTREL_OPTIONS (runtime/main.c). */\n"
        f"const char *const w_program_settings[] = {{\n{words}    0,\n}};\n"
    )


def _settings_file(directory: Path, settings: Sequence[str]) -> list[str]:
    """The source file of `settings` (none without), written into `directory`."""
    if not settings:
        return []
    path = directory / "settings.c"
    path.write_text(settings_source(settings))
    return [str(path)]


class UnitBuild:
    """A program built from translation units as they come: `start` with
    the header they share (`module.h`), `add` each unit (it compiles at
    once, or comes from the cache), `finish` with the last one, then link.
    While units are still coming, the caller is translating the next ones
    on a core of its own, so one unit fewer than `toolchain.jobs` compiles
    at a time until `finish`.  Used as a context manager: on an error the
    units still waiting are dropped and the temporary files removed."""

    def __init__(self, key: str, toolchain: Toolchain, progress: Progress | None, settings: Sequence[str]):
        self.target = cached_program(key)
        self.toolchain = toolchain
        self.progress = progress
        self.settings = settings
        self.archive = runtime_archive(toolchain)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(dir=self.target.parent))
        self.objects = cache_dir() / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)
        jobs = max(1, toolchain.jobs)
        self.pool = ThreadPoolExecutor(max_workers=jobs)
        self.slots = threading.Semaphore(max(1, jobs - 1))  # one more at `finish`
        self.pending: list[Future[Path]] = []
        self.units = 0  # added so far, `last` included
        self.header = ""
        self.translating = ""
        self.compiled = 0
        self.lock = threading.Lock()

    def __enter__(self) -> UnitBuild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, header: str) -> None:
        self.header = header
        (self.tmp / "module.h").write_text(header)

    def add(self, unit: str) -> None:
        self.pending.append(self.pool.submit(self._object, self.units, unit))
        self.units += 1

    def translated(self, text: str) -> None:
        """How far the caller's translation is, for the status line."""
        self.translating = text
        self._show()

    def finish(self, last: str) -> Path:
        """Compile `last` (the unit that defines the instance) too, wait for
        every unit and link the program into the cache.  `last` compiles at
        once, on the core the translation had, and only then is that core
        given to the queue: behind the queue, it would end the build alone."""
        self.translating = ""
        self.units += 1
        last_object = self._object(self.units - 1, last, own_core=True)
        self.slots.release()
        objects = [future.result() for future in self.pending] + [last_object]
        if self.progress:
            self.progress.show("linking")
        staged = self.tmp / "program"
        toolchain = self.toolchain
        extra = _settings_file(self.tmp, self.settings)
        _run_cc([*toolchain.command, *toolchain.cflags, *map(str, objects), *extra, str(self.archive), "-o", str(staged), *LIBS], "linking the program")
        cache_store(staged, self.target)
        trim_cache(cache_limit())
        return self.target

    def _object(self, index: int, unit: str, own_core: bool = False) -> Path:
        """The unit's object: from the cache, or compiled into it (taking
        one of the queue's slots, unless on the caller's `own_core`)."""
        toolchain = self.toolchain
        cached = self.objects / f"{_digest(toolchain.identity(), self.header, unit)}.o"
        if not cache_hit(cached):
            with contextlib.nullcontext() if own_core else self.slots:
                source = self.tmp / f"unit{index}.c"
                source.write_text(unit)
                staged = self.tmp / f"unit{index}.o"
                _run_cc(
                    [*toolchain.command, *toolchain.cflags, "-I", str(RUNTIME_DIR), "-I", str(self.tmp), "-c", str(source), "-o", str(staged)],
                    f"compiling unit {index} of the generated C",
                )
                cache_store(staged, cached)
        with self.lock:
            self.compiled += 1
        self._show()
        return cached

    def _show(self) -> None:
        if self.progress:
            units = f"compiling the C: {self.compiled}/{self.units} units" if self.units else ""
            self.progress.show(", ".join(s for s in [self.translating, units] if s))


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace the file `path` with `data` in one step (never a half-written
    file).  Its directory must exist: none is created.  An OSError names
    `path`, never the temporary file next to it (which is removed).  A
    path that is not a regular file (`-o /dev/null`, a pipe) is written
    into, never replaced: renaming over /dev/null would make it a file."""
    try:
        kind = os.stat(path).st_mode
    except OSError:
        kind = stat.S_IFREG  # none yet (or unreadable: the rename says why)
    if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
        try:
            with open(path, "wb") as f:
                f.write(data)
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(path)) from None
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        os.unlink(tmp)
        if isinstance(e, OSError):
            raise OSError(e.errno, e.strerror, str(path)) from None
        raise
