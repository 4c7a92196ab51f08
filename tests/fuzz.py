#!/usr/bin/env python3
"""Differential fuzzing of wastrel against wasmtime.

    python tests/fuzz.py --seeds N [--start S] [--jobs J] [--keep DIR] [--quiet | --verbose]
    python tests/fuzz.py --only 12,345            # just these seeds
    python tests/fuzz.py ... -O 0 | --cc clang    # every seed built so (default: the seed picks)
    python tests/fuzz.py ... --command            # as WASI commands: fast traps, up to the first trap
    python tests/fuzz.py ... --wasm3 | --gc       # only the seeds with Wasm 3.0 features / with GC
    python tests/fuzz.py --replay CASE.json       # a saved case (tests/fuzz_regressions/)
    python tests/fuzz.py --check M.wasm [--calls CASE.json] [--expect TEXT]
                                                  # exit 0 iff M.wasm gives a finding
                                                  # (whose text contains TEXT): a
                                                  # predicate for `wasm-tools shrink`

Each seed becomes one module, one list of calls and one way to build:

1. A seeded PRNG feeds bytes and configuration choices (size, fuel, which
   instructions, memory size and offsets, traps or not, NaN
   canonicalisation, SIMD or not) to `wasm-tools smith`, restricted to what
   wastrel supports: Wasm 2.0 (128-bit SIMD in about half the seeds; never
   relaxed SIMD, whose results differ between engines by design), no
   imports, every item exported, termination guaranteed (smith injects a
   fuel global, decremented at function entries and loop heads, that traps
   with `unreachable` when spent).  In smith's modules most SIMD code is
   dead or never reached, so 30% of the SIMD seeds get a module of SIMD
   expressions instead (`_SimdModule`: straight-line code over v128
   arguments, constants, globals and memory, every Wasm 2.0 SIMD
   instruction as likely as any other, NaN lanes canonicalised; values on
   the way summed into a global, `$seen`).
   40% of the seeds (not the SIMD expression ones) have Wasm 3.0 features
   (`seed_features`, from a PRNG of its own: the other seeds make the
   modules they always made): for smith, each of tail calls, exceptions
   (try_table, throw, throw_ref, exnref), memory64 (table64 too),
   multi-memory and extended constant expressions with probability 1/2
   (at least one); never relaxed SIMD or legacy exceptions (which
   wasmtime does not have).  25% of these are GC seeds (`_gc_seed`, a PRNG
   of its own again): half of them smith's module with GC on besides
   (struct and array types, rec groups, subtypes, i31, casts, typed
   references), the other half a module of GC expressions instead
   (`_GcModule`: struct and array types with subtypes, one rec group or
   each type alone and some defined twice; every struct, array, i31, cast
   and conversion instruction; GC references in locals, globals, a table
   and an exception's payload; loops that build linked lists and arrays of
   references, with garbage between them, and checksum what they built;
   exports of every kind of GC reference), since smith's GC modules
   allocate but seldom read, cast or collect.  Of the other Wasm 3.0
   seeds, smith rarely throws and has no typed function references
   without GC, so 30% get a module of exceptions, tail calls and function
   references instead (`_Wasm3Module`: functions of one signature calling
   earlier ones directly, through a table and through references, tail
   calls among them; conditional throws, try_table with every kind of
   catch, exnrefs kept and rethrown, branches and returns out of a try; a
   32-bit and a 64-bit memory).  `wasm-tools validate --features
   wasm2,FEATURES...` must accept the module (the few it rejects are
   counted and skipped).
2. The module is adapted (`prepare`): exports `--invoke-lines` cannot name
   (empty, blanks, control characters) are renamed `fzN`; each exported
   function F gets a twin `fuel:F` that refills the fuel first (otherwise
   the first call that loops spends it all and every later call traps at
   once); `fz:state` returns every global (smith folds most values it
   computes into globals), each memory's size (an i64 for a memory64) and
   the tables' sizes, and `fz:memhash` a hash of each memory's first 128
   MiB.
3. Calls: every exported function whose parameters are all numbers
   (v128 included) or nullable references, a few times each (an export
   with a non-nullable reference parameter is counted, not called), in a
   seeded order, mostly through its twin, with arguments drawn from the
   seed (0, 1, -1, the integer limits, NaN, the infinities, the zeros,
   random bits, ...; a reference is null (GC's too: anyref ... nullref,
   (ref null $t) of a struct or array type), or an externref a host one; a
   v128 is all zeros, all ones, random bits, or lanes of one shape: integer
   lanes near the limits, f32x4 or f64x2 lanes of special floats, NaNs with
   payloads among them); `fz:state` (v128 globals included, returned as
   they are) after each call, `fz:memhash` at the end.
4. The calls run in order on one instance in wasmtime (Python API; calls
   whose signature has a v128 go through its C API, which the Python API
   does not expose for v128) and in the program `wastrel compile` makes
   (`--invoke-lines`, a v128 written and printed as an unsigned 128-bit
   integer in 0x hex, lane 0 the low bits), built by the default C compiler
   at -O2 or, for some seeds, by clang or at another level.  Per call, the
   results must be the same or the trap the same (in the spec's words).
   Scalar floats compare bit for bit, except that two NaNs match whatever
   their payloads.  A v128 has no lane shape, so it compares bit for bit
   when smith canonicalised NaNs: its canonicalisation covers the SIMD
   float arithmetic too, so the NaN lanes it leaves are canonical on both
   sides (all but f64x2.promote_low_f32x4 and f32x4.demote_f64x2_zero,
   whose NaN payloads Wasm leaves open; on x86 both sides keep the payload,
   quietened, and no run has seen them differ).  Without canonicalisation,
   two v128 can differ in NaN payloads alone, so they match if, viewed as
   f32x4 or as f64x2, every lane is the same or a NaN on both sides (the
   scalar rule, lane by lane; it cannot tell an integer lane that happens
   to look like a NaN, -1 for one, from a float one, so it may hide a
   difference there: the price of not knowing the shape).  Saved cases
   record which rule applies (`canonical_nans`).
   References (funcref, externref, exnref, typed function references,
   GC's: anyref, eqref, i31ref, structs, arrays ...) compare as null or
   not.  An exception that leaves an export (or the start function) is an
   outcome of its own, "uncaught exception" (its tag is not compared),
   which both sides must give; wasmtime, whose Python API has no exnref and
   no GC reference and whose C API aborts when asked a typed reference's
   kind, is called through its C API for these (and for an externref
   result: the Python API takes a non-null one that extern.convert_any
   made, holding no host data, for null).  wasmtime has one trap code for
   every null reference; the instruction at the trap's offset tells which
   of the spec's messages it is (null structure, array, i31, function,
   exception reference).  An allocation too large for an engine's GC heap
   ("allocation size too large" in wasmtime, beyond 4 GiB; "out of memory"
   in wastrel, whose heap is limited to GC_MAX_HEAP here) is an outcome of
   its own, and inconclusive when only one side gives it.
   Instantiation traps (start function, segments) must match too.  A
   module that exports `_start` (`--command`, or a saved case's own) is a
   WASI command: built with fast traps, it stops at its first trap, so the
   calls are compared up to wasmtime's first trap.
5. GC seeds whose module is small (STRESS_MAX_BYTES) run in wastrel a
   second time under WASTREL_GC_STRESS=1, a collection at every
   allocation, and must agree with wasmtime then too (a saved case says so
   with "gc_stress": true).  wastrel's collector reports each collection
   (WASTREL_GC_VERBOSE; the lines are counted and left out of the
   outcomes), so that the summary tells how many GC seeds allocated (under
   stress: a collection per allocation) and collected, besides which kinds
   of GC instruction their code holds.

Findings: a mismatch; a module wastrel refuses to compile; a program that
hangs, dies from a signal or exits with a status other than 0 (or 134 after
a trap at instantiation).  Stack exhaustion depends on each engine's stack
size: when only one side runs out of stack, the module is "inconclusive" and
its later calls are not compared.  Each finding is printed with its seed,
its module as text, the calls and both outcomes; `--keep DIR` also saves
DIR/seed-N.wasm and DIR/seed-N.json, the form tests/fuzz_regressions/ uses
(then reduce the module, with `wasm-tools shrink` and `--check`, or by hand).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import ctypes
import ctypes.util
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WASM_TOOLS = str(Path(sys.executable).parent / "wasm-tools")
if not Path(WASM_TOOLS).exists():
    WASM_TOOLS = shutil.which("wasm-tools") or "wasm-tools"

COMPILE_TIMEOUT = 300.0  # seconds for `wastrel compile`
RUN_TIMEOUT = 30.0  # seconds for all of one module's calls, on either side
CALL_TIMEOUT = 2.0  # seconds for one call in wasmtime: longer is taken for a loop that never ends

# ---------------------------------------------------------------------------
# Generation


SMITH_FIXED = [
    "--max-imports", "0",
    "--export-everything", "true",
    "--min-types", "1",
    "--min-funcs", "1",
    "--max-memories", "1",
    "--max-tables", "3",
    "--relaxed-simd-enabled", "false",  # nondeterministic across engines by design
    "--threads-enabled", "false",
    "--shared-everything-threads-enabled", "false",
    "--gc-enabled", "false",
    "--tail-call-enabled", "false",
    "--exceptions-enabled", "false",
    "--memory64-enabled", "false",
    "--custom-page-sizes-enabled", "false",
    "--wide-arithmetic-enabled", "false",
    "--extended-const-enabled", "false",
    "--custom-descriptors-enabled", "false",
    "--compact-imports-enabled", "false",
]  # fmt: skip


def smith_config(rng: random.Random) -> tuple[list[str], int | None]:
    """The seed's share of smith's options (SIMD, size, traps, NaNs, which
    instructions, memory size and offsets) and its fuel (None: no fuel, the
    code as smith makes it, loops that never end included; a call that runs
    for more than CALL_TIMEOUT in wasmtime ends the list of calls)."""
    simd = rng.random() < 0.5
    fuel = rng.choice([50, 300, 1000, 3000]) if rng.random() < 0.8 else None
    options = ["--ensure-termination", "--fuel", str(fuel)] if fuel else []
    options += [
        "--simd-enabled", "true" if simd else "false",
        "--max-funcs", str(rng.choice([3, 6, 10, 20])),
        "--max-instructions", str(rng.choice([30, 100, 100, 250, 600])),
        # Without canonicalisation, a NaN's payload can reach an integer
        # (reinterpret, store then load) and Wasm lets engines differ there.
        "--canonicalize-nans", "true" if rng.random() < 0.85 else "false",
        "--disallow-traps", "true" if rng.random() < 0.3 else "false",
    ]  # fmt: skip
    if rng.random() < 0.3:  # fewer kinds of instruction, so the others come more often
        kinds = ["numeric", "variable", "control", "parametric"]
        kinds += [k for k in ("memory", "table", "reference") if rng.random() < 0.5]
        if simd and rng.random() < 0.8:  # without it, v128 values but no SIMD instructions
            kinds.append("vector")
        options += ["--allowed-instructions", ",".join(kinds)]
    if rng.random() < 0.4:  # small memories: more accesses in bounds, all of it hashed
        options += ["--max-memory32-bytes", str(rng.choice([1 << 16, 1 << 18, 1 << 20]))]
    if rng.random() < 0.3:  # weights of in-bounds, maybe and surely out-of-bounds offsets
        options += ["--memory-offset-choices", rng.choice(["1,0,0", "10,10,1", "1,1,1"])]
    return options, fuel


def smith_options(seed: int) -> list[str]:
    """The options `generate` gives smith for `seed` (besides SMITH_FIXED)."""
    return smith_config(random.Random(f"wastrel-fuzz-{seed}"))[0]


def option(options: list[str], name: str) -> str | None:
    """The value `options` gives `name` (the last, if several)."""
    values = [options[i + 1] for i, o in enumerate(options[:-1]) if o == name]
    return values[-1] if values else None


SIMD_EXPRS_SHARE = 0.3  # of the SIMD seeds: SIMD expression modules instead of smith's


def seed_kind(seed: int) -> str:
    """"smith" (without SIMD), "smith-simd", "simd-exprs": a module of SIMD
    expressions (`simd_module`) instead of smith's, for a share of the SIMD
    seeds, "wasm3-exprs": a module of exceptions, tail calls and typed
    function references (`wasm3_module`) for a share of the seeds with Wasm
    3.0 features, or "gc-exprs": a module of GC expressions (`gc_module`)
    for a share of the GC seeds (each choice from a PRNG of its own: the
    other seeds stay as they were)."""
    kind = _simd_kind(seed)
    if kind == "simd-exprs":
        return kind
    if _gc_seed(seed):
        return "gc-exprs" if random.Random(f"wastrel-fuzz-gc-kind-{seed}").random() < GC_EXPRS_SHARE else kind
    if _smith_features(seed) and random.Random(f"wastrel-fuzz-wasm3-kind-{seed}").random() < WASM3_EXPRS_SHARE:
        return "wasm3-exprs"
    return kind


def _gc_seed(seed: int) -> bool:
    """Is `seed` one of the GC seeds (GC_SHARE of those with Wasm 3.0
    features, from a PRNG of its own)?"""
    return bool(_smith_features(seed)) and random.Random(f"wastrel-fuzz-gc-{seed}").random() < GC_SHARE


def _simd_kind(seed: int) -> str:
    if option(smith_options(seed), "--simd-enabled") != "true":
        return "smith"
    return "simd-exprs" if random.Random(f"wastrel-fuzz-kind-{seed}").random() < SIMD_EXPRS_SHARE else "smith-simd"


# Wasm 3.0 features (GC and relaxed SIMD left out), for a share of smith's
# seeds: each feature's name as `wasm-tools validate --features` spells it,
# and the SMITH_FIXED option that turns it on.  (smith has no typed function
# references without GC: call_ref and (ref $t) come from no seed; the
# harness handles them, test_fuzz.py has a module of them.)
WASM3_SHARE = 0.4  # of the seeds (not the SIMD expression ones)
WASM3_EXPRS_SHARE = 0.3  # of those: modules of exceptions, tail calls and function references (`wasm3_module`)
WASM3_FEATURES = {
    "tail-call": "--tail-call-enabled",
    "exceptions": "--exceptions-enabled",
    "memory64": "--memory64-enabled",
    "multi-memory": "--max-memories",
    "extended-const": "--extended-const-enabled",
}
# GC: for a share of the seeds with Wasm 3.0 features (`_gc_seed`), smith's
# module with GC on besides those features, or for a share of these a
# module of GC expressions (`gc_module`).
GC_SHARE = 0.25  # of the seeds with Wasm 3.0 features
GC_EXPRS_SHARE = 0.5  # of those: modules of GC expressions
# What `wasm-tools validate` accepts of a module from `--check` or a saved
# case, and wasmtime's engine always: every Wasm 3.0 feature wastrel has
# but relaxed SIMD (legacy exceptions: wasmtime has none).
ALL_FEATURES = (*WASM3_FEATURES, "function-references", "gc")
WASM3_EXPRS_FEATURES = ("tail-call", "exceptions", "memory64", "multi-memory", "function-references")
GC_EXPRS_FEATURES = ("exceptions", "function-references", "gc")


def seed_features(seed: int) -> tuple[str, ...]:
    """The Wasm 3.0 features the module of `seed` may use (ALL_FEATURES'
    names): none for most seeds and for the SIMD expression modules; some
    for smith's, from a PRNG of their own (a seed without them makes the
    module it always made), GC as well for a GC seed; WASM3_EXPRS_FEATURES
    for a `wasm3_module`, GC_EXPRS_FEATURES for a `gc_module`."""
    kind = seed_kind(seed)
    if kind == "wasm3-exprs":
        return WASM3_EXPRS_FEATURES
    if kind == "gc-exprs":
        return GC_EXPRS_FEATURES
    if _gc_seed(seed):
        return (*_smith_features(seed), "function-references", "gc")
    return _smith_features(seed)


def _smith_features(seed: int) -> tuple[str, ...]:
    if _simd_kind(seed) == "simd-exprs":
        return ()
    rng = random.Random(f"wastrel-fuzz-wasm3-{seed}")
    if rng.random() >= WASM3_SHARE:
        return ()
    picked = tuple(f for f in WASM3_FEATURES if rng.random() < 0.5)
    return picked or (rng.choice(list(WASM3_FEATURES)),)


def feature_options(seed: int) -> tuple[list[str], list[str]]:
    """(SMITH_FIXED with `seed`'s Wasm 3.0 features turned on, the options
    those features add), from the features' own PRNG: SMITH_FIXED and
    nothing for a seed without them."""
    features = _smith_features(seed)
    if not features:
        return list(SMITH_FIXED), []
    rng = random.Random(f"wastrel-fuzz-wasm3-options-{seed}")
    fixed = list(SMITH_FIXED)
    extra: list[str] = []
    for feature in features:
        flag = WASM3_FEATURES[feature]
        fixed[fixed.index(flag) + 1] = str(rng.choice([2, 3, 4])) if feature == "multi-memory" else "true"
    if "exceptions" in features:  # a tag or a few: smith throws more often (and catches what it throws)
        extra += ["--min-tags", "1", "--max-tags", str(rng.choice([1, 2, 3]))]
    if "multi-memory" in features:  # (else smith often makes one memory or none)
        extra += ["--min-memories", str(rng.choice([1, 2, 2]))]
    if "memory64" in features:  # (smith's default allows memories of terabytes)
        extra += ["--max-memory64-bytes", str(rng.choice([1 << 16, 1 << 18, 1 << 20, 1 << 24]))]
    if _gc_seed(seed):  # (its own PRNG's draws come last: the options above stay as they were)
        fixed[fixed.index("--gc-enabled") + 1] = "true"
    return fixed, extra


def validate_features(features: tuple[str, ...] | list[str]) -> str:
    """`wasm-tools validate --features` for a module of Wasm 2.0 and these
    Wasm 3.0 features."""
    return ",".join(["wasm2", *features])


@dataclass
class Generated:
    wasm: bytes | None  # None: the generator could not make one
    fuel: int | None
    kind: str  # as seed_kind says
    canonical_nans: bool  # every NaN the module computes is canonical
    features: tuple[str, ...] = ()  # Wasm 3.0 features smith could use (seed_features)


def generate(seed: int, command: bool = False) -> Generated:
    """The module for `seed`: smith's (None if smith cannot make one), with
    its fuel, or a SIMD expression module (`command`: for a command, see
    `_SimdModule`)."""
    rng = random.Random(f"wastrel-fuzz-{seed}")
    options, fuel = smith_config(rng)
    kind = seed_kind(seed)
    if kind == "simd-exprs":
        return Generated(simd_module(random.Random(f"wastrel-fuzz-simd-{seed}"), command), None, kind, True)
    if kind == "wasm3-exprs":
        wasm = wasm3_module(random.Random(f"wastrel-fuzz-wasm3-module-{seed}"), command)
        return Generated(wasm, None, kind, True, WASM3_EXPRS_FEATURES)
    if kind == "gc-exprs":
        wasm = gc_module(random.Random(f"wastrel-fuzz-gc-module-{seed}"), command)
        return Generated(wasm, None, kind, True, GC_EXPRS_FEATURES)
    canonical = option(options, "--canonicalize-nans") == "true"
    data = rng.randbytes(rng.choice([600, 2000, 6000, 15000]))
    fixed, extra = feature_options(seed)
    run = subprocess.run([WASM_TOOLS, "smith", *fixed, *options, *extra], input=data, capture_output=True, timeout=60)
    return Generated(run.stdout if run.returncode == 0 else None, fuel, kind, canonical, seed_features(seed))


# ---------------------------------------------------------------------------
# SIMD expression modules.  In smith's modules most SIMD code is dead (after
# a branch) or never reached (a trap first), and what runs mostly works on
# bit patterns that are NaNs or huge as floats: mutants of wastrel's runtime
# (f32x4.floor as trunc, i8x16.popcnt and i16x8.add_sat_s wrong, i32x4.shl
# masking the count to 4 bits) got through hundreds of SIMD seeds.  These
# modules are straight-line SIMD instead: every instruction of Wasm 2.0
# SIMD, as likely as any other, in expression trees over v128 (and scalar)
# parameters, constants (random_v128's lanes), globals and locals, with
# select, if and calls of earlier functions between them; stores and lane
# stores to an in-bounds, boundary or out-of-bounds address, global and
# local sets, drops.  The float instructions whose NaN results Wasm leaves
# open (sign and payload) have their NaN lanes canonicalised, as smith does,
# so that v128 results compare bit for bit.


_NAN_OPEN = {
    f"{shape}.{op}"
    for shape in ("f32x4", "f64x2")
    for op in ("add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc", "nearest")
} | {"f32x4.demote_f64x2_zero", "f64x2.promote_low_f32x4"}
_CANONICAL = {"f32x4": "i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000", "f64x2": "i64x2 0x7ff8000000000000 0x7ff8000000000000"}
_I32_LEAVES = [0, 1, -1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, -128, -129, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, -(1 << 31)]
_SCALARS = ("i32", "i64", "f32", "f64")


def _simd_ops() -> list:
    """Wasm 2.0 SIMD instructions (relaxed SIMD left out), from wastrel's table."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from wastrel.ir.simd import SIMD_OPS

    return [op for op in SIMD_OPS if not op.relaxed and op.immediate != "v128"]


