"""Shared fixtures: .wat test cases turned into binaries (by wastrel's own
text reader), keyed by content so that pytest-xdist workers can share them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from wastrel.frontend.load import read_module

BUILD_DIR = Path(__file__).resolve().parent / ".build" / "wat"

# Every pipeline a test runs, in this process or in a `wastrel` it starts,
# checks each pass's output against the pass's language (passes/manager.py).
os.environ["WASTREL_CHECK_IR"] = "1"


def wat_to_wasm(path: Path) -> Path:
    """The binary of a .wat file, made by wastrel's own text reader and
    encoder (cached by content)."""
    text = path.read_bytes()
    target = BUILD_DIR / f"{path.stem}-{hashlib.sha256(text).hexdigest()[:16]}.wasm"
    if not target.exists():
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        staged = target.with_suffix(f".{os.getpid()}.tmp")
        staged.write_bytes(read_module(path))
        os.replace(staged, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _hermetic_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Programs built during the tests go to a private cache directory."""
    if "WASTREL_CACHE_DIR" not in os.environ:
        os.environ["WASTREL_CACHE_DIR"] = str(Path(__file__).resolve().parent / ".build" / "cache")
