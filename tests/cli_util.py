"""Running the `wastrel` command as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def wastrel(*args: str | Path, timeout: float = 300, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wastrel", *map(str, args)],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wastrel_passes(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wastrel.cli import passes_main; sys.exit(passes_main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    """The one line a user error prints (never a traceback), with its exit status."""
    assert result.returncode == status, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
