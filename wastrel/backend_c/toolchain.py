"""The C toolchain driver and the build cache.

The runtime (`wastrel/runtime/*.c`) is compiled once per configuration (C
compiler, flags, runtime sources) into a static archive; a module's C is
compiled and linked against it.  Both live under the cache directory:

    $WASTREL_CACHE_DIR, else $XDG_CACHE_HOME/wastrel, else ~/.cache/wastrel
      runtime-<key>/libwastrel.a
      programs/<key>          one native program per (module, wastrel, cc, flags)

Every write goes to a temporary name in the same directory first and is
renamed into place, so concurrent builds never see a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from wastrel import __version__

RUNTIME_DIR = Path(__file__).resolve().parent.parent / "runtime"
# -ffp-contract=off: no fused multiply-add; Wasm rounds every operation.
# -fsignaling-nans: `x * 1.0` and `x - 0.0` are not `x` when x is a
# signalling NaN (Wasm wants it quieted).
# -fno-optimize-sibling-calls: a recursion must stay a recursion, so that
# unbounded recursion exhausts the stack (a trap) instead of looping forever.
BASE_CFLAGS = [
    "-std=gnu11", "-ffp-contract=off", "-fsignaling-nans", "-fno-strict-aliasing",
    "-fno-optimize-sibling-calls", "-w",
]  # fmt: skip
LIBS = ["-lm", "-lpthread"]


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class Toolchain:
    cc: str = field(default_factory=lambda: os.environ.get("CC", "cc"))
    opt: str = "-O2"

    @property
    def cflags(self) -> list[str]:
        return [self.opt, *BASE_CFLAGS]

    def identity(self) -> str:
        """What a cached build depends on besides its sources."""
        try:
            version = subprocess.run([self.cc, "--version"], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise BuildError(f"C compiler {self.cc!r} is not usable: {e}") from None
        return "\n".join([__version__, self.cc, shutil.which(self.cc) or "", version, *self.cflags])


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


def runtime_archive(toolchain: Toolchain) -> Path:
    """The runtime compiled for this toolchain, built on first use."""
    directory = cache_dir() / f"runtime-{_digest(toolchain.identity(), runtime_digest())}"
    archive = directory / "libwastrel.a"
    if archive.exists():
        return archive
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        objects = []
        for source in runtime_sources():
            obj = Path(tmp) / (source.stem + ".o")
            _run_cc([toolchain.cc, *toolchain.cflags, "-I", str(RUNTIME_DIR), "-c", str(source), "-o", str(obj)], "compiling the runtime")
            objects.append(str(obj))
        staged = Path(tmp) / "libwastrel.a"
        _run_cc(["ar", "rcs", str(staged), *objects], "archiving the runtime")
        os.replace(staged, archive)
    return archive


def build_program(c_source: str, key: str, toolchain: Toolchain) -> Path:
    """Compile a module's C with the runtime into the cache; returns the program."""
    target = cached_program(key)
    if target.exists():
        return target
    archive = runtime_archive(toolchain)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        source = Path(tmp) / "module.c"
        source.write_text(c_source)
        staged = Path(tmp) / "program"
        _run_cc(
            [toolchain.cc, *toolchain.cflags, "-I", str(RUNTIME_DIR), str(source), str(archive), "-o", str(staged), *LIBS],
            "compiling the generated C",
        )
        os.replace(staged, target)
    return target


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace the file `path` with `data` in one step (never a half-written
    file).  Its directory must exist: none is created.  An OSError names
    `path`, never the temporary file next to it (which is removed)."""
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