class _SimdModule:
    """One module's text, built by `simd_module`.  `command`: every load's
    value goes through `$observe`, all of it: with fast traps, the C compiler
    may narrow or delete a load whose value is partly or wholly unused, and
    its trap with it -- a liberty runtime/wastrel_ops.h grants it ("a load
    that a consumer in the same statement folds away"), which SIMD code
    takes often (a lane extracted from a load_lane but not the loaded one).
    The PRNG draws the same either way: the modules differ in these calls
    only."""

    def __init__(self, rng: random.Random, command: bool = False) -> None:
        self.rng = rng
        self.command = command
        ops = _simd_ops()
        self.by_result: dict[str, list] = {}
        for op in ops:
            if op.results and not (op.immediate.startswith("memarg") and rng.random() < 0.3):
                self.by_result.setdefault(op.results[0], []).append(op)
        self.stores = [op for op in ops if not op.results]
        self.nglobals = rng.randint(1, 3)
        self.funcs: list[tuple[list[str], str]] = []  # (params, result) of the functions made so far

    # -- leaves and operands --

    def const(self, ty: str, floats: int = 0) -> str:
        """A constant; `floats` 32 or 64: a v128 of float lanes that wide."""
        rng = self.rng
        if ty == "v128":
            bits = float_v128(rng, floats) if floats else random_v128(rng)
            return f"(v128.const i64x2 {bits & (2**64 - 1):#x} {bits >> 64:#x})"
        if ty == "i32":
            value = rng.choice(_I32_LEAVES) if rng.random() < 0.7 else rng.getrandbits(32) - (1 << 31)
            return f"(i32.const {value})"
        if ty == "i64":
            value = rng.choice([0, 1, -1, 2, 63, 64, 1 << 63, (1 << 63) - 1, 1 << 32]) if rng.random() < 0.6 else rng.getrandbits(64)
            return f"(i64.const {value & (2**64 - 1):#x})"
        lanes = F32_LANES if ty == "f32" else F64_LANES
        bits = rng.choice(lanes) if rng.random() < 0.7 else rng.getrandbits(32 if ty == "f32" else 64)
        # By reinterpretation: the exact bits, NaN payloads included.
        return f"({ty}.reinterpret_i{ty[1:]} (i{ty[1:]}.const {bits:#x}))"

    def leaf(self, ty: str, floats: int = 0) -> str:
        rng = self.rng
        if floats and rng.random() < 0.5:
            return self.const(ty, floats)
        choices = ["const"]
        if any(t == ty for t in self.params):
            choices += ["param"] * 3
        if ty == "v128":
            choices += ["global", "local"]
        pick = rng.choice(choices)
        if pick == "param":
            return f"(local.get {rng.choice([i for i, t in enumerate(self.params) if t == ty])})"
        if pick == "global":
            return f"(global.get $g{rng.randrange(self.nglobals)})"
        if pick == "local":
            return f"(local.get $l{rng.randrange(2)})"
        return self.const(ty, floats)

    def address(self, op) -> tuple[str, int]:
        """An address expression and a static offset: in bounds mostly (a
        constant address out of bounds would make every call trap there),
        up to the end of the one page; out of bounds for some arguments."""
        rng = self.rng
        size = op.access_bytes
        offset = rng.choice([0, 0, 0, 1, 3, 8, 16, 100, 1000])
        last = 65536 - size - offset  # the last address in bounds
        pick = rng.random()
        i32_params = [i for i, t in enumerate(self.params) if t == "i32"]
        if pick < 0.15 and i32_params:
            address = f"(i32.and (local.get {rng.choice(i32_params)}) (i32.const {rng.choice([0xFF, 0xFFF, 0xFFF0, 0x7FFF])}))"
        elif pick < 0.22 and i32_params:  # across the end, for some arguments
            address = f"(i32.add (i32.const {last - 3}) (i32.and (local.get {rng.choice(i32_params)}) (i32.const 7)))"
        elif pick < 0.25:  # anything, half of it out of bounds
            address = f"(i32.and {self.expr('i32', 1)} (i32.const 0x1ffff))"
        elif pick < 0.32:
            address = f"(i32.const {last - rng.randrange(4)})"
        elif pick < 0.33:
            address = f"(i32.const {last + 1 + rng.randrange(4)})"
        else:
            address = f"(i32.const {rng.randrange(0, last + 1)})"
        return address, offset

    def memarg(self, op, offset: int) -> str:
        align = self.rng.choice([a for a in (1, 2, 4, 8, 16) if a <= op.access_bytes])
        return f"offset={offset} align={align}"

    # -- expressions --

    def expr(self, ty: str, depth: int, floats: int = 0) -> str:
        """An expression of type `ty`; `floats` 32 or 64: an operand of a
        float instruction, more often a leaf of float lanes that wide."""
        rng = self.rng
        if depth <= 0 or rng.random() < (0.5 if floats else 0.15):
            return self.leaf(ty, floats)
        pick = rng.random()
        if pick < 0.04:
            return f"(select {self.expr(ty, depth - 1)} {self.expr(ty, depth - 1)} {self.expr('i32', depth - 1)})"
        if pick < 0.07:
            return f"(if (result {ty}) {self.expr('i32', depth - 1)} (then {self.expr(ty, depth - 1)}) (else {self.expr(ty, depth - 1)}))"
        callees = [i for i, (_, result) in enumerate(self.funcs) if result == ty]
        if pick < 0.12 and callees:
            k = rng.choice(callees)
            return f"(call $f{k} {' '.join(self.expr(t, depth - 1) for t in self.funcs[k][0])})"
        if ty == "v128" and pick < 0.14:
            return f"(local.tee $l{rng.randrange(2)} {self.expr(ty, depth - 1)})"
        if ty != "v128" and pick < 0.3:  # a scalar operation between SIMD ones
            if ty in ("i32", "i64"):
                return f"({ty}.{rng.choice(['add', 'sub', 'xor', 'and', 'shl', 'rotl'])} {self.expr(ty, depth - 1)} {self.expr(ty, depth - 1)})"
            return self.leaf(ty)
        return self.simd(rng.choice(self.by_result[ty]), depth)

    def simd(self, op, depth: int) -> str:
        rng = self.rng
        words = [op.name]
        operands = list(op.params)
        if op.immediate in ("memarg", "memarg_lane"):
            address, offset = self.address(op)
            words.append(self.memarg(op, offset))
            if op.immediate == "memarg_lane":
                words.append(str(rng.randrange(16 // op.access_bytes)))
            words.append(address)
            operands = operands[1:]
        elif op.immediate == "lane":
            shape = op.name.partition(".")[0]
            words.append(str(rng.randrange({"i8x16": 16, "i16x8": 8, "i32x4": 4, "i64x2": 2, "f32x4": 4, "f64x2": 2}[shape])))
        elif op.immediate == "shuffle":
            words += [str(rng.randrange(32)) for _ in range(16)]
        shape = op.name.partition(".")[0]
        floats = {"f32x4": 32, "f64x2": 64}.get(shape) or (32 if "_f32x4" in op.name else 64 if "_f64x2" in op.name else 0)
        words += [self.expr(t, depth - 1, floats if t == "v128" else 0) for t in operands]
        text = f"({' '.join(words)})"
        if op.name in _NAN_OPEN:  # NaN lanes made canonical, as smith does
            text = f"(v128.bitselect (v128.const {_CANONICAL[shape]}) (local.tee $s {text}) ({shape}.ne (local.get $s) (local.get $s)))"
        observe = rng.random() < 0.3
        if op.results == ("v128",) and (observe or (self.command and op.immediate.startswith("memarg"))):
            text = f"(call $observe {text})"
        return text

    def statement(self, depth: int) -> str:
        rng = self.rng
        pick = rng.random()
        if pick < 0.35:
            op = rng.choice(self.stores)
            address, offset = self.address(op)
            lane = f" {rng.randrange(16 // op.access_bytes)}" if op.immediate == "memarg_lane" else ""
            return f"({op.name} {self.memarg(op, offset)}{lane} {address} {self.expr('v128', depth)})"
        if pick < 0.65:
            return f"(global.set $g{rng.randrange(self.nglobals)} {self.expr('v128', depth)})"
        if pick < 0.9:
            return f"(local.set $l{rng.randrange(2)} {self.expr('v128', depth)})"
        return f"(drop {self.expr(rng.choice(['v128', 'v128', *_SCALARS]), depth)})"

    def function(self, index: int) -> str:
        rng = self.rng
        self.params = [rng.choice(["v128", "v128", "v128", *_SCALARS]) for _ in range(rng.randint(0, 4))]
        result = rng.choice(["v128"] * 6 + list(_SCALARS))
        depth = rng.choice([1, 2, 2, 3, 3, 4, 5])
        body = [self.statement(depth) for _ in range(rng.randint(0, 6))] + [self.expr(result, depth)]
        text = (
            f"  (func $f{index} (export \"f{index}\") (param {' '.join(self.params)}) (result {result})\n"
            f"    (local $s v128) (local $l0 v128) (local $l1 v128)\n    " + "\n    ".join(body) + ")\n"
        )
        self.funcs.append((self.params, result))
        return text

    def module(self) -> str:
        rng = self.rng
        data = "".join(f"\\{b:02x}" for b in rng.randbytes(64))
        tail = "".join(f"\\{b:02x}" for b in rng.randbytes(64))
        parts = ["(module\n  (memory 1 1)\n", f'  (data (i32.const 0) "{data}")\n', f'  (data (i32.const 65472) "{tail}")\n']
        parts += [f"  (global $g{k} (mut v128) {self.const('v128')})\n" for k in range(self.nglobals)]
        parts.append(_OBSERVE)
        parts += [self.function(k) for k in range(rng.randint(3, 10))]
        return "".join(parts) + ")\n"


# A value passes through `$observe` on its way: it goes into the sum `$seen`
# (fz:state returns it), so that an instruction's result counts even where
# later ones would hide it (a comparison, a lane left out, a saturation).
_OBSERVE = """  (global $seen (mut v128) (v128.const i64x2 0 0))
  (func $observe (param v128) (result v128)
    (global.set $seen (i32x4.add (local.get 0)
      (i8x16.shuffle 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0 (global.get $seen) (global.get $seen))))
    (local.get 0))
"""


def simd_module(rng: random.Random, command: bool = False) -> bytes | None:
    """A module of SIMD expressions (see above), or None if wasm-tools will
    not parse it (a bug here)."""
    text = _SimdModule(rng, command).module()
    run = subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, timeout=60)
    return run.stdout if run.returncode == 0 else None


# ---------------------------------------------------------------------------
# Modules of exceptions, tail calls and typed function references.  smith
# rarely throws (a tag's payload must be on its operand stack), and has no
# typed function references without GC.  These modules are trees of i32 and
# i64 expressions instead, in functions of one signature, $sig (i32 i32) ->
# i32, each calling only earlier ones (so every call ends): conditional
# throws of a few tags, try_table with every kind of catch clause (their
# payloads and exnrefs turned into an i32, the exnref kept in $exn for
# throw_ref), branches and returns out of a try_table, direct, indirect and
# reference calls (call_ref on a nullable, a non-null and a non-nullable
# local's reference; ref.as_non_null, br_on_null, br_on_non_null) and their
# tail-call forms (whose callee's exceptions the caller's handlers do not
# see), stores, loads and growth of a 32-bit and a 64-bit memory, global
# and local sets; traps among them (division, memory, null references,
# call_indirect's).  Legacy try/catch is left out: wasmtime does not have it.

_W3_TAGS = [(), ("i32",), ("i64",), ("i32", "i64")]


class _Wasm3Module:
    """One module's text, built by `wasm3_module`.  `command`: every load's
    value goes through `$observe` (see `_SimdModule`); the PRNG draws the
    same either way."""

    def __init__(self, rng: random.Random, command: bool = False) -> None:
        self.rng = rng
        self.command = command
        self.tags = [rng.choice(_W3_TAGS) for _ in range(rng.randint(1, 3))]
        self.globals = [rng.choice(["i32", "i64"]) for _ in range(rng.randint(2, 4))]
        self.nfuncs = rng.randint(3, 8)
        self.labels = 0
        self.k = 0  # the function being made
        self.calls_left = 0  # calls the function may still make (else their number grows exponentially)
        self.loops_left = 0  # one loop a function, counted by $i
        self.in_loop = False
        self.outer: list[str] = []  # labels of enclosing blocks of result i32 (`br` out of a try_table)

    def label(self, prefix: str) -> str:
        self.labels += 1
        return f"${prefix}{self.labels}"

    def callee(self) -> int | None:
        """An earlier function to call, if the budget allows (none in a loop)."""
        if self.k == 0 or self.calls_left <= 0 or self.in_loop:
            return None
        self.calls_left -= 1
        return self.rng.randrange(self.k)

    # -- values --

    def i32(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.2:
            pick = rng.random()
            if pick < 0.4:
                return f"(local.get {rng.randrange(2)})"
            if pick < 0.55:
                return "(local.get $a)"
            globals_ = [i for i, t in enumerate(self.globals) if t == "i32"]
            if pick < 0.7 and globals_:
                return f"(global.get $g{rng.choice(globals_)})"
            return f"(i32.const {rng.choice(_I32_LEAVES)})"
        d = depth - 1
        pick = rng.random()
        if pick < 0.2:
            op = rng.choice(["add", "sub", "mul", "xor", "and", "or", "shl", "shr_u", "rotl", "eq", "lt_s", "gt_u", "div_s", "rem_u"])
            return f"(i32.{op} {self.i32(d)} {self.i32(d)})"
        if pick < 0.25:
            return f"(i32.wrap_i64 {self.i64(d)})"
        if pick < 0.32:
            return self.load("i32", d)
        if pick < 0.47:
            call = self.call(d)
            if call:
                return call
        if pick < 0.62:
            return self.try_table(d)
        if pick < 0.67:
            return f"(if (result i32) {self.i32(d)} (then {self.i32(d)}) (else {self.i32(d)}))"
        if pick < 0.75:
            return f"(block (result i32) {self.statement(d)} {self.i32(d)})"
        if pick < 0.8:
            return f"(local.tee $a {self.i32(d)})"
        if pick < 0.83:
            return "(i32.wrap_i64 (memory.size $m1))" if rng.random() < 0.5 else "(memory.size $m0)"
        if pick < 0.86:
            return f"(ref.is_null {self.ref(d)})"
        return self.i32(0)

    def i64(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.3:
            pick = rng.random()
            globals_ = [i for i, t in enumerate(self.globals) if t == "i64"]
            if pick < 0.3:
                return "(local.get $b)"
            if pick < 0.5 and globals_:
                return f"(global.get $g{rng.choice(globals_)})"
            value = rng.choice([0, 1, -1, 7, 1 << 32, 1 << 63, (1 << 63) - 1]) if rng.random() < 0.6 else rng.getrandbits(64)
            return f"(i64.const {value & (2**64 - 1):#x})"
        d = depth - 1
        pick = rng.random()
        if pick < 0.3:
            return f"(i64.extend_i32_{rng.choice('su')} {self.i32(d)})"
        if pick < 0.5:
            return f"(i64.{rng.choice(['add', 'sub', 'mul', 'xor', 'shl', 'rotr', 'div_u'])} {self.i64(d)} {self.i64(d)})"
        if pick < 0.65:
            return self.load("i64", d)
        if pick < 0.72:
            return f"(memory.grow $m1 (i64.const {rng.choice([0, 1, 1, 2])}))"
        if pick < 0.8:
            return f"(local.tee $b {self.i64(d)})"
        return self.i64(0)

    def address(self, memory: int, size: int, depth: int) -> str:
        """An address in $m0 (i32) or $m1 (i64, of 1 or 2 pages): in bounds
        mostly, near the end, across it for some values."""
        rng = self.rng
        pick = rng.random()
        if pick < 0.6:
            value = str(rng.randrange(0, 256))
        elif pick < 0.75:
            value = str(65536 - size - rng.randrange(3))
        elif pick < 0.85:
            value = str(65536 + rng.randrange(-2, 40))
        else:
            value = None
        if memory == 0:
            return f"(i32.const {value})" if value else f"(i32.and {self.i32(depth)} (i32.const 0x1ffff))"
        return f"(i64.const {value})" if value else f"(i64.and {self.i64(depth)} (i64.const 0x1ffff))"

    def load(self, ty: str, depth: int) -> str:
        rng = self.rng
        memory = rng.randrange(2)
        op, size = rng.choice([("load", 4 if ty == "i32" else 8), ("load8_u", 1), ("load16_s", 2)])
        text = f"({ty}.{op} $m{memory} {self.address(memory, size, depth)})"
        observe = rng.random() < 0.3
        if observe or self.command:
            text = f"(call $observe_{ty} {text})"
        return text

    def ref(self, depth: int) -> str:
        """A (ref null $sig)."""
        rng = self.rng
        pick = rng.random()
        callee = rng.randrange(self.k) if self.k else None
        if callee is None or pick < 0.15:
            return "(ref.null $sig)"
        if pick < 0.5:
            return f"(ref.func $f{callee})"
        if pick < 0.7:
            return "(local.get $nn)"
        return f"(select (result (ref null $sig)) (ref.func $f{callee}) (ref.null $sig) {self.i32(depth)})"

    def table_index(self, depth: int) -> str:
        """An index of $table: an earlier function's, or (for some) one
        past the functions, null or out of bounds."""
        if self.rng.random() < 0.85:
            return f"(i32.rem_u {self.i32(depth)} (i32.const {self.k}))"
        return f"(i32.add (i32.const {self.nfuncs}) (i32.and {self.i32(depth)} (i32.const 3)))"

    def call(self, depth: int, tail: bool = False) -> str | None:
        callee = self.callee()
        if callee is None:
            return None
        rng = self.rng
        args = f"{self.i32(depth)} {self.i32(depth)}"
        prefix = "return_" if tail else ""
        pick = rng.random()
        if pick < 0.35:
            return f"({prefix}call $f{callee} {args})"
        if pick < 0.55:
            return f"({prefix}call_indirect $table (type $sig) {args} {self.table_index(depth)})"
        if pick < 0.75:
            return f"({prefix}call_ref $sig {args} {self.ref(depth)})"
        if pick < 0.85:
            return f"({prefix}call_ref $sig {args} (ref.as_non_null {self.ref(depth)}))"
        if pick < 0.92 and not tail:
            # br_on_null: a null reference gives the second argument instead
            block = self.label("n")
            return f"(block {block} (result i32) ({prefix}call_ref $sig {args} (br_on_null {block} {self.ref(depth)})))"
        block = self.label("nn")
        return f"({prefix}call_ref $sig {args} (block {block} (result (ref $sig)) (br_on_non_null {block} {self.ref(depth)}) (ref.func $f{callee})))"

    # -- exceptions --

    def throw(self, depth: int) -> str:
        tag = self.rng.randrange(len(self.tags))
        args = " ".join(self.i32(depth) if t == "i32" else self.i64(depth) for t in self.tags[tag])
        return f"(throw $t{tag}{' ' + args if args else ''})"

    def to_i32(self, types: list[str], mark: int) -> str:
        """Instructions that turn the values of `types` (a catch clause's
        payload, exnref last) on the stack into one i32."""
        code = []
        if types and types[-1] == "exnref":
            code.append("global.set $exn")
            types = types[:-1]
        if types == ["i64"]:
            code.append("i32.wrap_i64")
        elif types == ["i32", "i64"]:
            code += ["i32.wrap_i64", "i32.add"]
        elif not types:
            code.append("i32.const 0")
        code += [f"i32.const {mark}", "i32.xor"]
        return " ".join(code)

    def try_table(self, depth: int) -> str:
        rng = self.rng
        done = self.label("done")
        clauses = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["catch", "catch_ref", "catch_all", "catch_all_ref"])
            tag = rng.randrange(len(self.tags))
            payload = list(self.tags[tag]) if kind in ("catch", "catch_ref") else []
            if kind.endswith("_ref"):
                payload.append("exnref")
            clauses.append((kind, tag, payload, self.label("h")))
        self.outer.append(done)
        body = " ".join(self.statement(depth - 1, in_try=True) for _ in range(rng.randint(0, 3)))
        value = self.i32(depth - 1)
        self.outer.pop()
        catches = " ".join(f"({kind}{f' $t{tag}' if not kind.startswith('catch_all') else ''} {h})" for kind, tag, _, h in clauses)
        text = f"(br {done} (try_table (result i32) {catches} {body} {value}))"
        for i, (_, _, payload, h) in enumerate(clauses):  # the first clause's block innermost
            result = f" (result {' '.join(payload)})" if payload else ""
            text = f"(block {h}{result} {text}) {self.to_i32(payload, 0x100 * (i + 1))}"
            if i < len(clauses) - 1:
                text += f" (br {done})"
        return f"(block {done} (result i32) {text})"

    # -- statements --

    def statement(self, depth: int, in_try: bool = False) -> str:
        rng = self.rng
        d = max(depth, 0)
        pick = rng.random()
        if pick < 0.15:
            g = rng.randrange(len(self.globals))
            return f"(global.set $g{g} {self.i32(d) if self.globals[g] == 'i32' else self.i64(d)})"
        if pick < 0.22:
            return f"(local.set $a {self.i32(d)})" if rng.random() < 0.6 else f"(local.set $b {self.i64(d)})"
        if pick < 0.34:
            memory = rng.randrange(2)
            ty, op, size = rng.choice([("i32", "store", 4), ("i64", "store", 8), ("i32", "store8", 1), ("i64", "store16", 2)])
            value = self.i32(d) if ty == "i32" else self.i64(d)
            return f"({ty}.{op} $m{memory} {self.address(memory, size, d)} {value})"
        if pick < 0.52:
            return f"(if {self.condition(d)} (then {self.throw(d)}))"
        if pick < 0.56:
            if rng.random() < 0.7:  # (else mostly a null exception reference)
                return "(if (i32.eqz (ref.is_null (global.get $exn))) (then (throw_ref (global.get $exn))))"
            return f"(if {self.condition(d)} (then (throw_ref (global.get $exn))))"
        if pick < 0.64:  # an exnref kept for later
            h = self.label("k")
            body = " ".join(self.statement(d - 1) for _ in range(rng.randint(1, 2)))
            return f"(global.set $exn (block {h} (result exnref) (try_table (catch_all_ref {h}) {body}) (ref.null exn)))"
        if pick < 0.72:
            call = self.call(d, tail=True)
            if call:
                return f"(if {self.condition(d)} (then {call}))"
        if pick < 0.76:
            return f"(if {self.condition(d)} (then (return {self.i32(d)})))"
        if pick < 0.8 and in_try and self.outer:
            return f"(drop (br_if {rng.choice(self.outer)} {self.i32(d)} {self.i32(d)}))"
        if pick < 0.9:
            return f"(drop {self.i32(d)})"
        if pick < 0.92:
            return f"(if {self.condition(d)} (then unreachable))"
        if pick < 0.97 and self.loops_left:
            return self.loop(d)
        return f"(drop {self.i64(d)})"

    def condition(self, depth: int) -> str:
        """An i32 for an `if` around a throw, a return or a trap: any
        value (mostly true), or true for a half, a quarter or an eighth of
        them."""
        rng = self.rng
        if rng.random() < 0.3:
            return self.i32(depth)
        return f"(i32.eqz (i32.and {self.i32(depth)} (i32.const {rng.choice([1, 3, 7])})))"

    def loop(self, depth: int) -> str:
        """A loop of a few rounds (counted by $i; no calls in it): its body
        either runs and branches back, or is a try_table whose handler is
        the loop (a throw starts the next round, until the last)."""
        rng = self.rng
        self.loops_left -= 1
        self.in_loop = True
        loop, rounds = self.label("l"), rng.randint(1, 4)
        body = " ".join(self.statement(depth - 1) for _ in range(rng.randint(1, 3)))
        self.in_loop = False
        count = f"(local.set $i (i32.add (local.get $i) (i32.const 1)))"
        more = f"(i32.lt_u (local.get $i) (i32.const {rounds}))"
        if rng.random() < 0.5:
            text = f"(loop {loop} {count} {body} (br_if {loop} {more}))"
        else:
            empty = [i for i, t in enumerate(self.tags) if not t]
            catch = f"(catch $t{rng.choice(empty)} {loop})" if empty and rng.random() < 0.5 else f"(catch_all {loop})"
            text = f"(loop {loop} {count} (try_table {catch} (if {more} (then {body} {self.throw(depth - 1)}))))"
        return f"(block (local.set $i (i32.const 0)) {text})"

    def function(self, k: int) -> str:
        rng = self.rng
        self.k, self.calls_left, self.loops_left = k, rng.randint(1, 4), 1
        depth = rng.choice([2, 3, 3, 4, 5])
        locals_ = "(local $a i32) (local $b i64) (local $i i32)" + (" (local $nn (ref $sig))" if k else "")
        body = [f"(local.set $nn (ref.func $f{rng.randrange(k)}))"] if k else []
        body += [self.statement(depth) for _ in range(rng.randint(1, 5))]
        body.append(self.i32(depth))
        return f'  (func $f{k} (export "f{k}") (type $sig) {locals_}\n    ' + "\n    ".join(body) + ")\n"

    def module(self) -> str:
        rng = self.rng
        parts = ["(module\n", "  (type $sig (func (param i32 i32) (result i32)))\n"]
        parts += [f"  (tag $t{i}{' (param ' + ' '.join(t) + ')' if t else ''})\n" for i, t in enumerate(self.tags)]
        parts.append(f"  (memory $m0 1 {rng.choice([1, 2])})\n  (memory $m1 i64 1 2)\n")
        data = "".join(f"\\{b:02x}" for b in rng.randbytes(32))
        parts.append(f'  (data (memory $m0) (i32.const 0) "{data}")\n  (data (memory $m1) (i64.const 65500) "{data}")\n')
        for i, ty in enumerate(self.globals):
            parts.append(f"  (global $g{i} (mut {ty}) ({ty}.const {rng.choice([0, 1, -1, 100, 0x7FFFFFFF])}))\n")
        parts.append("  (global $exn (mut exnref) (ref.null exn))\n  (global $seen (mut i64) (i64.const 0))\n")
        parts.append(_W3_OBSERVE)
        funcs = " ".join(f"$f{i}" for i in range(self.nfuncs))
        parts.append(f"  (table $table {self.nfuncs + 2} funcref)\n  (elem (table $table) (i32.const 0) func {funcs})\n")
        parts += [self.function(k) for k in range(self.nfuncs)]
        self.k = self.nfuncs
        parts.append('  (func (export "exn") (result exnref) (global.get $exn))\n')
        parts.append('  (func (export "rethrow") (param exnref) (throw_ref (local.get 0)))\n')
        parts.append(f'  (func (export "ref") (param i32) (result (ref null $sig))\n    (select (result (ref null $sig)) (ref.func $f{rng.randrange(self.nfuncs)}) (ref.null $sig) (local.get 0)))\n')
        parts.append(f'  (func (export "nonnull") (result (ref $sig)) (ref.func $f{rng.randrange(self.nfuncs)}))\n')
        if rng.random() < 0.15:  # which may trap or throw: at instantiation
            parts.append(f"  (func $start (drop (call $f{rng.randrange(self.nfuncs)} (i32.const {rng.choice(_I32_LEAVES)}) (i32.const 1))))\n  (start $start)\n")
        return "".join(parts) + ")\n"


# Loads' values pass through these on their way (as in `_SimdModule`).
_W3_OBSERVE = """  (func $observe_i32 (param i32) (result i32)
    (global.set $seen (i64.add (i64.rotl (global.get $seen) (i64.const 5)) (i64.extend_i32_u (local.get 0)))) (local.get 0))
  (func $observe_i64 (param i64) (result i64)
    (global.set $seen (i64.add (i64.rotl (global.get $seen) (i64.const 5)) (local.get 0))) (local.get 0))
"""


def wasm3_module(rng: random.Random, command: bool = False) -> bytes | None:
    """A module of exceptions, tail calls and typed function references
    (see above), or None if wasm-tools will not parse it (a bug here)."""
    text = _Wasm3Module(rng, command).module()
    run = subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, timeout=60)
    return run.stdout if run.returncode == 0 else None


# ---------------------------------------------------------------------------
# Modules of WasmGC expressions.  smith's GC modules allocate (struct.new
# mostly) but seldom read what they built, cast it, or allocate enough for a
# collection.  These modules are trees of i32 and i64 expressions over GC
# values instead: struct and array types (packed fields, references among
# them, subtypes, final ones, in one recursion group or each alone, some
# defined twice -- two equal definitions are one type), struct.new/
# new_default/get/get_s/get_u/set, array.new/new_default/new_fixed/
# new_data/new_elem/get/get_s/get_u/set/len/fill/copy/init_data/init_elem,
# ref.test, ref.cast (bare, and guarded by a ref.test), br_on_cast,
# br_on_cast_fail, ref.i31, i31.get_s/u, ref.eq, ref.is_null,
# any.convert_extern/extern.convert_any, GC references in globals, locals,
# a table, an exception's payload; loops that allocate a lot (a linked
# list, an array of references to structs, i31s and arrays, garbage
# between them) and fold what they built into a checksum; functions of one
# signature calling earlier ones (which may allocate, with references held
# across the call); exports of every kind of GC reference as results, and
# as nullable and non-nullable parameters.

_GC_ABSTRACT = ("any", "eq", "i31", "struct", "array", "none")


class _GcModule:
    """One module's text, built by `gc_module` (`command`: the PRNG draws
    the same; nothing differs, GC's traps being explicit tests)."""

    def __init__(self, rng: random.Random, command: bool = False) -> None:
        self.rng = rng
        self.command = command
        self.rec = rng.random() < 0.5  # every type in one recursion group, else each alone
        self.types: list[dict] = []
        self.labels = 0
        self.k = 0
        self.calls_left = 0
        self.loops_left = 0
        self.in_loop = False
        self.locals: list[tuple[str, tuple]] = []  # (name, reference type) of the function's locals and parameters
        self.i32_params: list[str] = []
        self.helpers: list[tuple[list, object]] = []  # (parameters, result) of $h0...: references in and out
        self.hk = 0  # the helpers the function being made may call
        self.const_globals: list[int] = []  # the immutable globals defined so far (constants may read them)
        self._types()
        self.nfuncs = rng.randint(3, 7)
        self.globals = self._globals()
        self.tag = (self.random_heap(), True)  # the payload type of $gtag

    # -- types --

    def _types(self) -> None:
        rng = self.rng
        # Fixed roles: $t0 a list node, $t1 a node with more, $t2 an array of anyref, $t3 of i64 (garbage).
        self.types = [
            {"kind": "struct", "parent": None, "fields": [("i32", True), ((0, True), True), (("any", True), True)]},
            {"kind": "struct", "parent": 0, "fields": None, "extra": [("i64", True), ("i8", rng.random() < 0.5)]},
            {"kind": "array", "parent": None, "elem": (("any", True), True)},
            {"kind": "array", "parent": None, "elem": ("i64", True)},
        ]
        for _ in range(rng.randint(2, 6)):
            kind = "struct" if rng.random() < 0.6 else "array"
            parents = [i for i, t in enumerate(self.types) if t["kind"] == kind]
            parent = rng.choice(parents) if parents and rng.random() < 0.5 else None
            self.types.append({"kind": kind, "parent": parent, "fields": None, "elem": None})
        n = len(self.types)
        for i, t in enumerate(self.types):
            limit = n if self.rec else i + 1  # alone: references to earlier types and itself only
            if t["kind"] == "struct":
                inherited = list(self.types[t["parent"]]["fields"]) if t["parent"] is not None else []
                if t["fields"] is None:
                    extra = t.get("extra") or [self.random_field(limit) for _ in range(rng.randint(0 if inherited else 1, 4))]
                    t["fields"] = inherited + extra
            elif t["elem"] is None:
                packed = (rng.choice(["i8", "i16"]), rng.random() < 0.8) if rng.random() < 0.5 else None
                t["elem"] = self.types[t["parent"]]["elem"] if t["parent"] is not None else packed or self.random_field(limit)
        children = {t["parent"] for t in self.types}
        for i, t in enumerate(self.types):
            t["final"] = i not in children and i not in (0, 2) and rng.random() < 0.3
            t["sub"] = t["parent"] is not None or not t["final"] or rng.random() < 0.3
        self.defined = len(self.types)
        if not self.rec:  # equal definitions: one type, which casts must see
            for i in rng.sample(range(n), rng.randint(0, 2)):
                self.types.append({**self.types[i], "dup_of": i})

    def random_field(self, limit: int) -> tuple:
        rng = self.rng
        pick = rng.random()
        if pick < 0.55:
            storage = rng.choice(["i32", "i32", "i64", "i8", "i16", "f64"])
        else:
            storage = (rng.choice([*_GC_ABSTRACT[:5], *(["t"] * 4)]), True)
            if storage[0] == "t":
                storage = (rng.randrange(limit), True)
        return storage, rng.random() < 0.8

    def is_sub(self, a, b) -> bool:
        """Heap type a <: heap type b (a type index, or an abstract name)."""
        if a == b or b == "any":
            return True
        if a == "none":
            return True
        if isinstance(a, int):
            if b == "eq" or b == self.types[a]["kind"]:
                return True
            parent = self.types[a]["parent"]
            return isinstance(b, int) and parent is not None and self.types[a].get("dup_of") is None and self.is_sub(parent, b)
        return b == "eq" and a in ("i31", "struct", "array")

    def fits(self, have: tuple, want: tuple) -> bool:
        return self.is_sub(have[0], want[0]) and (want[1] or not have[1])

    def heap_text(self, heap) -> str:
        return f"$t{heap}" if isinstance(heap, int) else heap

    def vt(self, ty) -> str:
        """A value (or storage) type's text."""
        if isinstance(ty, str):
            return ty
        return f"(ref {'null ' if ty[1] else ''}{self.heap_text(ty[0])})"

    def random_heap(self, concrete: float = 0.6):
        rng = self.rng
        if rng.random() < concrete:
            return rng.randrange(len(self.types))
        return rng.choice(_GC_ABSTRACT[:5])

    def type_text(self, i: int) -> str:
        t = self.types[i]
        if t["kind"] == "struct":
            body = "(struct" + "".join(f" (field {'(mut ' + self.vt(s) + ')' if m else self.vt(s)})" for s, m in t["fields"]) + ")"
        else:
            s, m = t["elem"]
            body = f"(array {'(mut ' + self.vt(s) + ')' if m else self.vt(s)})"
        if t.get("dup_of") is not None:  # the same text, its references to itself its own
            body = body.replace(f"$t{t['dup_of']})", f"$t{i})")
        if t["sub"]:
            parent = f" $t{t['parent']}" if t["parent"] is not None else ""
            body = f"(sub {'final ' if t['final'] else ''}{parent.strip() + ' ' if parent else ''}{body})"
        return f"(type $t{i} {body})"

    # -- constants --

    def const_ref(self, ty: tuple, depth: int = 1) -> str:
        """A constant expression of reference type `ty`."""
        rng = self.rng
        heap, nullable = ty
        makers = [i for i in range(len(self.types)) if self.is_sub(i, heap)]
        earlier = [g for g in self.const_globals if self.fits(self.globals[g][0], ty)]
        if earlier and rng.random() < 0.3:  # (GC lets a constant read an earlier global of the module)
            return f"(global.get $g{rng.choice(earlier)})"
        if nullable and (rng.random() < 0.3 or (not makers and not self.is_sub("i31", heap))):
            return f"(ref.null {self.heap_text(heap)})"
        if self.is_sub("i31", heap) and (not makers or rng.random() < 0.3):
            return f"(ref.i31 (i32.const {rng.choice(_I32_LEAVES)}))"
        k = rng.choice(makers)
        t = self.types[k]
        if t["kind"] == "struct":
            if depth <= 0 or rng.random() < 0.5:
                return f"(struct.new_default $t{k})"
            return f"(struct.new $t{k} {' '.join(self.const_value(s, depth - 1) for s, _ in t['fields'])})"
        if rng.random() < 0.5:
            return f"(array.new_default $t{k} (i32.const {rng.choice([0, 4, 8, 8, 8])}))"
        return f"(array.new_fixed $t{k} {(n := rng.choice([0, 4, 5, 6, 6, 6]))} {' '.join(self.const_value(t['elem'][0], depth - 1) for _ in range(n))})"

    def const_value(self, storage, depth: int) -> str:
        rng = self.rng
        if isinstance(storage, tuple):
            return self.const_ref(storage, depth) if depth > 0 else f"(ref.null {self.heap_text(storage[0])})"
        if storage == "i64":
            return f"(i64.const {rng.choice([0, 1, -1, 1 << 40, rng.getrandbits(63)])})"
        if storage == "f64":
            return f"(f64.const {rng.choice(['0', '-0', '1.5', '-1e300', 'nan', 'inf', '12345'])})"
        return f"(i32.const {rng.choice(_I32_LEAVES)})"

    def _globals(self) -> list[tuple[tuple, bool]]:
        """(type, mutable) of $g0...: references, mostly mutable; a
        non-null immutable one."""
        rng = self.rng
        found = [((self.random_heap(), rng.random() < 0.5), False)]  # (which later constants may read)
        found += [((self.random_heap(), True), True) for _ in range(rng.randint(2, 4))]
        found.append(((0, True), True))  # a list kept alive (the loops keep some nodes here)
        found.append(((rng.randrange(len(self.types)), False), False))
        return found

    # -- references --

    def label(self, prefix: str) -> str:
        self.labels += 1
        return f"${prefix}{self.labels}"

    def ref(self, ty: tuple, depth: int, receiver: bool = False) -> str:
        """An expression whose type is a subtype of `ty` (heap, nullable).
        `receiver`: the operand of a get, set, length, fill or copy, where
        null traps: rarely null."""
        rng = self.rng
        heap, nullable = ty
        d = depth - 1
        makers = [i for i in range(len(self.types)) if self.is_sub(i, heap)]
        if depth <= 0:  # a leaf: no operand that is a reference
            return self.ref_leaf(ty, makers, receiver)
        if receiver and makers and rng.random() < 0.75:  # (where a null traps: mostly a new object)
            return self.new(rng.choice(makers), d, receiver)
        choices: list[str] = []
        if makers:
            choices += ["new"] * (8 if receiver else 4)
        if self.is_sub("i31", heap):
            choices += ["i31"] * 2
        if nullable and (not receiver or rng.random() < 0.15):
            choices += ["null"]
        locals_ = [name for name, t in self.locals if self.fits(t, ty)]
        if locals_:
            choices += ["local"] * 3
        globals_ = [i for i, (t, _) in enumerate(self.globals) if self.fits(t, ty)]
        if globals_:
            choices += ["global"] * 2
        choices += ["cast", "guarded", "br_on_cast", "select", "non_null"]
        if rng.random() < 0.5:
            choices.append("as_non_null")
        if self.helper_callees(ty):
            choices += ["helper"] * 2
        if heap == "any" and nullable:
            choices += ["extern", "table"]
        fields = [(i, f) for i, t in enumerate(self.types) if t["kind"] == "struct" for f, (s, _) in enumerate(t["fields"]) if isinstance(s, tuple) and self.fits(s, ty)]
        if fields:
            choices += ["field"] * 2
        elems = [i for i, t in enumerate(self.types) if t["kind"] == "array" and isinstance(t["elem"][0], tuple) and self.fits(t["elem"][0], ty)]
        if elems:
            choices += ["elem"]
        if self.fits(self.tag, ty):
            choices += ["try"]
        pick = rng.choice(choices)
        if pick == "new":
            return self.new(rng.choice(makers), d, receiver)
        if pick == "i31":
            return f"(ref.i31 {self.i32(d)})"
        if pick == "null":
            return f"(ref.null {self.heap_text(heap) if rng.random() < 0.7 else 'none'})"
        if pick == "local":
            return f"(local.get {rng.choice(locals_)})"
        if pick == "global":
            return f"(global.get $g{rng.choice(globals_)})"
        target = self.cast_target(ty)

        def source() -> str:
            return self.ref((target[0], True), d) if rng.random() < 0.5 else self.ref(("any", True), d)

        if pick == "cast":  # a value of the type, seen as an anyref; or any value (may fail: a trap)
            if rng.random() < 0.85:
                return f"(ref.cast {self.vt(target)} {self.launder(self.ref((target[0], True), d, receiver=True))})"
            source = ("any", True) if rng.random() < 0.5 else self.supertype(target)
            return f"(ref.cast {self.vt(target)} {self.ref(source, d)})"
        if pick == "guarded":  # a cast that a test guards: never traps
            return (f"(if (result {self.vt(ty)}) (ref.test {self.vt(target)} (local.tee $tmp {source()}))"
                    f" (then (ref.cast {self.vt(target)} (local.get $tmp))) (else {self.ref(ty, d)}))")
        if pick == "br_on_cast":
            block = self.label("c")
            return f"(block {block} (result {self.vt(ty)}) (drop (br_on_cast {block} anyref {self.vt(target)} {source()})) {self.ref(ty, d)})"
        if pick == "select":
            if rng.random() < 0.5:
                return f"(select (result {self.vt(ty)}) {self.ref(ty, d)} {self.ref(ty, d)} {self.i32(d)})"
            return f"(if (result {self.vt(ty)}) {self.i32(d)} (then {self.ref(ty, d)}) (else {self.ref(ty, d)}))"
        if pick == "as_non_null":  # (a null: "null reference")
            return f"(ref.as_non_null {self.ref((heap, True), d, receiver=True)})"
        if pick == "non_null":
            block = self.label("n")
            return f"(block {block} (result {self.vt(ty)}) (br_on_non_null {block} {self.ref((heap, True), d)}) {self.ref(ty, d)})"
        if pick == "helper":
            return self.helper_call(ty, d) or self.ref_leaf(ty, makers, receiver)
        if pick == "extern":
            return f"(any.convert_extern (extern.convert_any {self.ref(('any', True), d)}))"
        if pick == "table":
            return f"(table.get $tab {self.index(8, d)})"
        if pick == "field":
            k, f = rng.choice(fields)
            return f"(struct.get $t{k} {f} {self.ref((k, True), d, True)})"
        if pick == "elem":
            k = rng.choice(elems)
            return f"(array.get $t{k} {self.ref((k, True), d, True)} {self.index(4, d)})"
        return self.try_ref(ty, d)

    def ref_leaf(self, ty: tuple, makers: list[int], receiver: bool) -> str:
        """A reference without a reference operand: a local, a global, a
        null, an i31, a default struct or array."""
        rng = self.rng
        heap, nullable = ty
        choices = [name for name, t in self.locals if self.fits(t, ty)]
        choices += [f"$g{i}" for i, (t, _) in enumerate(self.globals) if self.fits(t, ty)]
        pick = rng.random()
        if choices and pick < (0.2 if receiver else 0.4):
            name = rng.choice(choices)
            return f"(global.get {name})" if name.startswith("$g") else f"(local.get {name})"
        if makers and (pick < 0.85 or not nullable or receiver):
            k = rng.choice(makers)
            if self.types[k]["kind"] == "struct":
                return f"(struct.new_default $t{k})"
            return f"(array.new_default $t{k} (i32.const {rng.choice([5, 8] if receiver else [0, 5, 8, 8, 8, 8])}))"
        if self.is_sub("i31", heap) and (pick < 0.95 or not nullable):
            return f"(ref.i31 {self.i32(0)})"
        return f"(ref.null {self.heap_text(heap)})"

    def launder(self, text: str) -> str:
        """The reference `text`, its static type forgotten (an anyref)."""
        rng = self.rng
        pick = rng.random()
        if pick < 0.3:
            return f"(any.convert_extern (extern.convert_any {text}))"
        if pick < 0.5:
            return f"(local.tee $tmp {text})"
        if pick < 0.7:
            slot = rng.randrange(8)
            return f"(block (result anyref) (table.set $tab (i32.const {slot}) {text}) (table.get $tab (i32.const {slot})))"
        if pick < 0.85:
            return f"(struct.get $t0 2 (struct.new $t0 (i32.const 0) (ref.null $t0) {text}))"
        return f"(select (result anyref) {text} (ref.null none) (i32.const 1))"

    def cast_target(self, ty: tuple) -> tuple:
        """A type for a cast whose result fits `ty`: `ty`'s heap type or a
        subtype (a concrete one often), nullable only if `ty` is."""
        rng = self.rng
        heap, nullable = ty
        subs = [i for i in range(len(self.types)) if self.is_sub(i, heap)] + [h for h in _GC_ABSTRACT if self.is_sub(h, heap) and h != "none"]
        return (rng.choice(subs) if subs and rng.random() < 0.7 else heap, nullable and rng.random() < 0.5)

    def supertype(self, ty: tuple) -> tuple:
        heap = ty[0]
        if isinstance(heap, int):
            parent = self.types[heap]["parent"] if self.types[heap].get("dup_of") is None else None
            return (self.rng.choice([parent, self.types[heap]["kind"], "eq"]) if parent is not None else self.rng.choice([self.types[heap]["kind"], "eq"]), True)
        return ("eq" if heap in ("i31", "struct", "array") else "any", True)

    def new(self, k: int, depth: int, receiver: bool = False) -> str:
        """A new struct or array of type k (`receiver`: an array of at
        least 4 elements, as `index(4)` expects)."""
        rng = self.rng
        t = self.types[k]
        if t["kind"] == "struct":
            if rng.random() < 0.25:
                return f"(struct.new_default $t{k})"
            return f"(struct.new $t{k} {' '.join(self.value(s, depth) for s, _ in t['fields'])})"
        storage = t["elem"][0]
        pick = rng.random()
        if pick < 0.3:
            return f"(array.new $t{k} {self.value(storage, depth)} {self.length(depth, receiver)})"
        if pick < 0.5:
            return f"(array.new_default $t{k} {self.length(depth, receiver)})"
        if pick < 0.8 or depth <= 0:
            n = rng.choice([4, 5, 6, 8] if receiver else [0, 2, 4, 5, 6, 6, 8, 8, 8])
            return f"(array.new_fixed $t{k} {n} {' '.join(self.value(storage, depth - 1) for _ in range(n))})"
        if isinstance(storage, tuple):
            if storage in self.segments:
                where = "(i32.const 0) (i32.const 4)" if receiver else f"{self.index(3, depth)} {self.index(4, depth)}"
                return f"(array.new_elem $t{k} $e{self.segments.index(storage)} {where})"
            return f"(array.new_default $t{k} {self.length(depth, receiver)})"
        where = f"{self.index(32, depth)} (i32.const {rng.randint(4, 8)})" if receiver else f"{self.index(32, depth)} {self.index(9, depth)}"
        return f"(array.new_data $t{k} $d {where})"

    def length(self, depth: int, receiver: bool = False) -> str:
        """An array's length: mostly long enough for index(4) (always, for
        a `receiver`), sometimes 0 or 2."""
        rng = self.rng
        if rng.random() < 0.85:
            return f"(i32.const {rng.choice([4, 5, 8, 8, 16, 100] if receiver else [0, 2, 4, 5, 8, 8, 8, 8, 16, 16, 100, 100])})"
        return f"(i32.add (i32.const 4) (i32.and {self.i32(depth)} (i32.const {rng.choice([7, 31, 1023])})))"

    def index(self, bound: int, depth: int) -> str:
        """An index: mostly below `bound`, seldom anything."""
        rng = self.rng
        if rng.random() < 0.6:
            return f"(i32.const {rng.randrange(bound)})"
        if rng.random() < 0.93:
            return f"(i32.rem_u {self.i32(depth)} (i32.const {bound}))"
        return self.i32(depth)

    def value(self, storage, depth: int) -> str:
        """A value for a field or element of this storage type."""
        if isinstance(storage, tuple):
            return self.ref(storage, depth)
        if storage == "i64":
            return self.i64(depth)
        if storage == "f64":
            return f"(f64.convert_i32_s {self.i32(depth)})" if self.rng.random() < 0.7 else self.const_value("f64", 0)
        return self.i32(depth)

    def try_ref(self, ty: tuple, depth: int) -> str:
        """A value of $gtag's payload type: thrown (for some arguments) and
        caught, else another."""
        h = self.label("h")
        body = " ".join(self.statement(depth - 1) for _ in range(self.rng.randint(0, 2)))
        return (f"(block {h} (result {self.vt(self.tag)}) (try_table (catch $gtag {h}) {body}"
                f" (if {self.condition(depth)} (then (throw $gtag {self.ref(self.tag, depth)})))) {self.ref(ty if self.fits(ty, self.tag) else self.tag, depth)})")

    # -- numbers --

    def read(self, storage, text_get: str, depth: int, ty: str = "i32") -> str:
        """A field's or element's value as an i32 (or i64): `text_get` is
        the get instruction's text but the suffix and its operands."""
        rng = self.rng
        if storage in ("i8", "i16"):
            text = text_get.replace("GET", f"get_{rng.choice('su')}")
            return text if ty == "i32" else f"(i64.extend_i32_u {text})"
        text = text_get.replace("GET", "get")
        if storage == "i32":
            return text if ty == "i32" else f"(i64.extend_i32_s {text})"
        if storage == "i64":
            return f"(i32.wrap_i64 {text})" if ty == "i32" else text
        if storage == "f64":
            return f"({ty}.trunc_sat_f64_s {text})"
        return self.of_ref(text, storage, ty)

    def of_ref(self, text: str, ty_ref: tuple, ty: str = "i32") -> str:
        """An i32 (or i64) from a reference: null or not, a test, an i31's value, a length."""
        rng = self.rng
        heap = ty_ref[0]
        pick = rng.random()
        if pick < 0.3 and self.is_sub(heap, "i31") and heap != "none":
            value = f"(i31.get_{rng.choice('su')} {text})"
        elif pick < 0.3 and heap in ("any", "eq"):
            get = f"(i31.get_{rng.choice('su')} (ref.cast (ref i31) (local.get $tmp)))"
            value = f"(if (result i32) (ref.test (ref i31) (local.tee $tmp {text})) (then {get}) (else (i32.const -1)))"
        elif pick < 0.5 and self.is_sub(heap, "array") and heap != "none":
            value = f"(array.len {text})"
        elif pick < 0.8:
            value = f"(ref.test {self.vt(self.cast_target((heap, True)))} {text})"
        else:
            value = f"(ref.is_null {text})"
        return value if ty == "i32" else f"(i64.extend_i32_u {value})"

    def i32(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.15:
            pick = rng.random()
            if pick < 0.45 and self.i32_params:
                return f"(local.get {rng.choice(self.i32_params)})"
            if pick < 0.55:
                return "(local.get $x)"
            return f"(i32.const {rng.choice(_I32_LEAVES)})"
        d = depth - 1
        pick = rng.random()
        if pick < 0.12:
            op = rng.choice(["add", "sub", "mul", "xor", "and", "or", "shl", "shr_s", "rotl", "eq", "lt_u", "ne"])
            return f"(i32.{op} {self.i32(d)} {self.i32(d)})"
        if pick < 0.28:  # a struct's field
            k = rng.choice([i for i, t in enumerate(self.types) if t["kind"] == "struct"])
            f = rng.randrange(len(self.types[k]["fields"]))
            return self.read(self.types[k]["fields"][f][0], f"(struct.GET $t{k} {f} {self.ref((k, True), d, True)})", d)
        if pick < 0.4:  # an array's element, or its length
            arrays = [i for i, t in enumerate(self.types) if t["kind"] == "array"]
            packed = [i for i in arrays if self.types[i]["elem"][0] in ("i8", "i16")]
            k = rng.choice(packed if packed and rng.random() < 0.5 else arrays)
            if rng.random() < 0.25:
                return f"(array.len {self.ref((k, True), d, True)})"
            return self.read(self.types[k]["elem"][0], f"(array.GET $t{k} {self.ref((k, True), d, True)} {self.index(4, d)})", d)
        if pick < 0.5:
            ty = (self.random_heap(0.5), True)
            return self.of_ref(self.ref(ty, d), ty)
        if pick < 0.56:
            a, b = (self.random_heap(0.7), True), (self.random_heap(0.7), True)
            a, b = ((h if self.is_sub(h, "eq") else "eq", n) for h, n in (a, b))
            return f"(ref.eq {self.ref(a, d)} {self.ref(b, d)})"
        if pick < 0.62:
            return self.cast_fail(d)
        if pick < 0.7:
            call = self.helper_call("i32", d) if rng.random() < 0.4 else self.call(d)
            if call:
                return call
        if pick < 0.76 and self.loops_left and not self.in_loop:
            return f"(i32.wrap_i64 {self.loop(d)})"
        if pick < 0.82:
            return f"(block (result i32) {self.statement(d)} {self.i32(d)})"
        if pick < 0.86:
            return f"(local.tee $x {self.i32(d)})"
        if pick < 0.9:
            return f"(i32.wrap_i64 {self.i64(d)})"
        if pick < 0.93:
            return f"(if (result i32) {self.i32(d)} (then {self.i32(d)}) (else {self.i32(d)}))"
        return self.i32(0)

    def i64(self, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            if rng.random() < 0.3:
                return "(local.get $acc)"
            return f"(i64.const {rng.choice([0, 1, -1, 7, 1 << 32, (1 << 63) - 1]) if rng.random() < 0.6 else rng.getrandbits(63)})"
        d = depth - 1
        pick = rng.random()
        if pick < 0.25:
            return f"(i64.extend_i32_{rng.choice('su')} {self.i32(d)})"
        if pick < 0.45:
            return f"(i64.{rng.choice(['add', 'sub', 'mul', 'xor', 'rotl'])} {self.i64(d)} {self.i64(d)})"
        if pick < 0.65:
            fields = [(i, f) for i, t in enumerate(self.types) if t["kind"] == "struct" for f, (s, _) in enumerate(t["fields"]) if s in ("i64", "f64")]
            if fields:
                k, f = rng.choice(fields)
                return self.read(self.types[k]["fields"][f][0], f"(struct.GET $t{k} {f} {self.ref((k, True), d, True)})", d, "i64")
        if pick < 0.75:
            return f"(array.get $t3 {self.ref((3, True), d, True)} {self.index(4, d)})"
        if pick < 0.85 and self.loops_left and not self.in_loop:
            return self.loop(d)
        return self.i64(0)

    def helper_callees(self, want) -> list[int]:
        """The helpers the function may call whose result fits `want` (a
        reference type, or "i32")."""
        if self.calls_left <= 0 or self.in_loop:
            return []
        return [
            j for j, (_, result) in enumerate(self.helpers[: self.hk])
            if (result == "i32") == (want == "i32") and (want == "i32" or self.fits(result, want))
        ]  # fmt: skip

    def helper_call(self, want, depth: int) -> str | None:
        callees = self.helper_callees(want)
        if not callees:
            return None
        self.calls_left -= 1
        j = self.rng.choice(callees)
        args = " ".join(self.i32(depth) if p == "i32" else self.ref(p, depth) for p in self.helpers[j][0])
        return f"(call $h{j} {args})"

    def cast_fail(self, depth: int) -> str:
        """br_on_cast_fail: a field of the value if the cast succeeds, else
        a constant."""
        rng = self.rng
        structs = [i for i, t in enumerate(self.types) if t["kind"] == "struct"]
        k = rng.choice(structs)
        f = rng.randrange(len(self.types[k]["fields"]))
        done, fail = self.label("d"), self.label("f")
        source = self.launder(self.ref((k, True), depth, True)) if rng.random() < 0.5 else self.ref(("any", True), depth)
        get = self.read(self.types[k]["fields"][f][0], f"(struct.GET $t{k} {f} (br_on_cast_fail {fail} anyref (ref $t{k}) {source}))", depth)
        return f"(block {done} (result i32) (drop (block {fail} (result anyref) (br {done} {get}))) (i32.const {rng.choice([-7, 0, 99])}))"

    def condition(self, depth: int) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return self.i32(depth)
        return f"(i32.eqz (i32.and {self.i32(depth)} (i32.const {rng.choice([1, 3, 7])})))"

    def call(self, depth: int) -> str | None:
        if self.k == 0 or self.calls_left <= 0 or self.in_loop:
            return None
        self.calls_left -= 1
        callee = self.rng.randrange(self.k)
        if self.rng.random() < 0.2:
            return f"(call_ref $sig {self.i32(depth)} {self.i32(depth)} (ref.func $f{callee}))"
        return f"(call $f{callee} {self.i32(depth)} {self.i32(depth)})"

    # -- statements --

    def statement(self, depth: int) -> str:
        rng = self.rng
        d = max(depth, 0)
        pick = rng.random()
        if pick < 0.15:
            fields = [(i, f) for i, t in enumerate(self.types) if t["kind"] == "struct" for f, (_, m) in enumerate(t["fields"]) if m]
            k, f = rng.choice(fields)
            return f"(struct.set $t{k} {f} {self.ref((k, True), d, True)} {self.value(self.types[k]['fields'][f][0], d)})"
        arrays = [i for i, t in enumerate(self.types) if t["kind"] == "array" and t["elem"][1]]
        if pick < 0.25:
            k = rng.choice(arrays)
            return f"(array.set $t{k} {self.ref((k, True), d, True)} {self.index(4, d)} {self.value(self.types[k]['elem'][0], d)})"
        if pick < 0.3:
            k = rng.choice(arrays)
            return f"(array.fill $t{k} {self.ref((k, True), d, True)} {self.index(3, d)} {self.value(self.types[k]['elem'][0], d)} {self.index(3, d)})"
        if pick < 0.36:
            k = rng.choice(arrays)
            sources = [i for i, t in enumerate(self.types) if t["kind"] == "array" and self.storage_fits(t["elem"][0], self.types[k]["elem"][0])]
            s = rng.choice(sources)
            return (f"(array.copy $t{k} $t{s} {self.ref((k, True), d, True)} {self.index(3, d)} {self.ref((s, True), d, True)} {self.index(3, d)} {self.index(3, d)})")
        if pick < 0.4:
            k = rng.choice(arrays)
            storage = self.types[k]["elem"][0]
            if not isinstance(storage, tuple):
                return f"(array.init_data $t{k} $d {self.ref((k, True), d, True)} {self.index(3, d)} {self.index(32, d)} {self.index(3, d)})"
            if storage in self.segments:
                return f"(array.init_elem $t{k} $e{self.segments.index(storage)} {self.ref((k, True), d, True)} {self.index(3, d)} {self.index(3, d)} {self.index(3, d)})"
        if pick < 0.55:
            locals_ = [(name, t) for name, t in self.locals if not name.isdigit()]
            name, t = rng.choice(locals_)
            return f"(local.set {name} {self.ref(t, d)})"
        if pick < 0.65:
            mutable = [i for i, (_, m) in enumerate(self.globals) if m]
            g = rng.choice(mutable)
            return f"(global.set $g{g} {self.ref(self.globals[g][0], d)})"
        if pick < 0.7:
            return f"(table.set $tab {self.index(8, d)} {self.ref(('any', True), d)})"
        if pick < 0.8:
            return f"(global.set $seen (i64.add (i64.rotl (global.get $seen) (i64.const 7)) {self.i64(d)}))"
        if pick < 0.82:
            return f"(if {self.condition(d)} (then (throw $gtag {self.ref(self.tag, d)})))"
        if pick < 0.9 and self.loops_left and not self.in_loop:
            return f"(local.set $acc (i64.add (local.get $acc) {self.loop(d)}))"
        if pick < 0.95:
            return f"(drop {self.i32(d)})"
        return f"(local.set $acc (i64.add (local.get $acc) {self.i64(d)}))"

    def storage_fits(self, have, want) -> bool:
        if isinstance(have, tuple) and isinstance(want, tuple):
            return self.fits(have, want)
        return have == want

    # -- loops that allocate --

    def loop(self, depth: int) -> str:
        """A loop that allocates a lot and folds what it built into an
        i64: a linked list (nodes of $t0 and $t1, garbage arrays between
        them, some nodes kept in a global), or an array of references
        (structs, i31s, arrays) read back through tests and casts."""
        rng = self.rng
        self.loops_left -= 1
        self.in_loop = True
        params, self.i32_params = self.i32_params, ["$i"]  # (what the loop builds holds the round's number)
        rounds = rng.choice([3, 10, 100, 1000, 3000])
        garbage = rng.choice([0, 0, 4, 100, 2000, 10000, 40000])
        loop, walk, done = self.label("l"), self.label("w"), self.label("e")
        step = "(local.set $i (i32.add (local.get $i) (i32.const 1)))"
        more = f"(i32.lt_u (local.get $i) (i32.const {rounds}))"
        junk = f"(drop (array.new_default $t3 (i32.const {garbage})))" if garbage else ""
        if rng.random() < 0.5:
            self.i32_params = params
            seed = self.i32(min(depth, 2))
            self.i32_params = ["$i"]
            keep = f"(if (i32.eqz (i32.and (local.get $i) (i32.const {rng.choice([7, 63, 511])}))) (then (global.set $g{len(self.globals) - 2} (local.get $lst))))"
            node = (f"(if (i32.and (local.get $i) (i32.const 1)) (then (local.set $lst (struct.new $t1 (i32.add (local.get $i) (local.get $x)) (local.get $lst) {self.ref(('any', True), 1)} (i64.extend_i32_u (local.get $i)) (local.get $i))))"
                    f" (else (local.set $lst (struct.new $t0 (i32.mul (local.get $i) (local.get $x)) (local.get $lst) (ref.i31 (local.get $i))))))")
            text = (f"(local.set $x {seed}) (local.set $lst (ref.null $t0)) (local.set $i (i32.const 0))"
                    f" (loop {loop} {node} {junk} {keep if rng.random() < 0.5 else ''} {step} (br_if {loop} {more}))"
                    f" (local.set $j (i32.const 0))"
                    f" (block {done} (loop {walk} (br_if {done} (ref.is_null (local.get $lst)))"
                    f" (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.extend_i32_u (struct.get $t0 0 (local.get $lst)))))"
                    f" (if (ref.test (ref $t1) (local.get $lst)) (then (local.set $acc (i64.xor (local.get $acc) (struct.get $t1 3 (ref.cast (ref $t1) (local.get $lst)))))))"
                    f" (if (ref.test (ref i31) (struct.get $t0 2 (local.get $lst))) (then (local.set $j (i32.add (local.get $j) (i31.get_s (ref.cast (ref i31) (struct.get $t0 2 (local.get $lst))))))))"
                    f" (local.set $lst (struct.get $t0 1 (local.get $lst))) (br {walk})))"
                    f" (i64.add (local.get $acc) (i64.extend_i32_u (local.get $j)))")
        else:
            size = rng.choice([1, 7, 64, 500])
            structs = [i for i, t in enumerate(self.types) if t["kind"] == "struct"]
            k = rng.choice(structs)
            f = rng.randrange(len(self.types[k]["fields"]))
            read = self.read(self.types[k]["fields"][f][0], f"(struct.GET $t{k} {f} (ref.cast (ref $t{k}) (local.get $tmp)))", 0, "i64")
            arrays = [i for i, t in enumerate(self.types) if t["kind"] == "array"]
            a = rng.choice(arrays)
            self.i32_params = params
            seed = self.i32(min(depth, 2))
            self.i32_params = ["$i"]
            text = (f"(local.set $x {seed}) (local.set $arr (array.new_default $t2 (i32.const {size}))) (local.set $i (i32.const 0))"
                    f" (loop {loop} (array.set $t2 (local.get $arr) (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (i32.const {size}))"
                    f" (select (result anyref) {self.new(k, 1)} (select (result anyref) (ref.i31 (local.get $i)) {self.new(a, 1)} (i32.and (local.get $i) (i32.const 2))) (i32.and (local.get $i) (i32.const 1))))"
                    f" {junk} {step} (br_if {loop} {more}))"
                    f" (local.set $i (i32.const 0))"
                    f" (loop {walk} (local.set $tmp (array.get $t2 (local.get $arr) (local.get $i)))"
                    f" (local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 3))"
                    f" (if (result i64) (ref.test (ref $t{k}) (local.get $tmp)) (then {read})"
                    f" (else (if (result i64) (ref.test (ref i31) (local.get $tmp)) (then (i64.extend_i32_s (i31.get_s (ref.cast (ref i31) (local.get $tmp)))))"
                    f" (else (i64.extend_i32_u (ref.test (ref $t{a}) (local.get $tmp)))))))))"
                    f" {step} (br_if {walk} (i32.lt_u (local.get $i) (i32.const {size}))))"
                    f" (local.get $acc)")
        self.in_loop, self.i32_params = False, params
        return f"(block (result i64) {text})"

    # -- functions and the module --

    def function_locals(self) -> str:
        self.ref_locals = [(f"$r{i}", (self.random_heap(), True)) for i in range(self.rng.randint(1, 3))]
        self.locals = list(self.ref_locals)
        fixed = "(local $x i32) (local $i i32) (local $j i32) (local $acc i64) (local $tmp anyref) (local $lst (ref null $t0)) (local $arr (ref null $t2))"
        return fixed + "".join(f" (local {name} {self.vt(t)})" for name, t in self.ref_locals)

    def function(self, k: int) -> str:
        rng = self.rng
        self.k, self.hk, self.calls_left, self.loops_left = k, len(self.helpers), rng.randint(1, 3), rng.choice([0, 1, 1, 2])
        self.i32_params = ["0", "1"]
        depth = rng.choice([2, 3, 3, 4, 5])
        locals_ = self.function_locals()
        body = [f"(local.set {name} {self.ref(t, 2, True)})" for name, t in self.ref_locals if rng.random() < 0.8]
        body += [self.statement(depth) for _ in range(rng.randint(1, 5))]
        body.append(f"(i32.add (i32.wrap_i64 (local.get $acc)) {self.i32(depth)})")
        return f'  (func $f{k} (export "f{k}") (type $sig) {locals_}\n    ' + "\n    ".join(body) + ")\n"

    def helper(self, j: int) -> str:
        """$hj: references (and an i32) in, a reference or an i32 out; it
        may loop and allocate, and call earlier helpers (a caller's
        references live across the call)."""
        rng = self.rng
        params = [(self.random_heap(), True), "i32", *([(self.random_heap(), rng.random() < 0.8)] if rng.random() < 0.5 else [])]
        result = "i32" if rng.random() < 0.4 else (self.random_heap(), rng.random() < 0.8)
        self.k, self.hk, self.calls_left, self.loops_left = 0, j, rng.randint(0, 2), rng.choice([0, 1])
        self.i32_params = [str(i) for i, p in enumerate(params) if p == "i32"]
        locals_ = self.function_locals()
        self.locals += [(str(i), p) for i, p in enumerate(params) if p != "i32"]
        depth = rng.choice([2, 3, 4])
        body = [f"(local.set {name} {self.ref(t, 2, True)})" for name, t in self.ref_locals if rng.random() < 0.5]
        body += [self.statement(depth) for _ in range(rng.randint(0, 3))]
        body.append(self.i32(depth) if result == "i32" else self.ref(result, depth))
        self.helpers.append((params, result))
        text = " ".join(self.vt(p) for p in params)
        return f'  (func $h{j} (export "h{j}") (param {text}) (result {self.vt(result)}) {locals_}\n    ' + "\n    ".join(body) + ")\n"

    def ref_export(self, name: str, params: list, result) -> str:
        """An export with these parameters (i32s and references) and result
        (a reference type, or "i32")."""
        self.k, self.hk, self.calls_left, self.loops_left = self.nfuncs, len(self.helpers), 1, 0
        self.i32_params = [str(i) for i, p in enumerate(params) if p == "i32"]
        locals_ = self.function_locals()
        self.locals += [(str(i), p) for i, p in enumerate(params) if p != "i32"]
        depth = self.rng.choice([1, 2, 3])
        value = self.i32(depth) if result == "i32" else self.ref(result, depth)
        text = " ".join(self.vt(p) for p in params)
        return f'  (func (export "{name}") (param {text}) (result {self.vt(result)}) {locals_}\n    {value})\n'

    def module(self) -> str:
        rng = self.rng
        parts = ["(module\n"]
        types = [self.type_text(i) for i in range(self.defined)]
        if self.rec:
            parts.append("  (rec\n    " + "\n    ".join(types) + ")\n")
        else:
            parts += [f"  {t}\n" for t in types]
        parts += [f"  {self.type_text(i)}\n" for i in range(self.defined, len(self.types))]
        parts.append("  (type $sig (func (param i32 i32) (result i32)))\n")
        parts.append(f"  (tag $gtag (param {self.vt(self.tag)}))\n")
        for i, (t, mutable) in enumerate(self.globals):
            parts.append(f"  (global $g{i} {'(mut ' + self.vt(t) + ')' if mutable else self.vt(t)} {self.const_ref(t, 2)})\n")
            if not mutable:
                self.const_globals.append(i)
        parts.append("  (global $seen (mut i64) (i64.const 0))\n")
        parts.append("  (table $tab 8 anyref)\n")
        data = "".join(f"\\{b:02x}" for b in rng.randbytes(128))
        parts.append(f'  (data $d "{data}")\n')
        # Element segments for the arrays of references (array.new_elem, array.init_elem).
        self.segments = []
        for t in self.types[: self.defined]:
            if t["kind"] == "array" and isinstance(t["elem"][0], tuple) and t["elem"][0] not in self.segments:
                self.segments.append(t["elem"][0])
        for i, ty in enumerate(self.segments):
            items = " ".join(f"(item {self.const_ref(ty, 1)})" for _ in range(rng.randint(4, 7)))
            parts.append(f"  (elem $e{i} {self.vt(ty)} {items})\n")
        parts.append(f"  (elem declare func {' '.join(f'$f{i}' for i in range(self.nfuncs))})\n")
        parts += [self.helper(j) for j in range(rng.randint(1, 3))]
        parts += [self.function(k) for k in range(self.nfuncs)]
        exports = [
            ("new", ["i32", "i32"], (rng.randrange(len(self.types)), True)),
            ("any", ["i32", "i32"], ("any", True)),
            ("eq", ["i32", "i32"], ("eq", True)),
            ("i31", ["i32", "i32"], ("i31", True)),
            ("struct", ["i32"], ("struct", rng.random() < 0.5)),
            ("array", ["i32"], ("array", True)),
            ("none", ["i32"], ("none", True)),
            ("nonnull", ["i32"], (rng.randrange(len(self.types)), False)),
            ("take", [(self.random_heap(), True), ("any", True), "i32"], "i32"),
            ("nn", [(rng.randrange(len(self.types)), False), "i32"], "i32"),
        ]
        parts += [self.ref_export(name, params, result) for name, params, result in exports]
        parts.append('  (func (export "ext") (param externref i32) (result i32)\n'
                     '    (i32.add (ref.test (ref i31) (any.convert_extern (local.get 0))) (ref.is_null (extern.convert_any (any.convert_extern (local.get 0))))))\n')
        parts.append(f'  (func (export "extern") (param i32) (result externref) (extern.convert_any (global.get $g{rng.randrange(len(self.globals))})))\n')
        return "".join(parts) + ")\n"


def gc_module(rng: random.Random, command: bool = False) -> bytes | None:
    """A module of WasmGC expressions (see above), or None if wasm-tools
    will not parse it (a bug here)."""
    text = _GcModule(rng, command).module()
    run = subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(), capture_output=True, timeout=60)
    return run.stdout if run.returncode == 0 else None


def validate(wasm: bytes, features: tuple[str, ...] | list[str] = ()) -> str | None:
    """None if wasm-tools accepts the module as Wasm 2.0 (SIMD included,
    relaxed SIMD not) with these Wasm 3.0 features (ALL_FEATURES' names),
    else why not."""
    with tempfile.NamedTemporaryFile(suffix=".wasm") as f:
        f.write(wasm)
        f.flush()
        run = subprocess.run([WASM_TOOLS, "validate", "--features", validate_features(features), f.name], capture_output=True, text=True)
    return None if run.returncode == 0 else (run.stderr.strip() or "rejected")


def wasm_text(wasm: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".wasm") as f:
        f.write(wasm)
        f.flush()
        run = subprocess.run([WASM_TOOLS, "print", f.name], capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else f"(wasm-tools print failed: {run.stderr.strip()})"


# ---------------------------------------------------------------------------
# The binary: export names, fuel


def _leb_u32(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def _leb_s(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (result - (1 << shift) if byte & 0x40 else result), pos


def _enc_u32(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _enc_s(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _sections(wasm: bytes) -> list[tuple[int, bytes]]:
    found, pos = [], 8
    while pos < len(wasm):
        size, body = _leb_u32(wasm, pos + 1)
        found.append((wasm[pos], wasm[body : body + size]))
        pos = body + size
    return found


def _assemble(header: bytes, sections: list[tuple[int, bytes]]) -> bytes:
    return header + b"".join(bytes([i]) + _enc_u32(len(body)) + body for i, body in sections)


def _vector(body: bytes, item) -> list:
    """The items of a section that is one vector; `item(body, pos)` -> (value, pos)."""
    count, pos = _leb_u32(body, 0)
    items = []
    for _ in range(count):
        value, pos = item(body, pos)
        items.append(value)
    return items


def _export(body: bytes, pos: int) -> tuple[tuple[str, int, int], int]:
    length, pos = _leb_u32(body, pos)
    name = body[pos : pos + length].decode("utf-8")
    kind = body[pos + length]
    index, pos = _leb_u32(body, pos + length + 1)
    return (name, kind, index), pos


def _encode_exports(exports: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(_enc_u32(len(exports)))
    for name, kind, index in exports:
        encoded = name.encode()
        out += _enc_u32(len(encoded)) + encoded + bytes([kind]) + _enc_u32(index)
    return bytes(out)


def _valtype(body: bytes, pos: int) -> tuple[bytes, int]:
    """A value type's bytes: one byte (v128 is 0x7B), or (ref null? ht) of
    typed function references, 0x63/0x64 and a heap type (s33)."""
    if body[pos] in (0x63, 0x64):
        return body[pos : _leb_s(body, pos + 1)[1]], _leb_s(body, pos + 1)[1]
    return body[pos : pos + 1], pos + 1


def _const_expr(body: bytes, pos: int) -> int:
    """Where the constant expression at `pos` ends (after its `end`)."""
    while body[pos] != 0x0B:
        op = body[pos]
        pos += 1
        if op in (0x41, 0x42, 0x23, 0xD2):  # i32/i64.const, global.get, ref.func
            pos = _leb_s(body, pos)[1]
        elif op == 0x43:
            pos += 4
        elif op == 0x44:
            pos += 8
        elif op == 0xD0:  # ref.null heaptype
            pos = _leb_s(body, pos)[1]
        elif op == 0xFD and _leb_u32(body, pos)[0] == 12:  # v128.const: 16 bytes
            pos = _leb_u32(body, pos)[1] + 16
        elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):  # extended-const: i32/i64 add, sub, mul
            pass
        elif op == 0xFB:  # GC's constant instructions
            sub, pos = _leb_u32(body, pos)
            if sub in (0, 1, 6, 7):  # struct.new, struct.new_default, array.new, array.new_default: a type
                pos = _leb_u32(body, pos)[1]
            elif sub == 8:  # array.new_fixed: a type, a count
                pos = _leb_u32(body, _leb_u32(body, pos)[1])[1]
            elif sub not in (0x1A, 0x1B, 0x1C):  # any.convert_extern, extern.convert_any, ref.i31
                raise ValueError(f"constant expression opcode 0xfb {sub:#x}")
        else:
            raise ValueError(f"constant expression opcode {op:#x}")
    return pos + 1


def _global(body: bytes, pos: int) -> tuple[tuple[bytes, int, bytes], int]:
    """(value type bytes, mutability, init expression bytes)."""
    valtype, pos = _valtype(body, pos)
    mutable = body[pos]
    start = pos + 1
    end = _const_expr(body, start)
    return (valtype, mutable, body[start : end - 1]), end


def _limits(body: bytes, pos: int) -> tuple[bool, int]:
    """(64-bit, position after) for a memory's or a table's limits."""
    flags, pos = _leb_u32(body, pos)
    pos = _leb_u32(body, pos)[1]  # (u64 LEBs read the same way)
    if flags & 1:
        pos = _leb_u32(body, pos)[1]
    if flags & 8:  # custom page size (not generated; read past it)
        pos = _leb_u32(body, pos)[1]
    return bool(flags & 4), pos


def _table(body: bytes, pos: int) -> tuple[bool, int]:
    """A table's (64-bit, position after): with an initial value (0x40 0x00)
    or without."""
    init = body[pos] == 0x40
    if init:
        pos += 2
    is64, pos = _limits(body, _valtype(body, pos)[1])
    return is64, _const_expr(body, pos) if init else pos


def writable_name(name: str) -> bool:
    """Can `--invoke-lines` (words split at blanks) name this export?"""
    return 0 < len(name) <= 200 and all(c.isprintable() and not c.isspace() for c in name)


FUEL_PREFIX = "fuel:"


def prepare(wasm: bytes, fuel: int | None, observe: bool = True, command: bool = False) -> bytes:
    """The module as the fuzzer runs it.

    * Every export name `--invoke-lines` cannot write becomes `fzN` (N:
      the export's position).
    * If the module's last global is smith's fuel counter (a mutable i32
      starting at `fuel`), each exported function F gets a twin exported as
      `fuel:F` that refills the counter, then calls F with its arguments: a
      call through the twin gets fresh fuel instead of what earlier calls
      left (often nothing, after a loop that spins until the fuel runs out).
    * `observe`: two more exports show the state calls leave behind, which
      results alone do not (smith folds most values it computes into
      globals): `fz:state` returns every global, the memory's size and each
      table's size; `fz:memhash` hashes the memory's first 128 MiB.
    * `command`: an empty `_start` is exported, which makes the module a
      WASI command for wastrel: built with fast traps, its `--invoke-lines`
      stops at the first trap (runtime/wastrel_ops.h).
    """
    header, sections = wasm[:8], _sections(wasm)

    def body_of(section_id: int) -> bytes | None:
        return next((b for i, b in sections if i == section_id), None)

    exports = _vector(body_of(7), _export) if body_of(7) is not None else []
    taken = {name for name, _, _ in exports}
    renamed = []
    for i, (name, kind, index) in enumerate(exports):
        if not writable_name(name):
            name = f"fz{i}"
            while name in taken:
                name += "_"
            taken.add(name)
        renamed.append((name, kind, index))
    exports = renamed
    globals_ = _vector(body_of(6), _global) if body_of(6) is not None else []
    types = _vector(body_of(1), _type_entry) if body_of(1) is not None else []  # (entry's bytes, types defined)
    func_types = _vector(body_of(3), _leb_u32) if body_of(3) is not None else []
    tables64 = _vector(body_of(4), _table) if body_of(4) is not None else []
    memories64 = _vector(body_of(5), _limits) if body_of(5) is not None else []
    new_funcs: list[tuple[int, bytes, str]] = []  # (type index, body, export name)

    def add_func(type_index: int, body: bytes, name: str) -> None:
        if name not in taken:
            taken.add(name)
            new_funcs.append((type_index, body, name))

    def add_type(params: list[bytes], results: list[bytes]) -> int:
        """The index of a function type (final, alone in its group, as
        `(type (func ...))` defines one): an equal entry's, or a new one's."""
        raw = b"\x60" + _enc_u32(len(params)) + b"".join(params) + _enc_u32(len(results)) + b"".join(results)
        if all(entry != raw for entry, _ in types):
            types.append((raw, [("func", raw)]))
        k = next(k for k, (entry, _) in enumerate(types) if entry == raw)
        return len(_defined_types(types[:k]))

    if fuel is not None and globals_ and globals_[-1] == (b"\x7f", 1, b"\x41" + _enc_s(fuel)):
        fuel_global = len(globals_) - 1
        for name, kind, index in list(exports):
            if kind != 0 or len(name) > 190:
                continue
            nparams = _leb_u32(_defined_types(types)[func_types[index]][1], 1)[0]
            body = b"\x00\x41" + _enc_s(fuel) + b"\x24" + _enc_u32(fuel_global)
            body += b"".join(b"\x20" + _enc_u32(i) for i in range(nparams))
            body += b"\x10" + _enc_u32(index) + b"\x0b"
            add_func(func_types[index], body, FUEL_PREFIX + name)
    if observe:
        results = [valtype for valtype, _, _ in globals_[:100]]
        code = b"".join(b"\x23" + _enc_u32(i) for i in range(len(globals_[:100])))
        for m, is64 in enumerate(memories64[:8]):
            results.append(b"\x7e" if is64 else b"\x7f")
            code += b"\x3f" + _enc_u32(m)  # memory.size m
        for t, is64 in enumerate(tables64[:10]):
            results.append(b"\x7e" if is64 else b"\x7f")
            code += b"\xfc\x10" + _enc_u32(t)  # table.size
        add_func(add_type([], results), b"\x00" + code + b"\x0b", STATE_EXPORT)
        if memories64 == [False]:  # one 32-bit memory (as in Wasm 2.0: the same code as ever)
            add_func(add_type([], [b"\x7e"]), _MEMHASH_32, MEMHASH_EXPORT)
        elif memories64:
            add_func(add_type([], [b"\x7e"]), _memhash(memories64[:8]), MEMHASH_EXPORT)

    if command:
        add_func(add_type([], []), b"\x00\x0b", "_start")
    if new_funcs:
        code_body = body_of(10) or b"\x00"
        count, code_pos = _leb_u32(code_body, 0)
        first = len(func_types)
        func_types += [t for t, _, _ in new_funcs]
        exports += [(name, 0, first + k) for k, (_, _, name) in enumerate(new_funcs)]
        bodies = b"".join(_enc_u32(len(b)) + b for _, b, _ in new_funcs)
        _set_section(sections, 1, _enc_u32(len(types)) + b"".join(entry for entry, _ in types))
        _set_section(sections, 3, _enc_u32(len(func_types)) + b"".join(map(_enc_u32, func_types)))
        _set_section(sections, 10, _enc_u32(count + len(new_funcs)) + code_body[code_pos:] + bodies)
    if exports:
        _set_section(sections, 7, _encode_exports(exports))
    return _assemble(header, sections)


_HASH_WORDS = 1 << 24  # i64 words of each memory hashed: 128 MiB
_FNV_BASIS = _enc_s(0xCBF29CE484222325 - (1 << 64))
_FNV_PRIME = _enc_s(0x100000001B3)
# fz:memhash for one 32-bit memory: locals i, n (i32), h (i64).
_MEMHASH_32 = (
    b"\x02\x02\x7f\x01\x7e"
    + b"\x3f\x00\x41\x0d\x74\x21\x01"  # n = memory.size << 13
    + b"\x20\x01\x41" + _enc_s(_HASH_WORDS) + b"\x4b\x04\x40\x41" + _enc_s(_HASH_WORDS) + b"\x21\x01\x0b"  # n = min(n, words)
    + b"\x42" + _FNV_BASIS + b"\x21\x02"  # h = FNV offset basis
    + b"\x02\x40\x03\x40"  # block loop
    + b"\x20\x00\x20\x01\x4f\x0d\x01"  # br_if (i >= n) out
    + b"\x20\x02\x20\x00\x41\x03\x74\x29\x03\x00\x85"  # h ^ load64(i << 3)
    + b"\x42" + _FNV_PRIME + b"\x7e\x21\x02"  # * FNV prime -> h
    + b"\x20\x00\x41\x01\x6a\x21\x00\x0c\x00"  # i += 1; continue
    + b"\x0b\x0b\x20\x02"  # end end h
    + b"\x0b"
)  # fmt: skip


def _memhash(memories64: list[bool]) -> bytes:
    """fz:memhash for several memories, or 64-bit ones: one FNV hash of the
    first 128 MiB of each, in order.  Locals i, n, h (i64)."""
    code = b"\x01\x03\x7e" + b"\x42" + _FNV_BASIS + b"\x21\x02"  # h = FNV offset basis
    for m, is64 in enumerate(memories64):
        size = b"\x3f" + _enc_u32(m) + (b"" if is64 else b"\xad")  # memory.size m, as an i64
        address = b"\x20\x00\x42\x03\x86" + (b"" if is64 else b"\xa7")  # i << 3 (wrapped for a 32-bit memory)
        memarg = b"\x43" + _enc_u32(m) + b"\x00" if m else b"\x03\x00"  # (a memory index only where multi-memory needs it)
        code += (
            b"\x42\x00\x21\x00"  # i = 0
            + size + b"\x42\x0d\x86\x21\x01"  # n = size << 13
            + b"\x20\x01\x42" + _enc_s(_HASH_WORDS) + b"\x56\x04\x40\x42" + _enc_s(_HASH_WORDS) + b"\x21\x01\x0b"  # n = min(n, words)
            + b"\x02\x40\x03\x40"  # block loop
            + b"\x20\x00\x20\x01\x5a\x0d\x01"  # br_if (i >= n) out
            + b"\x20\x02" + address + b"\x29" + memarg + b"\x85"  # h ^ load64 memory m (address)
            + b"\x42" + _FNV_PRIME + b"\x7e\x21\x02"  # * FNV prime -> h
            + b"\x20\x00\x42\x01\x7c\x21\x00\x0c\x00"  # i += 1; continue
            + b"\x0b\x0b"  # end end
        )  # fmt: skip
    return code + b"\x20\x02\x0b"


STATE_EXPORT = "fz:state"
UNCAUGHT = "wasm exception: uncaught exception"  # how wastrel reports an exception that leaves an export
MEMORY_TRAP = "out of bounds memory access"
MEMHASH_EXPORT = "fz:memhash"
_SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11]  # 13: tags


def _set_section(sections: list[tuple[int, bytes]], section_id: int, body: bytes) -> None:
    """Replaces the section, or inserts it where the binary format puts it."""
    for k, (i, _) in enumerate(sections):
        if i == section_id:
            sections[k] = (section_id, body)
            return
    rank = _SECTION_ORDER.index(section_id)
    at = next((k for k, (i, _) in enumerate(sections) if i and _SECTION_ORDER.index(i) > rank), len(sections))
    sections.insert(at, (section_id, body))


def _subtype(body: bytes, pos: int) -> tuple[tuple[str, bytes], int]:
    """One defined type: (its form, "func", "struct" or "array", and its
    composite type's bytes), after `sub`/`sub final` and their supertypes."""
    if body[pos] in (0x50, 0x4F):  # sub, sub final: supertype indices
        count, pos = _leb_u32(body, pos + 1)
        for _ in range(count):
            pos = _leb_u32(body, pos)[1]
    start, form = pos, body[pos]
    pos += 1
    if form == 0x60:  # func: parameters, results
        for _ in range(2):
            count, pos = _leb_u32(body, pos)
            for _ in range(count):
                pos = _valtype(body, pos)[1]
    elif form in (0x5F, 0x5E):  # struct: fields; array: one field (storage type, mutability)
        count, pos = _leb_u32(body, pos) if form == 0x5F else (1, pos)
        for _ in range(count):
            pos = _valtype(body, pos)[1] + 1
    else:
        raise ValueError(f"type form {form:#x}")
    return ({0x60: "func", 0x5F: "struct", 0x5E: "array"}[form], body[start:pos]), pos


def _type_entry(body: bytes, pos: int) -> tuple[tuple[bytes, list[tuple[str, bytes]]], int]:
    """One entry of the type section: (its bytes, the types it defines),
    several for a recursion group (rec), one for the others."""
    start = pos
    if body[pos] == 0x4E:  # rec
        count, pos = _leb_u32(body, pos + 1)
    else:
        count = 1
    defined = []
    for _ in range(count):
        subtype, pos = _subtype(body, pos)
        defined.append(subtype)
    return (body[start:pos], defined), pos


def _defined_types(entries: list[tuple[bytes, list[tuple[str, bytes]]]]) -> list[tuple[str, bytes]]:
    """Every defined type by its index: (form, composite type's bytes)."""
    return [subtype for _, defined in entries for subtype in defined]


def opcode_at(wasm: bytes, offset: int | None) -> int | None:
    if offset is None or not 0 <= offset < len(wasm):
        return None
    return wasm[offset]


# ---------------------------------------------------------------------------
# Calls

TYPE_LETTERS = {"i32": "i", "i64": "I", "f32": "f", "f64": "F", "v128": "V", "externref": "e", "funcref": "r"}
V128_MASK = (1 << 128) - 1


def _float_text(x: float) -> str:
    if math.isnan(x):
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    return x.hex()  # 'inf', '-inf', '-0x0.0p+0', '0x1.8p+1'


# Lanes of special floats, as bits: the zeros, +-1, the infinities, NaNs
# (quiet and signalling, either sign, with payloads), the smallest subnormal,
# the largest finite, the integer limits' neighbours (for the conversions).
F32_LANES = [
    0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
    0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7F800001, 0xFFFFFFFF, 0x7FC12345,
    0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF7FFFFF, 0x3F000000, 0xBF000000,
    0x4F000000, 0xCF000000, 0x4F800000, 0x5F000000, 0xDF000000, 0x3FC00000,
]  # fmt: skip
F64_LANES = [
    0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
    0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000,
    0x7FF4000000000000, 0x7FF0000000000001, 0xFFFFFFFFFFFFFFFF, 0x7FF8000012345678,
    0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF,
    0x3FE0000000000000, 0x3FF8000000000000, 0x41E0000000000000, 0xC1E0000000000000,
    0x41DFFFFFFFC00000, 0x41EFFFFFFFE00000, 0x43E0000000000000, 0xC3E0000000000000,
]  # fmt: skip


def random_v128(rng: random.Random) -> int:
    """A v128 argument's 128 bits (lane 0 the low bits)."""
    pick = rng.random()
    if pick < 0.15:
        return rng.choice([0, V128_MASK, 1, 1 << 127, V128_MASK >> 1, 0x80 * (V128_MASK // 0xFF)])
    if pick < 0.3:
        return rng.getrandbits(128)
    if pick < 0.6:  # integer lanes of one shape, near the limits or small
        width = rng.choice([8, 16, 32, 64])
        lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
        lanes = []
        for _ in range(128 // width):
            r = rng.random()
            if r < 0.5:
                lane = rng.choice([0, 1, -1, 2, lo, hi, lo + 1, hi - 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF])
            elif r < 0.75:
                lane = rng.randint(-100, 100)
            else:
                lane = rng.getrandbits(width)
            lanes.append(lane & ((1 << width) - 1))
        return sum(lane << (width * i) for i, lane in enumerate(lanes))
    return float_v128(rng, 32 if pick < 0.8 else 64)


def float_v128(rng: random.Random, width: int) -> int:
    """A v128 of f32x4 (`width` 32) or f64x2 lanes: special floats, small
    ones, random bits."""
    special = F32_LANES if width == 32 else F64_LANES
    fmt, ifmt = ("<f", "<I") if width == 32 else ("<d", "<Q")
    lanes = []
    for _ in range(128 // width):
        r = rng.random()
        if r < 0.6:
            lane = rng.choice(special)
        elif r < 0.85:  # a small float, as the scalar arguments have
            x = float(rng.randint(-1000, 1000)) / rng.choice([1, 2, 4, 10])
            lane = struct.unpack(ifmt, struct.pack(fmt, x))[0]
        else:
            lane = rng.getrandbits(width)
        lanes.append(lane)
    return sum(lane << (width * i) for i, lane in enumerate(lanes))


def random_arg(rng: random.Random, ty: str) -> str:
    """An argument of type `ty` as `--invoke-lines` writes it."""
    if ty == "v128":
        return f"{random_v128(rng):#x}"
    if ty in ("i32", "i64"):
        bits = 32 if ty == "i32" else 64
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        pick = rng.random()
        if pick < 0.45:
            value = rng.choice([0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 63, 64, 255, 256, 65535, 65536, lo, hi, lo + 1, hi - 1])
        elif pick < 0.7:
            value = rng.randint(-300, 300)
        elif pick < 0.8:
            value = rng.choice([1, -1]) << rng.randrange(bits - 1)
        else:
            value = rng.randint(lo, hi)
        return str(value)
    if ty in ("f32", "f64"):
        fmt, ifmt, bits = ("<f", "<I", 32) if ty == "f32" else ("<d", "<Q", 64)
        pick = rng.random()
        if pick < 0.45:
            value = rng.choice(
                [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 1.5, -2.5, math.inf, -math.inf, math.nan, -math.nan, 3.0, 255.0]
                + ([2.0**31, -(2.0**31), 2.0**32, 2.0**63, -(2.0**63), 2.0**64, 4294967295.0, 2147483647.0])
            )
        elif pick < 0.65:
            value = float(rng.randint(-1000, 1000)) / rng.choice([1, 1, 2, 4, 10])
        else:
            value = struct.unpack(fmt, struct.pack(ifmt, rng.getrandbits(bits)))[0]
        value = struct.unpack(fmt, struct.pack(fmt, value))[0]  # an f32 argument is exactly an f32
        return _float_text(value)
    if ty == "externref":
        return "null" if rng.random() < 0.4 else str(rng.randrange(3))
    return "null"  # other references: only null can be written


@dataclass
class Call:
    export: str
    args: list[str]

    def line(self) -> str:
        return " ".join([self.export, *self.args])


VALUE_TYPES = {
    0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", 0x70: "funcref", 0x6F: "externref",
    0x69: "exnref", 0x73: "nullfuncref", 0x72: "nullexternref", 0x74: "nullexnref",
    0x6E: "anyref", 0x6D: "eqref", 0x6C: "i31ref", 0x6B: "structref", 0x6A: "arrayref", 0x71: "nullref",
}  # fmt: skip
_HEAP_TYPES = {
    0x70: "func", 0x6F: "extern", 0x69: "exn", 0x73: "nofunc", 0x72: "noextern", 0x74: "noexn",
    0x6E: "any", 0x6D: "eq", 0x6C: "i31", 0x6B: "struct", 0x6A: "array", 0x71: "none",
}  # fmt: skip
# Each heap type's hierarchy: func, extern, exn, or any (GC's: eq, i31,
# struct, array, none, and the struct and array types).
_REF_HIERARCHY = {
    "func": "func", "nofunc": "func", "extern": "extern", "noextern": "extern", "exn": "exn", "noexn": "exn",
    "any": "any", "eq": "any", "i31": "any", "struct": "any", "array": "any", "none": "any",
}  # fmt: skip


def type_name(valtype: bytes, forms: list[str] | None = None) -> str:
    """A value type's bytes as the text format writes it: i32 ... exnref,
    anyref ... nullref, (ref null? HEAP) for typed references (HEAP
    abstract, or a type index, followed by `:struct` or `:array` when
    `forms`, each defined type's form, says it is one)."""
    if len(valtype) == 1:
        return VALUE_TYPES.get(valtype[0], f"type {valtype[0]:#x}")
    heap = _leb_s(valtype, 1)[0]
    if heap < 0:
        name = _HEAP_TYPES.get(heap & 0x7F, f"type {heap}")
    else:
        form = forms[heap] if forms is not None and heap < len(forms) else "func"
        name = str(heap) if form == "func" else f"{heap}:{form}"
    return f"(ref {'null ' if valtype[0] == 0x63 else ''}{name})"


def ref_kind(ty: str) -> tuple[str, bool] | None:
    """A reference type's hierarchy ("func", "extern", "exn" or "any") and
    whether it is nullable; None for the other types."""
    if ty.startswith("(ref "):
        words = ty[5:-1].split()
        heap = words[-1]
        hierarchy = _REF_HIERARCHY.get(heap) or ("any" if heap.endswith((":struct", ":array")) else "func")
        return hierarchy, words[0] == "null"
    if ty == "nullref":
        return "any", True
    if ty.endswith("ref") and ty[:-3].removeprefix("null") in _REF_HIERARCHY:
        return _REF_HIERARCHY[ty[:-3].removeprefix("null")], True
    return None


def writable_param(ty: str) -> bool:
    """Can a call write an argument of this type?  Numbers, v128, and
    nullable references (null; an externref also a host reference)."""
    kind = ref_kind(ty)
    return ty in TYPE_LETTERS if kind is None else kind[1]


def func_exports(wasm: bytes) -> dict[str, tuple[list[str], list[str]]]:
    """Exported functions (name -> (param types, result types)), read from the
    binary: wasmtime's C API aborts the process when asked a v128's kind
    (`wasm_valtype_kind`: "support for v128 is not implemented")."""
    sections = _sections(wasm)

    def body_of(section_id: int) -> bytes | None:
        return next((b for i, b in sections if i == section_id), None)

    defined = _defined_types(_vector(body_of(1), _type_entry)) if body_of(1) is not None else []
    forms = [form for form, _ in defined]

    def names(raw: bytes, pos: int) -> tuple[list[str], int]:
        count, pos = _leb_u32(raw, pos)
        types = []
        for _ in range(count):
            valtype, pos = _valtype(raw, pos)
            types.append(type_name(valtype, forms))
        return types, pos

    signatures: list = []
    for form, raw in defined:
        if form == "func":
            params, pos = names(raw, 1)
            signatures.append((params, names(raw, pos)[0]))
        else:
            signatures.append(None)
    func_types = [i for i, kind in _vector(body_of(2), _import) if kind == 0] if body_of(2) is not None else []
    func_types += _vector(body_of(3), _leb_u32) if body_of(3) is not None else []
    exports = _vector(body_of(7), _export) if body_of(7) is not None else []
    return {name: signatures[func_types[index]] for name, kind, index in exports if kind == 0}


def _import(body: bytes, pos: int) -> tuple[tuple[int, int], int]:
    """(type index, 0) for an imported function, (0, kind) for the others."""
    for _ in range(2):  # module and field names
        length, pos = _leb_u32(body, pos)
        pos += length
    kind, pos = body[pos], pos + 1
    if kind == 0:  # function: type index
        index, pos = _leb_u32(body, pos)
        return (index, 0), pos
    if kind == 1:  # table: reference type, limits
        return (0, kind), _limits(body, _valtype(body, pos)[1])[1]
    if kind == 2:  # memory: limits
        return (0, kind), _limits(body, pos)[1]
    if kind == 3:  # global: value type, mutability
        return (0, kind), _valtype(body, pos)[1] + 1
    if kind == 4:  # tag: attribute, type index
        return (0, kind), _leb_u32(body, pos + 1)[1]
    raise ValueError(f"import kind {kind:#x}")


def plan_calls(rng: random.Random, exports: dict[str, tuple[list[str], list[str]]]) -> list[Call]:
    """Calls of every exported function (a few of each, at most 30), mostly
    through its fuel-refilling twin."""
    callable_ = sorted(
        n
        for n, (params, _) in exports.items()
        if len(params) <= 60 and all(map(writable_param, params)) and writable_name(n) and not n.startswith((FUEL_PREFIX, "fz:"))
    )
    if not callable_:
        return []
    names = callable_ + [rng.choice(callable_) for _ in range(rng.randint(len(callable_), 2 * len(callable_) + 4))]
    rng.shuffle(names)
    calls = []
    for n in names[:30]:
        twin = FUEL_PREFIX + n
        calls.append(Call(twin if twin in exports and rng.random() < 0.85 else n, [random_arg(rng, p) for p in exports[n][0]]))
        if STATE_EXPORT in exports:
            calls.append(Call(STATE_EXPORT, []))
    if MEMHASH_EXPORT in exports:
        calls.append(Call(MEMHASH_EXPORT, []))
    return calls


# ---------------------------------------------------------------------------
# Outcomes.  A call's outcome is ("ok", [value text, ...]) with each value as
# `--invoke-lines` prints it (normalised), ("trap", {spec messages}) (several
# when wasmtime's report fits more than one), ("exception",) (an exception
# thrown and never caught: it leaves the export, as a trap does; its tag is
# not compared), or ("stack",) / ("oom",) (an allocation too large for the
# engine's GC heap: wasmtime's "allocation size too large", wastrel's "out
# of memory"; its limits are each engine's own) / ("timeout",) / ("error", text).

_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.strtof.restype = ctypes.c_float
_libc.strtof.argtypes = [ctypes.c_char_p, ctypes.c_void_p]


def _f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def norm_value(ty: str, value) -> str:
    """A value (from wasmtime, or text wastrel printed) in one canonical text
    form: integers signed decimal, floats as their bits (or 'nan'), a v128
    as its 32 hex digits, refs 'null'/'ref'."""
    if ty == "v128":
        bits = int(value, 0) if isinstance(value, str) else value
        return f"v128:{bits & V128_MASK:#034x}"
    if ty in ("i32", "i64"):
        bits = 32 if ty == "i32" else 64
        v = int(value) & ((1 << bits) - 1)
        return str(v - (1 << bits) if v >> (bits - 1) else v)
    if ty in ("f32", "f64"):
        if isinstance(value, str):
            if value == "nan":
                return "nan"
            x = _libc.strtof(value.encode(), None) if ty == "f32" else float(value)
        else:
            x = value
        if math.isnan(x):
            return "nan"
        return f"{ty}:{_f32_bits(x):#010x}" if ty == "f32" else f"{ty}:{_f64_bits(x):#018x}"
    if isinstance(value, str):
        return value if value in ("null", "ref") else f"?{value}"
    return "null" if value is None else "ref"


def describe(outcome: tuple) -> str:
    kind = outcome[0]
    if kind == "ok":
        return "results [" + ", ".join(outcome[1]) + "]"
    if kind == "trap":
        return "trap: " + " | ".join(sorted(outcome[1]))
    if kind == "stack":
        return "trap: call stack exhausted"
    if kind == "oom":
        return "trap: out of memory (allocation size too large)"
    if kind == "exception":
        return "uncaught exception"
    return " ".join(map(str, outcome))


def _nan_lanes_only(x: str, y: str) -> bool:
    """Do two normalised v128 values differ only where both hold a NaN, seen
    as f32x4 or as f64x2 (the same view for every lane)?"""
    if not (x.startswith("v128:") and y.startswith("v128:")):
        return False
    a, b = int(x[5:], 16), int(y[5:], 16)
    for width, fraction in ((32, 23), (64, 52)):
        mask, exponent, mantissa = (1 << width) - 1, ((1 << (width - 1)) - 1) & ~((1 << fraction) - 1), (1 << fraction) - 1
        lanes = [((a >> s) & mask, (b >> s) & mask) for s in range(0, 128, width)]

        def nan(lane: int) -> bool:
            return lane & exponent == exponent and lane & mantissa != 0

        if all(p == q or (nan(p) and nan(q)) for p, q in lanes):
            return True
    return False


def same(a: tuple, b: tuple, v128_nans: bool = False) -> bool:
    """Does wastrel's outcome `b` match wasmtime's `a`?  `v128_nans`: two
    v128 results that differ only in NaN lanes match (smith did not
    canonicalise NaNs)."""
    if a[0] != b[0]:
        return False
    if a[0] == "ok":
        if a[1] == b[1]:
            return True
        return v128_nans and len(a[1]) == len(b[1]) and all(x == y or _nan_lanes_only(x, y) for x, y in zip(a[1], b[1]))
    if a[0] == "trap":
        return bool(a[1] & b[1])
    return a == b


# ---------------------------------------------------------------------------
# wasmtime


def _arg_value(ty: str, text: str, hosts: dict):
    import wasmtime

    if ty in ("i32", "i64"):
        return int(text)
    if ty == "v128":
        return int(text, 0) & V128_MASK
    if ty in ("f32", "f64"):
        x = float(text) if text in ("nan", "-nan", "inf", "-inf") else float.fromhex(text)
        return wasmtime.Val.f32(x) if ty == "f32" else wasmtime.Val.f64(x)
    if ty == "externref":
        if text == "null":
            return wasmtime.Val.externref(None)
        return wasmtime.Val.externref(hosts.setdefault(text, [f"host ref {text}"]))
    kind = ref_kind(ty)
    if kind and kind[0] == "extern":
        return wasmtime.Val.externref(None)
    if kind and kind[0] in ("exn", "any"):
        return None  # a null exnref or anyref, which the Python API cannot make: see _call_raw
    return wasmtime.Val.funcref(None)


def _needs_raw(ty: str) -> bool:
    """Must a call with a value of this type go through the C API
    (`_call_raw`)?  All but numbers, funcref and externref: wasmtime-py
    knows no v128, no exnref and no GC reference, and the C API aborts the
    process when asked the kind of a typed reference ("`support for
    non-externref and non-funcref references` is not implemented")."""
    return ty == "v128" or (ref_kind(ty) is not None and ty not in ("funcref", "externref"))


_UNCAUGHT_WASMTIME = "thrown Wasm exception"  # in wasmtime's error for an uncaught exception


def _trap_outcome(exc, wasm: bytes) -> tuple:
    import wasmtime

    code = getattr(exc, "trap_code", None)
    if code == wasmtime.TrapCode.UNCAUGHT_EXCEPTION or _UNCAUGHT_WASMTIME in str(exc):
        return ("exception",)  # (wasmtime 50 gives no trap code, only the message)
    T = wasmtime.TrapCode
    simple = {
        T.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
        T.INDIRECT_CALL_TO_NULL: "uninitialized element",
        T.BAD_SIGNATURE: "indirect call type mismatch",
        T.INTEGER_OVERFLOW: "integer overflow",
        T.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
        T.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
        T.UNREACHABLE: "unreachable",
        T.CAST_FAILURE: "cast failure",
    }
    if code in simple:
        return ("trap", {simple[code]})
    if code == T.ARRAY_OUT_OF_BOUNDS:
        frames = exc.frames or []
        return ("trap", _array_trap(wasm, frames[0].module_offset if frames else None))
    if code == T.ALLOCATION_TOO_LARGE:
        return ("oom",)
    if code == T.NULL_REFERENCE:
        # One code for six spec messages: the instruction that trapped tells.
        frames = exc.frames or []
        return ("trap", _null_trap(wasm, frames[0].module_offset if frames else None))
    if code == T.STACK_OVERFLOW:
        return ("stack",)
    if code == T.INTERRUPT:
        return ("timeout",)
    if code == T.TABLE_OUT_OF_BOUNDS:
        # wasmtime has one code for both; the instruction that trapped tells.
        frames = exc.frames or []
        op = opcode_at(wasm, frames[0].module_offset) if frames else None
        if op == 0x11:  # call_indirect
            return ("trap", {"undefined element"})
        if op in (0x25, 0x26, 0xFC):  # table.get, table.set, table.init/copy/grow/fill
            return ("trap", {"out of bounds table access"})
        if not frames:  # an element segment at instantiation
            return ("trap", {"out of bounds table access"})
        return ("trap", {"undefined element", "out of bounds table access"})
    return ("error", f"wasmtime: {exc}")


_NULL_TRAPS = {0x14: "null function reference", 0x15: "null function reference", 0x0A: "null exception reference", 0xD4: "null reference"}
_GC_NULL_TRAPS = {
    **dict.fromkeys(range(0x02, 0x06), "null structure reference"),  # struct.get/get_s/get_u/set
    **dict.fromkeys(range(0x0B, 0x14), "null array reference"),  # array.get ... array.len, fill, copy, init_data/elem
    0x1D: "null i31 reference", 0x1E: "null i31 reference",  # i31.get_s/u
}  # fmt: skip


def _null_trap(wasm: bytes, offset: int | None) -> set[str]:
    """The spec's message for wasmtime's NULL_REFERENCE at `offset` (the
    instruction's), or all of them if that does not tell."""
    op = opcode_at(wasm, offset)
    if op == 0xFB and offset is not None:
        sub = _leb_u32(wasm, offset + 1)[0]
        if sub in _GC_NULL_TRAPS:
            return {_GC_NULL_TRAPS[sub]}
    if op in _NULL_TRAPS:
        return {_NULL_TRAPS[op]}
    return {*_NULL_TRAPS.values(), *_GC_NULL_TRAPS.values()}


def _array_trap(wasm: bytes, offset: int | None) -> set[str]:
    """The spec's message for wasmtime's ARRAY_OUT_OF_BOUNDS at `offset`.
    wasmtime 50's array.copy checks the destination's bounds before the
    source's nullness (the spec, and wastrel, test both references first:
    "null array reference"), so there it may be either."""
    if opcode_at(wasm, offset) == 0xFB and offset is not None and _leb_u32(wasm, offset + 1)[0] == 0x11:
        return {"out of bounds array access", "null array reference"}
    return {"out of bounds array access"}


# wasmtime 50 reports some traps (GC's, mostly) as an error, not a Trap:
# "error while executing at wasm backtrace: ... wasm trap: MESSAGE".
_ERROR_TRAPS = {"out of bounds array access", "cast failure", "out of bounds memory access", "integer divide by zero",
                "integer overflow", "invalid conversion to integer", "out of bounds table access", "indirect call type mismatch"}


def _error_outcome(exc, wasm: bytes) -> tuple:
    """The outcome of a WasmtimeError out of a call or an instantiation."""
    import re

    text = str(exc)
    if _UNCAUGHT_WASMTIME in text:
        return ("exception",)
    m = re.search(r"wasm trap: (.*)", text)
    if m:
        message = m[1].strip()
        frame = re.search(r"^\s*0:\s+(0x[0-9a-f]+)", text, re.M)
        offset = int(frame[1], 16) if frame else None
        if message == "out of bounds array access":
            return ("trap", _array_trap(wasm, offset))
        if message in _ERROR_TRAPS:
            return ("trap", {message})
        if message == "allocation size too large":
            return ("oom",)
        if message == "null reference":
            return ("trap", _null_trap(wasm, offset))
    return ("error", f"wasmtime: {exc}")


# wasmtime_valkind_t of an anyref (every reference of GC's hierarchy: eqref,
# i31ref, structs, arrays ...) and of an exnref (wasmtime 50's C API;
# wasmtime-py has no name for them).
_WASMTIME_ANYREF = 7
_WASMTIME_EXNREF = 8


def _call_raw(store, func, params: list[str], results: list[str], args: list) -> list:
    """Calls `func` through wasmtime's C API, as `Func.__call__` does, for a
    signature with a v128 (an int: lane 0 the low bits), an exnref or a GC
    reference (None for a null one, as an argument; as a result, None or
    True), which the Python API cannot pass or return (wasmtime-py 50:
    "unimplemented v128 type", "Unkown `ffi.wasmtime_valkind_t`: 8"); an
    externref result is None or True too."""
    import wasmtime
    from wasmtime import _ffi as ffi
    from wasmtime._func import enter_wasm
    from wasmtime._value import Val

    raw_params = (ffi.wasmtime_val_t * len(params))()
    raw_results = (ffi.wasmtime_val_t * len(results))()
    made = 0
    try:
        for i, (ty, arg) in enumerate(zip(params, args)):
            if ty == "v128":
                raw_params[i] = ffi.wasmtime_val_t(kind=ffi.WASMTIME_V128.value)
                raw_params[i].of.v128 = ffi.wasmtime_v128(*arg.to_bytes(16, "little"))
            elif arg is None:  # a null exnref or anyref: store_id 0
                raw_params[i] = ffi.wasmtime_val_t(kind=_WASMTIME_EXNREF if ref_kind(ty)[0] == "exn" else _WASMTIME_ANYREF)
            else:  # (no Val._convert_to_raw: it asks the kind of the function's types)
                raw_params[i] = (getattr(Val, ty)(arg) if isinstance(arg, int) else arg)._new_raw(store)
            made += 1
        with enter_wasm(store) as trap:
            error = ffi.wasmtime_func_call(store._context(), ctypes.byref(func._func), raw_params, len(params), raw_results, len(results), trap)
            if error:
                raise wasmtime.WasmtimeError._from_ptr(error)
    finally:
        for i in range(made):
            ffi.wasmtime_val_unroot(ctypes.byref(raw_params[i]))
    values = []
    for ty, raw in zip(results, raw_results):
        if ty == "v128":
            values.append(int.from_bytes(bytes(raw.of.v128), "little"))
        elif raw.kind in (_WASMTIME_EXNREF, _WASMTIME_ANYREF, ffi.WASMTIME_EXTERNREF.value):  # (the same layout)
            values.append(True if raw.of.exnref.store_id else None)
            ffi.wasmtime_val_unroot(ctypes.byref(raw))
        else:
            values.append(Val._from_raw(store, raw).value)
    return values


@dataclass
class Run:
    instantiation: tuple | None = None  # an outcome if instantiating did not succeed
    calls: list[tuple] = field(default_factory=list)
    status: str = ""  # wastrel: how the program ended
    collections: int = 0  # wastrel: how many times the collector ran


def wasmtime_config():
    """wasmtime's configuration: every Wasm 3.0 feature wastrel has
    (ALL_FEATURES, GC included) on (the module's features are what
    `validate` let through)."""
    import wasmtime

    config = wasmtime.Config()
    config.wasm_tail_call = True
    config.wasm_exceptions = True
    config.wasm_memory64 = True
    config.wasm_multi_memory = True
    config.wasm_function_references = True
    config.wasm_gc = True
    return config


# wasmtime's memory.grow fails beyond this, as wastrel's does for a memory64
# (runtime/memory.c, W_MEMORY64_RESERVATION; a 32-bit memory stops at 4 GiB).
MEMORY_LIMIT = 64 << 30


def run_wasmtime(wasm: bytes, calls: list[Call], timeout: float = RUN_TIMEOUT, call_timeout: float = RUN_TIMEOUT) -> Run:
    import wasmtime

    config = wasmtime_config()
    config.epoch_interruption = True
    config.max_wasm_stack = 1 << 20  # (at most the async stack size, 2 MiB)
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    store.set_limits(table_elements=10_000_000, memory_size=MEMORY_LIMIT)  # wastrel's table.grow and memory64 limits
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.05):
            engine.increment_epoch()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    deadline_ticks = max(1, int(timeout / 0.05))
    run = Run()
    try:
        module = wasmtime.Module(engine, wasm)
        types = func_exports(wasm)
        hosts: dict = {}
        store.set_epoch_deadline(deadline_ticks)
        try:
            instance = wasmtime.Instance(store, module, [])
        except wasmtime.Trap as exc:
            run.instantiation = _trap_outcome(exc, wasm)
            return run
        except wasmtime.WasmtimeError as exc:  # (an exception from the start function comes so, and some traps)
            run.instantiation = _error_outcome(exc, wasm)
            return run
        exports = instance.exports(store)
        started = time.monotonic()
        for c in calls:
            params, results = types[c.export]
            args = [_arg_value(t, a, hosts) for t, a in zip(params, c.args)]
            left = min(call_timeout, timeout - (time.monotonic() - started))
            if left <= 0:
                run.calls.append(("timeout",))
                break
            store.set_epoch_deadline(max(1, int(left / 0.05)))
            try:
                # (An externref result too: the Python API gives None for a
                # non-null one that extern.convert_any made, which holds no host data.)
                if any(map(_needs_raw, params + results)) or "externref" in results:
                    got = _call_raw(store, exports[c.export], params, results, args)
                    got = None if not results else got[0] if len(results) == 1 else got
                else:
                    got = exports[c.export](store, *args)
            except wasmtime.Trap as exc:
                run.calls.append(_trap_outcome(exc, wasm))
                if run.calls[-1][0] == "timeout":
                    break
                continue
            except wasmtime.WasmtimeError as exc:
                run.calls.append(_error_outcome(exc, wasm))
                continue
            values = [] if not results else [got] if len(results) == 1 else list(got)
            run.calls.append(("ok", [norm_value(t, v) for t, v in zip(results, values)]))
    finally:
        stop.set()
        ticker.join()
    return run


# ---------------------------------------------------------------------------
# wastrel


def wastrel_env(cache_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if cache_dir is not None:
        env["WASTREL_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build_options(seed: int, cc: str | None = None, opt: str | None = None) -> list[str]:
    """`wastrel compile` options for the seed: mostly the default C compiler
    at -O2, sometimes clang, sometimes another level (bugs that depend on what
    the C optimiser assumes show up at some levels only).  `cc`/`opt` win."""
    rng = random.Random(f"wastrel-fuzz-build-{seed}")
    pick_cc = "clang" if rng.random() < 0.3 and shutil.which("clang") else None
    pick_opt = rng.choice(["2"] * 6 + ["3", "3", "1", "s", "0"])
    cc, opt = cc or pick_cc, opt or pick_opt
    return (["--cc", cc] if cc else []) + (["-O", opt] if opt != "2" else [])


def compile_wastrel(wasm_path: Path, program: Path, cache_dir: Path | None, build: list[str] | None = None) -> str | None:
    """None on success, else what went wrong."""
    try:
        run = subprocess.run(
            [sys.executable, "-m", "wastrel", "compile", str(wasm_path), "-o", str(program), *(build or [])],
            capture_output=True, text=True, timeout=COMPILE_TIMEOUT, env=wastrel_env(cache_dir), cwd=REPO,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"wastrel compile took more than {COMPILE_TIMEOUT:.0f} s"
    if run.returncode != 0:
        return f"wastrel compile exited with {run.returncode}:\n{run.stderr.strip()}"
    return None


GC_STRESS_ENV = {"WASTREL_GC_STRESS": "1"}  # a collection at every allocation
# wastrel's GC heap limit in the fuzzer's runs (its default, 3/4 of the
# memory, would let an array.new of a random length fill gigabytes: wasmtime
# refuses beyond 4 GiB, "allocation size too large"; a side out of memory
# alone is inconclusive).
GC_MAX_HEAP = "1G"
STRESS_PREFIX = "under WASTREL_GC_STRESS=1: "  # a finding's detail, when the stress run gave it
STRESS_TIMEOUT = 2 * RUN_TIMEOUT  # for all of the calls, under stress
STRESS_MAX_BYTES = 64 << 10  # GC seeds whose module is at most this big run under stress too
_GC_LINE = re.compile(rb"^wastrel gc [0-9]+: .*\n", re.M)  # WASTREL_GC_VERBOSE's line per collection


def run_wastrel(program: Path, calls: list[Call], types: dict, timeout: float | None = None, env: dict | None = None) -> Run:
    """Makes the calls through `--invoke-lines`, stdout and stderr on one pipe
    so that each trap message sits before its call's `--`.  `env`: more
    environment variables (GC_STRESS_ENV).  The collector says a line per
    collection (WASTREL_GC_VERBOSE), counted in `collections` and left out."""
    script = "".join(c.line() + "\n" for c in calls)
    timeout = timeout or RUN_TIMEOUT
    run = Run()
    environment = {**os.environ, "WASTREL_GC_VERBOSE": "1", "WASTREL_GC_MAX_HEAP": GC_MAX_HEAP, "WASTREL_OPTIONS": "--invoke-lines", **(env or {})}
    try:
        proc = subprocess.run(
            [str(program)], input=script.encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, env=environment
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        run.status = "hang"
        out = exc.stdout or b""
    else:
        out = proc.stdout
        if proc.returncode < 0:
            run.status = f"killed by signal {-proc.returncode}"
        elif proc.returncode not in (0, 134):
            run.status = f"exit status {proc.returncode}"
        else:
            run.status = str(proc.returncode)
    out, run.collections = _GC_LINE.subn(b"", out)
    text = out.decode("utf-8", "replace")
    blocks = text.split("--\n")
    tail = blocks.pop()  # after the last `--`: empty unless the program stopped early
    for c, block in zip(calls, blocks):
        run.calls.append(_wastrel_outcome(block, types[c.export][1]))
    if tail:
        outcome = _wastrel_outcome(tail, None)
        if not blocks and run.status == "134" and outcome[0] in ("trap", "stack", "oom", "exception"):
            run.instantiation = outcome
        else:
            run.calls.append(("error", f"output after the last `--`: {tail.strip()!r}"))
    elif not blocks and run.status == "134":
        run.instantiation = ("error", "exit status 134 without a trap message")
    if run.status == "134" and run.instantiation is None:
        run.status = "exit status 134 after some calls"
    return run


def _wastrel_outcome(block: str, results: list[str] | None) -> tuple:
    lines = block.splitlines()
    if "wasm backtrace:" in lines:  # after a trap that ends the program: not compared
        lines = lines[: lines.index("wasm backtrace:")]
    traps = [line for line in lines if line.startswith(("wasm trap: ", UNCAUGHT))]
    if traps and len(lines) == 1:
        if traps[0].startswith(UNCAUGHT):  # "... (TAG)": tags' names differ between engines
            return ("exception",)
        message = traps[0][len("wasm trap: ") :]
        return ("stack",) if message == "call stack exhausted" else ("oom",) if message == "out of memory" else ("trap", {message})
    if results is None or traps or len(lines) != len(results) or not all(map(_printed_as, results, lines)):
        return ("error", f"unexpected output {block!r}")
    return ("ok", [norm_value(t, line) for t, line in zip(results, lines)])


def _printed_as(ty: str, line: str) -> bool:
    """Is `line` how `--invoke-lines` prints a value of type `ty`?"""
    import re

    if ty in ("i32", "i64"):
        return re.fullmatch(r"-?[0-9]+", line) is not None
    if ty in ("f32", "f64"):
        return line in ("nan", "inf", "-inf") or re.fullmatch(r"-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?", line) is not None
    if ty == "v128":
        return re.fullmatch(r"0x[0-9a-f]{1,32}", line) is not None
    return line in ("null", "ref")


# ---------------------------------------------------------------------------
# Comparing


@dataclass
class Result:
    seed: int
    status: str  # ok | smith-failed | invalid | no-calls | inconclusive | finding | wasmtime-error
    detail: str = ""
    calls: int = 0  # calls compared
    returned: int = 0  # of which returned (did not trap)
    wasm: bytes = b""
    plan: list = field(default_factory=list)
    mismatch_call: int | None = None
    build: list[str] = field(default_factory=list)  # wastrel compile options
    seconds: float = 0.0
    canonical_nans: bool = False  # smith canonicalised NaNs: v128 results compare bit for bit
    simd: bool = False  # the module may use SIMD
    kind: str = ""  # seed_kind
    v128s: int = 0  # v128 values among the results compared
    features: tuple[str, ...] = ()  # Wasm 3.0 features smith could use (seed_features)
    exceptions: int = 0  # calls compared that ended in an uncaught exception
    skipped: int = 0  # exported functions not called: a parameter no call can write (a non-nullable reference)
    stress: bool = False  # the calls ran a second time in wastrel under WASTREL_GC_STRESS=1 (GC seeds)
    collections: int = 0  # wastrel's collections in the calls compared (the first run)
    allocations: int = 0  # wastrel's collections under stress: its allocations in the GC heap
    gc_ops: dict = field(default_factory=dict)  # GC seeds: how often the module's code has each kind of GC instruction


def compare(
    wasm: bytes, calls: list[Call], expected: Run, got: Run, fast: bool = False, v128_nans: bool = True
) -> tuple[str, str, int, int | None]:
    """(status, detail, calls compared, index of the call that differs).
    `fast`: traps are fast (a command): of two traps in one call, a memory
    access's and another, either may be reported (runtime/wastrel_ops.h).
    `v128_nans`: v128 results that differ in NaN lanes only match (`same`)."""
    if expected.instantiation and expected.instantiation[0] in ("error", "timeout"):
        return "wasmtime-error", describe(expected.instantiation), 0, None
    if got.status not in ("0", "134"):
        n = len(got.calls)
        where = "at instantiation"
        if n < len(calls) and not expected.instantiation:
            where = f"in call {n} `{calls[n].line()}` (wasmtime: {describe(expected.calls[n]) if n < len(expected.calls) else '?'})"
        elif expected.instantiation:
            where += f" (wasmtime: {describe(expected.instantiation)})"
        what = "did not finish in time" if got.status == "hang" else f"ended with {got.status}"
        return "finding", f"wastrel: the program {what} {where}", 0, n
    if expected.instantiation or got.instantiation:
        if expected.instantiation and got.instantiation and same(expected.instantiation, got.instantiation):
            return "ok", "both trap at instantiation", 0, None
        kinds = ((expected.instantiation or ("",))[0], (got.instantiation or ("",))[0])
        if "stack" in kinds or "oom" in kinds:
            what = "call stack exhausted" if "stack" in kinds else "out of memory"
            return "inconclusive", f"{what} on one side only (instantiation)", 0, None
        return (
            "finding",
            f"instantiation: wasmtime {describe(expected.instantiation) if expected.instantiation else 'succeeds'}, "
            f"wastrel {describe(got.instantiation) if got.instantiation else 'succeeds'}",
            0,
            -1,
        )
    for i, c in enumerate(calls):
        a = expected.calls[i] if i < len(expected.calls) else ("error", "no outcome")
        b = got.calls[i] if i < len(got.calls) else ("error", "no outcome")
        if a[0] in ("timeout", "error"):
            return "wasmtime-error", f"call {i} ({c.line()}): wasmtime {describe(a)}", i, None
        if a[0] == b[0] == "stack":
            # How deep each engine got depends on its stack; so does the state left.
            return "ok", f"call {i}: call stack exhausted on both sides (later calls not compared)", i + 1, None
        if same(a, b, v128_nans):
            continue
        if fast and a[0] == b[0] == "trap" and MEMORY_TRAP in a[1] | b[1]:
            continue
        if "stack" in (a[0], b[0]):
            return "inconclusive", f"call {i}: call stack exhausted on one side only", i, None
        if "oom" in (a[0], b[0]):  # (the engines' GC heaps have limits of their own)
            return "inconclusive", f"call {i}: out of memory on one side only", i, None
        return "finding", f"call {i} `{c.line()}`:\n  wasmtime: {describe(a)}\n  wastrel:  {describe(b)}", i, i
    return "ok", "", len(calls), None


def signature(result: Result) -> str:
    """A finding's kind, for grouping: the same bug usually gives the same one."""
    if result.detail.startswith(STRESS_PREFIX):
        return _signature(result.detail[len(STRESS_PREFIX) :], result.status) + " (under WASTREL_GC_STRESS=1)"
    return _signature(result.detail, result.status)


def _signature(text: str, status: str) -> str:
    m = re.search(r"internal error in pass ([\w-]+): ([^(\n]*)", text)
    if m:
        return f"internal error in pass {m[1]}: {m[2].strip()}"
    m = re.search(r"error: (.*)", text)
    if "compiling the generated C failed" in text and m:
        return "C compiler: " + re.sub(r"‘[^’]*’", "‘…’", m[1])
    if text.startswith("wastrel: the program"):
        return re.split(r" (in call|at instantiation)", text)[0]
    if text.startswith("wastrel compile"):
        return text.splitlines()[-1][:120]
    m = re.search(r"wasmtime: (.*)\n  wastrel:  (.*)", text)
    if m:
        a, b = m[1], m[2]
        if a.startswith("results") and b.startswith("results"):
            return "different results"
        if b.startswith("error unexpected output"):
            return "wastrel: " + re.sub(r" \S+\\n.*", "", b[len("error unexpected output '") :])
        return f"wasmtime {a.split(' [')[0]} / wastrel {b.split(' [')[0]}"
    return text.splitlines()[0][:120] if text else status


def check_module(
    seed: int,
    wasm: bytes,
    calls: list[Call] | None,
    cache_dir: Path | None,
    work: Path,
    fit: bool = False,
    build: list[str] | None = None,
    timeout: float | None = None,
    command: bool = False,
    canonical_nans: bool = False,
    stress: bool = False,
) -> Result:
    """Runs one module both ways and compares.  `calls` None: planned from
    `seed`; `fit`: leave out the calls that do not fit the module's exports;
    `command`: the module exports `_start` (so does any module that exports
    a function of that name: wastrel builds it as a WASI command), so
    wastrel stops at its first trap, and the calls are compared up to
    wasmtime's first trap;
    `canonical_nans`: smith canonicalised the module's NaNs, so v128 results
    compare bit for bit (else NaN lanes may differ in payload);
    `stress`: if the calls agree, wastrel's program makes them again under
    WASTREL_GC_STRESS=1 (a collection at every allocation), compared with
    wasmtime's outcomes too; it must finish in STRESS_TIMEOUT (no GC seed
    has come near: the stress runs that hung had lost objects, a mutant
    collector's, and looped around a list made a cycle)."""
    import wasmtime

    result = Result(seed, "ok", wasm=wasm, build=list(build or []), canonical_nans=canonical_nans)
    try:
        module = wasmtime.Module(wasmtime.Engine(wasmtime_config()), wasm)
    except Exception as exc:  # noqa: BLE001 - anything wasmtime refuses
        result.status, result.detail = "wasmtime-error", f"wasmtime rejects the module: {exc}"
        return result
    types = func_exports(wasm)
    command = command or "_start" in types
    if calls is None:
        calls = plan_calls(random.Random(f"wastrel-fuzz-calls-{seed}"), types)
    elif fit:
        calls = fitting_calls(calls, types)
    result.plan = calls
    wasm_path = work / f"seed-{seed}.wasm"
    wasm_path.write_bytes(wasm)
    program = work / f"seed-{seed}"
    error = compile_wastrel(wasm_path, program, cache_dir, build)
    if error:
        result.status, result.detail = "finding", error
        return result
    expected = run_wasmtime(wasm, calls, call_timeout=CALL_TIMEOUT)
    if expected.calls and expected.calls[-1] == ("timeout",):
        # A call that loops: compare what came before it only.
        calls = result.plan = calls[: len(expected.calls) - 1]
        expected.calls.pop()
    if command:
        trapped = [i for i, outcome in enumerate(expected.calls) if outcome[0] in ("trap", "stack", "oom", "exception")]
        if trapped:
            calls = result.plan = calls[: trapped[0] + 1]
            del expected.calls[trapped[0] + 1 :]
    got = run_wastrel(program, calls, types, timeout)
    if command and got.status == "exit status 134 after some calls" and got.calls[-1][0] in ("trap", "stack", "oom", "exception"):
        got.status = "134"  # a command stops at its first trap (or uncaught exception)
    result.status, result.detail, result.calls, result.mismatch_call = compare(
        wasm, calls, expected, got, fast=command, v128_nans=not canonical_nans
    )
    result.collections = got.collections
    # Under stress, up to the first call that exhausts the stack: a
    # collection per allocation, each reading the whole stack, takes time
    # quadratic in the depth of a recursion that allocates.
    stress_calls = calls[: next((i for i, outcome in enumerate(expected.calls) if outcome[0] == "stack"), len(calls))]
    if stress and result.status == "ok" and stress_calls:
        stressed = run_wastrel(program, stress_calls, types, STRESS_TIMEOUT, env=GC_STRESS_ENV)
        if command and stressed.status == "exit status 134 after some calls" and stressed.calls[-1][0] in ("trap", "stack", "oom", "exception"):
            stressed.status = "134"
        result.stress, result.allocations = True, stressed.collections
        status, detail, _, mismatch = compare(wasm, stress_calls, expected, stressed, fast=command, v128_nans=not canonical_nans)
        if status != "ok":
            result.status, result.detail, result.mismatch_call = status, STRESS_PREFIX + detail, mismatch
    result.returned = sum(1 for outcome in expected.calls[: result.calls] if outcome[0] == "ok")
    result.exceptions = sum(1 for outcome in expected.calls[: result.calls] if outcome[0] == "exception")
    result.skipped = sum(1 for n, (params, _) in types.items() if not n.startswith((FUEL_PREFIX, "fz:")) and not all(map(writable_param, params)))
    result.v128s = sum(v.startswith("v128:") for o in expected.calls[: result.calls] if o[0] == "ok" for v in o[1])
    if not calls and result.status == "ok" and not expected.instantiation:
        result.status = "no-calls"
    return result


def run_seed(seed: int, cache_dir: str | None, cc: str | None = None, opt: str | None = None, command: bool = False) -> Result:
    started = time.monotonic()
    try:
        generated = generate(seed, command)
        wasm, fuel, canonical_nans = generated.wasm, generated.fuel, generated.canonical_nans
        if wasm is None:
            return Result(seed, "smith-failed", features=generated.features)
        problem = validate(wasm, generated.features)
        if problem:
            return Result(seed, "invalid", problem.splitlines()[0], wasm=wasm, features=generated.features)
        wasm = prepare(wasm, fuel, command=command)
        gc = "gc" in generated.features
        with tempfile.TemporaryDirectory(prefix="wastrel-fuzz-") as work:
            build = build_options(seed, cc, opt)
            result = check_module(
                seed, wasm, None, Path(cache_dir) if cache_dir else None, Path(work), build=build, command=command,
                canonical_nans=canonical_nans, stress=gc and len(wasm) <= STRESS_MAX_BYTES,
            )  # fmt: skip
        if gc:
            result.gc_ops = gc_op_counts(wasm)
        result.simd = generated.kind in ("smith-simd", "simd-exprs")
        result.kind = generated.kind
        result.features = generated.features
    except Exception as exc:  # noqa: BLE001 - a harness failure is reported, not fatal
        import traceback

        result = Result(seed, "harness-error", traceback.format_exc() or str(exc))
    result.seconds = time.monotonic() - started
    return result


_GC_OPS = {
    "alloc": r"(?:struct|array)\.new\w*",
    "cast": r"ref\.test|ref\.cast|br_on_cast(?:_fail)?",
    "access": r"(?:struct|array)\.(?:get|set|len|fill|copy|init)\w*",
    "i31": r"ref\.i31|i31\.get_[su]",
    "convert": r"any\.convert_extern|extern\.convert_any",
}


def gc_op_counts(wasm: bytes) -> dict[str, int]:
    """How many GC instructions of each kind (_GC_OPS) the module has, in
    code and constant expressions."""
    text = wasm_text(wasm)
    return {kind: len(re.findall(rf"(?<![\w.$])(?:{pattern})(?![\w.])", text)) for kind, pattern in _GC_OPS.items()}


# ---------------------------------------------------------------------------
# Saved cases (tests/fuzz_regressions/NAME.wasm + NAME.json)


def save_case(directory: Path, name: str, result: Result) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.wasm").write_bytes(result.wasm)
    case = {
        "seed": result.seed,
        "finding": result.detail,
        "build": result.build,
        "canonical_nans": result.canonical_nans,
        **({"gc_stress": True} if result.stress else {}),
        "calls": [c.line() for c in result.plan],
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(case, indent=1) + "\n")
    return path


def replay_case(json_path: Path, cache_dir: Path | None, work: Path, build: list[str] | None = None) -> Result:
    """Runs a saved case, built as it says (`build`: these options instead),
    with its own time limit for wastrel's program if it has one, and again
    under WASTREL_GC_STRESS=1 if it says "gc_stress"."""
    case = json.loads(json_path.read_text())
    wasm = json_path.with_suffix(".wasm").read_bytes()
    build = case.get("build", []) if build is None else build
    calls = parse_calls(case["calls"])
    return check_module(
        case.get("seed", 0), wasm, calls, cache_dir, work, build=build, timeout=case.get("timeout"),
        canonical_nans=case.get("canonical_nans", False), stress=case.get("gc_stress", False),
    )  # fmt: skip


def parse_calls(lines: list[str]) -> list[Call]:
    return [Call(words[0], words[1:]) for words in (line.split() for line in lines)]


def fitting_calls(calls: list[Call], exports: dict[str, tuple[list[str], list[str]]]) -> list[Call]:
    """The calls that still fit the module's exports (for a shrinking module)."""

    def fits(ty: str, text: str) -> bool:
        if ty in ("i32", "i64"):
            return text.lstrip("-").isdigit()
        if ty in ("f32", "f64"):
            return text not in ("null",)
        if ty == "v128":
            return text.startswith("0x") or text.isdigit()
        return text == "null" or (ty == "externref" and text.isdigit())

    return [
        c
        for c in calls
        if c.export in exports
        and len(exports[c.export][0]) == len(c.args)
        and all(fits(t, a) for t, a in zip(exports[c.export][0], c.args))
    ]


# ---------------------------------------------------------------------------
# Reporting and the command line


def format_report(result: Result) -> str:
    """A finding in full: seed, what differs, the calls, the module as text."""
    lines = [f"=== FINDING: seed {result.seed} ({signature(result)}) ===", result.detail]
    lines.append("built with: wastrel compile " + (" ".join(result.build) or "(defaults)"))
    if result.plan:
        lines.append("calls:")
        for i, c in enumerate(result.plan):
            lines.append(f"  {i:2}: {c.line()}" + ("  <-- differs" if i == result.mismatch_call else ""))
    if result.wasm:
        lines += ["module:", wasm_text(result.wasm).rstrip("\n")]
    return "\n".join(lines)


def report(result: Result, keep: Path | None) -> None:
    print("\n" + format_report(result))
    if keep is not None and result.wasm:
        print(f"saved: {save_case(keep, f'seed-{result.seed}', result)}")
    print("=== end of seed", result.seed, "===", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=100, help="how many seeds (default 100)")
    p.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--only", help="comma-separated seeds to run instead")
    p.add_argument("--wasm3", action="store_true", help="of the seeds, only those with Wasm 3.0 features (seed_features)")
    p.add_argument("--gc", action="store_true", help="of the seeds, only the GC seeds (smith's with GC, and GC expression modules)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel seeds (default: the CPU count)")
    p.add_argument("--keep", type=Path, metavar="DIR", help="save each finding's module and calls here")
    p.add_argument("--verbose", action="store_true", help="a line per seed")
    p.add_argument("--quiet", action="store_true", help="the summary, and each kind of finding once in full")
    p.add_argument("-O", dest="opt", choices=["0", "1", "2", "3", "s"], help="C optimisation level for every seed (default: chosen by the seed, mostly 2)")
    p.add_argument("--cc", help="C compiler for every seed (default: chosen by the seed, mostly wastrel's default)")
    p.add_argument("--command", action="store_true", help="make each module a WASI command (fast traps): calls compared up to the first trap")
    p.add_argument("--replay", type=Path, metavar="CASE.json", help="run a saved case")
    p.add_argument("--check", type=Path, metavar="M.wasm", help="exit 0 iff this module gives a finding")
    p.add_argument("--calls", type=Path, metavar="CASE.json", help="with --check: make these calls (those that fit)")
    p.add_argument("--expect", help="with --check: the finding's detail must contain this text")
    args = p.parse_args(argv)

    override = (["--cc", args.cc] if args.cc else []) + (["-O", args.opt] if args.opt else [])
    cache = Path(tempfile.mkdtemp(prefix="wastrel-fuzz-cache-"))
    try:
        if args.check or args.replay:
            with tempfile.TemporaryDirectory(prefix="wastrel-fuzz-") as work:
                if args.replay:
                    result = replay_case(args.replay, cache, Path(work), override or None)
                else:
                    wasm = prepare(args.check.read_bytes(), None, observe=False)
                    if validate(wasm, ALL_FEATURES):
                        return 1
                    case = json.loads(args.calls.read_text()) if args.calls else {}
                    calls = parse_calls(case["calls"]) if args.calls else None
                    canonical = case.get("canonical_nans", False)
                    stress = case.get("gc_stress", False)
                    result = check_module(args.start, wasm, calls, cache, Path(work), fit=True, build=override, canonical_nans=canonical, stress=stress)
            if args.check:
                found = result.status == "finding" and (args.expect is None or args.expect in result.detail)
                return 0 if found else 1
            if result.status == "finding":
                report(result, args.keep)
                return 1
            print(f"{args.replay}: {result.status} {result.detail}".rstrip())
            return 0
        seeds = [int(s) for s in args.only.split(",")] if args.only else list(range(args.start, args.start + args.seeds))
        if args.wasm3:
            seeds = [s for s in seeds if seed_features(s)]
        if args.gc:
            seeds = [s for s in seeds if "gc" in seed_features(s)]
        return fuzz(seeds, args.jobs, cache, args.keep, args.verbose, args.quiet, args.cc, args.opt, args.command)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def fuzz(seeds: list[int], jobs: int, cache: Path, keep: Path | None, verbose: bool, quiet: bool, cc: str | None = None, opt: str | None = None, command: bool = False) -> int:
    counts: dict[str, int] = {}
    kinds: dict[str, list[int]] = {}
    findings: list[Result] = []
    calls = returned = simd = exprs = v128s = exceptions = skipped = wasm3 = 0
    features: dict[str, int] = dict.fromkeys(ALL_FEATURES, 0)
    wasm3_exprs = 0
    gc: list[Result] = []  # the GC seeds' results (those that ran)
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_seed, s, str(cache), cc, opt, command): s for s in seeds}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            result = future.result()
            counts[result.status] = counts.get(result.status, 0) + 1
            calls += result.calls
            returned += result.returned
            simd += result.simd
            exprs += result.kind == "simd-exprs"
            v128s += result.v128s
            exceptions += result.exceptions
            skipped += result.skipped
            wasm3 += bool(result.features)
            wasm3_exprs += result.kind == "wasm3-exprs"
            for feature in result.features:
                features[feature] += 1
            if result.gc_ops:
                gc.append(result)
            if result.status in ("finding", "harness-error"):
                findings.append(result)
                kinds.setdefault(signature(result), []).append(result.seed)
                if not quiet or kinds[signature(result)] == [result.seed]:
                    report(result, keep)
                else:
                    print(f"seed {result.seed}: finding: {signature(result)} (seen before)", flush=True)
                    if keep is not None:
                        save_case(keep, f"seed-{result.seed}", result)
            elif verbose or (result.status in ("inconclusive", "wasmtime-error") and not quiet):
                built = " ".join(result.build) or "-O 2"
                built += f", {result.kind}, {result.v128s} v128 results" if result.simd else ""
                built += f", {'+'.join(result.features)}" if result.features else ""
                if result.gc_ops:
                    ops = " ".join(f"{n} {k}" for k, n in result.gc_ops.items() if n)
                    built += f", {result.kind}: {ops or 'no GC instructions'}; {result.collections} collections"
                    built += f", {result.allocations} allocations under stress" if result.stress else ", no stress run"
                print(f"seed {result.seed}: {result.status} ({result.calls} calls, {built}, {result.seconds:.1f} s) {result.detail}", flush=True)
            if not quiet and not verbose and done % 50 == 0:
                print(f"[{done}/{len(seeds)} seeds, {len(findings)} findings, {time.monotonic() - started:.0f} s]", flush=True)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"\n{len(seeds)} seeds in {time.monotonic() - started:.0f} s: {summary}; {calls} calls compared "
          f"({returned} returned, {calls - returned - exceptions} trapped, {exceptions} uncaught exceptions); "
          f"{simd} seeds with SIMD ({exprs} SIMD expression modules), {v128s} v128 results compared; "
          f"{wasm3} seeds with Wasm 3.0 features ({', '.join(f'{n} {f}' for f, n in features.items())}; "
          f"{wasm3_exprs} modules of exceptions, tail calls and function references)"
          + (f"; {skipped} exports not called (a non-nullable reference parameter)" if skipped else ""))
    if gc:
        print(gc_summary(gc))
    if findings:
        print("findings by kind:")
        for kind, found in sorted(kinds.items(), key=lambda item: -len(item[1])):
            print(f"  {len(found):4}  {kind}   (seeds {', '.join(map(str, sorted(found)[:12]))}{', ...' if len(found) > 12 else ''})")
    return 1 if findings else 0


def gc_summary(results: list[Result]) -> str:
    """A line on the GC seeds that ran: how many allocate or cast, in their
    code and when run."""
    stressed = [r for r in results if r.stress]
    exprs = sum(r.kind == "gc-exprs" for r in results)

    def share(n: int, of: int) -> str:
        return f"{n}/{of}" + (f" ({100 * n / of:.0f}%)" if of else "")

    static = {kind: sum(1 for r in results if r.gc_ops.get(kind)) for kind in _GC_OPS}
    return (
        f"GC seeds: {len(results)} ({exprs} GC expression modules, {len(results) - exprs} smith's); "
        f"code with {', '.join(f'{kind} {share(n, len(results))}' for kind, n in static.items())}; "
        f"run under WASTREL_GC_STRESS=1 too: {share(len(stressed), len(results))}, of which allocated: "
        f"{share(sum(1 for r in stressed if r.allocations), len(stressed))} "
        f"(smith's {share(sum(1 for r in stressed if r.allocations and r.kind != 'gc-exprs'), sum(1 for r in stressed if r.kind != 'gc-exprs'))}), "
        f"{sum(r.allocations for r in stressed)} allocations in all; "
        f"collected without stress: {share(sum(1 for r in results if r.collections), len(results))}"
    )


if __name__ == "__main__":
    sys.exit(main())
