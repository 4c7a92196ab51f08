"""The Python API's call overhead and a compute-heavy export, against wasmtime's.

    python bench/api.py [--calls N]

The same module in both: `nop` (no arguments), `add` (two i32s), each
timed over N calls (best of five rounds), and `mix`, a loop of 10^8
multiplications, xors and rotations (i32), once per round.  Both run the
call on the caller's thread (wastrel on its own Wasm stack: a switch of
stacks, runtime/embed.c).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
import time

import wasmtime

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import wastrel  # noqa: E402

WAT = """
(module
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mix") (param $n i32) (result i32)
    (local $x i32) (local $y i32)
    (loop $more
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (local.set $y (i32.xor (local.get $y) (i32.rotl (local.get $x) (local.get $y))))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $y)))
"""


def best(function, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    n = args.calls

    ours = wastrel.load(WAT.encode()).instantiate().exports
    store = wasmtime.Store()
    theirs = wasmtime.Instance(store, wasmtime.Module(store.engine, WAT), []).exports(store)
    nop, add, mix = theirs["nop"], theirs["add"], theirs["mix"]
    assert ours.mix(1000) == mix(store, 1000)

    rows = [
        ("nop() per call", best(lambda: [ours.nop() for _ in range(n)]) / n * 1e6, best(lambda: [nop(store) for _ in range(n)]) / n * 1e6, "us"),
        ("add(i32, i32) per call", best(lambda: [ours.add(i, 1) for i in range(n)]) / n * 1e6, best(lambda: [add(store, i, 1) for i in range(n)]) / n * 1e6, "us"),
        ("mix(10**8)", best(lambda: ours.mix(10**8)), best(lambda: mix(store, 10**8)), "s"),
    ]
    print(f"{'':24} {'wastrel':>10} {'wasmtime':>10}  wasmtime/wastrel")
    for name, a, b, unit in rows:
        print(f"{name:24} {a:9.4f}{unit:>2} {b:9.4f}{unit:>2}  {b / a:8.2f}")


if __name__ == "__main__":
    main()
