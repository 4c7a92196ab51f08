"""Golden snapshots: every case in tests/golden_cases, dumped after every pass.

The snapshots live in golden/<case>/<pass>.txt, one readable file each.  A
change in any pass's output shows up as a diff of those files, to be read
and accepted with `pytest tests/test_golden.py --snapshot-update`.
Each dump is also checked against its pass's output language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tests.conftest import wat_to_wasm
from wastrel.passes.manager import RunOptions, build_pipeline, run_pipeline

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "golden_cases").glob("*.wat"))
GOLDEN_DIR = ROOT / "golden"
DUMPED_PASSES = [p.name for p in build_pipeline() if p.name != "validate"]


class GoldenFile(SingleFileSnapshotExtension):
    """golden/<case>/<pass>.txt"""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
        case = test_location.snapshot_name.split("[", 1)[1].rstrip("]")
        return str(GOLDEN_DIR / case)

    @classmethod
    def get_file_basename(cls, *, test_location, index) -> str:  # type: ignore[no-untyped-def]
        return str(index)

    @classmethod
    def matches_test_location(cls, *, test_location, snapshot_location: str) -> bool:  # type: ignore[no-untyped-def]
        return Path(snapshot_location).parent == Path(cls.dirname(test_location=test_location))


def dumps_after_each_pass(path: Path) -> dict[str, str]:
    dumps: dict[str, str] = {}

    def keep(title: str, text: str) -> None:
        dumps[title.split()[1]] = text

    run_pipeline(wat_to_wasm(path).read_bytes(), RunOptions(dump_after={"all"}, check=True, on_dump=keep))
    return dumps


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    dumps = dumps_after_each_pass(case)
    golden = snapshot.use_extension(GoldenFile)
    for name in DUMPED_PASSES:
        assert dumps[name] == golden(name=name)


def test_enough_cases() -> None:
    assert len(CASES) >= 25
