"""What `wastrel wast` says: a line per failing assertion, a line per
script, and the totals -- as text, or as JSON for tools."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class ScriptResult:
    path: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    skip_reason: str = ""  # the feature a skipped script needs
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def summary(self) -> str:
        text = f"{self.path}: {self.passed} passed, {self.failed} failed"
        if self.skipped:
            text += f", {self.skipped} skipped ({self.skip_reason})"
        return text


def text_report(results: list[ScriptResult]) -> str:
    lines = []
    for r in results:
        lines += [f"{r.path}:{line}: {why}" for line, why in sorted(r.failures)]
        lines.append(r.summary())
    lines.append(totals_line(results))
    return "\n".join(lines)


def totals_line(results: list[ScriptResult]) -> str:
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    skipped = sum(r.skipped for r in results)
    return f"{passed} passed, {failed} failed, {skipped} skipped"


def json_report(results: list[ScriptResult]) -> str:
    totals = {
        "passed": sum(r.passed for r in results),
        "failed": sum(r.failed for r in results),
        "skipped": sum(r.skipped for r in results),
    }
    return json.dumps({"scripts": [asdict(r) for r in results], "totals": totals}, indent=2)
