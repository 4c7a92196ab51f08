"""bench/compile_speed.py on a small module: it compiles with wastrel (and
with wasm2c + gcc where wabt is installed) and reports both, with their
ratio, and wastrel's Python CPU as a share of its C compiler's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from wastrel.frontend.encode import encode_module
from wastrel.frontend.text.modules import read_module_text

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "compile_speed.py"

MODULE = """
(module
  (memory (export "memory") 1)
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "_start") (drop (call $sum (i32.const 10)))))
"""


def test_compile_speed_reports_wastrel_and_wasm2c(tmp_path: Path) -> None:
    module = tmp_path / "sum.wasm"
    module.write_bytes(encode_module(read_module_text(MODULE)))
    result = subprocess.run([sys.executable, str(SCRIPT), str(module), "--repeat", "1", "--markdown"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| compile sum.wasm | wall (best of 1) |")
    assert rows[1].startswith("| wastrel | ")
    assert "round 1: wastrel: " in result.stderr
    share = [line for line in result.stdout.splitlines() if line.startswith("wastrel's Python CPU / its C compiler's, round by round: ")]
    assert len(share) == 1 and share[0].split(": ")[1].split(";")[0].endswith("%"), result.stdout
    if shutil.which("wasm2c"):
        assert rows[2].startswith("| wasm2c + gcc -O2 | ")
        assert "wastrel/wasm2c wall time, round by round: " in result.stdout
    else:
        assert "wasm2c is not installed" in result.stderr
