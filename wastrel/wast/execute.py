"""Compiling a script's C program with the runtime and the harness, running
it, and reading its verdicts."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wastrel.backend_c.toolchain import LIBS, RUNTIME_DIR, BuildError, Toolchain, runtime_archive

HARNESS_DIR = Path(__file__).resolve().parent
_FAIL = re.compile(r"^FAIL (\d+): (.*)$")
_RESULT = re.compile(r"^RESULT (\d+) (\d+)$")


@dataclass
class HarnessRun:
    passed: int
    failures: list[tuple[int, str]]  # (line, why)
    crashed: str | None = None  # the program did not finish


def run_harness(c_source: str, toolchain: Toolchain, timeout: float = 300) -> HarnessRun:
    archive = runtime_archive(toolchain)
    with tempfile.TemporaryDirectory(prefix="wastrel-wast-") as tmp:
        source = Path(tmp) / "script.c"
        source.write_text(c_source)
        program = Path(tmp) / "script"
        command = [
            *toolchain.command, *toolchain.cflags, "-I", str(RUNTIME_DIR), "-I", str(HARNESS_DIR),
            str(source), str(HARNESS_DIR / "harness.c"), str(archive), "-o", str(program), *LIBS,
        ]  # fmt: skip
        built = subprocess.run(command, capture_output=True, text=True)
        if built.returncode != 0:
            raise BuildError(f"compiling the script's C failed:\n{built.stderr.strip()[:4000]}")
        try:
            ran = subprocess.run([str(program)], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return HarnessRun(0, [], f"timed out after {timeout:.0f} s")
    failures = []
    passed = None
    for line in ran.stdout.splitlines():
        if m := _FAIL.match(line):
            failures.append((int(m.group(1)), m.group(2)))
        elif m := _RESULT.match(line):
            passed = int(m.group(1))
    if passed is None:
        tail = (ran.stderr.strip().splitlines() or [f"exit status {ran.returncode}"])[-1]
        return HarnessRun(0, failures, f"the harness died: {tail}")
    return HarnessRun(passed, failures)
