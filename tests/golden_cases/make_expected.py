#!/usr/bin/env python3
"""Regenerate tests/golden_cases/expected.json (and tests/traps/expected.json).

The expected values are COMPUTED by running each module in wasmtime, never
written by hand.  The invocations to run are kept here, in INVOCATIONS.

Usage:
    python tests/golden_cases/make_expected.py            # both files
    python tests/golden_cases/make_expected.py --golden   # only golden_cases
    python tests/golden_cases/make_expected.py --traps    # only traps
    python tests/golden_cases/make_expected.py --check    # compare, don't write

expected.json format (golden_cases)
-----------------------------------
    { "<case>": [ {"export": name, "args": [...], "results": [...]}
                  | {"export": name, "args": [...], "trap": "<spec message>"},
                  ... ], ... }

All invocations of one case run IN ORDER against ONE instance (instantiated
once, so the start function runs once); state (memory, globals, tables) carries
over from one invocation to the next, including after a trap.

Value encoding (args and results):
    i32, i64      signed JSON integer
    f32, f64      "f32:0x3fc00000" / "f64:0x3ff8000000000000" (exact bit pattern)
    funcref       null or "ref"
    externref     null or "ref" (as an argument, "ref" means: some non-null
                  host reference; a later result of "ref" is that same object)

Trap messages use the spec's wording (see TRAP_MESSAGES).  wasmtime reports
"out of bounds table access" and "undefined element" with one message, so
invocations that trap that way must name which one they expect; the script
checks the name is consistent with what wasmtime reported.
"""

import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import wasmtime

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
TRAPS_DIR = os.path.join(TESTS, "traps")


def _find_wasm_tools():
    cand = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
    if os.path.exists(cand):
        return cand
    return "wasm-tools"


WASM_TOOLS = _find_wasm_tools()

I32_MIN = -(2**31)
I32_MAX = 2**31 - 1
I64_MIN = -(2**63)
I64_MAX = 2**63 - 1
NAN = float("nan")
INF = float("inf")


def f32(bits):
    return "f32:0x%08x" % bits


def f64(bits):
    return "f64:0x%016x" % bits


# Spec wording for each trap.  Keys are the text wasmtime prints after
# "wasm trap: "; values are the set of spec messages that text can stand for.
TRAP_MESSAGES = {
    "integer divide by zero": {"integer divide by zero"},
    "integer overflow": {"integer overflow"},
    "invalid conversion to integer": {"invalid conversion to integer"},
    "out of bounds memory access": {"out of bounds memory access"},
    "undefined element: out of bounds table access": {
        "undefined element",
        "out of bounds table access",
    },
    "uninitialized element": {"uninitialized element"},
    "indirect call type mismatch": {"indirect call type mismatch"},
    "wasm `unreachable` instruction executed": {"unreachable"},
    "call stack exhausted": {"call stack exhausted"},
    "null reference": {"null reference", "null function reference", "null structure reference", "null array reference", "null i31 reference"},
    "out of bounds array access": {"out of bounds array access"},
    "cast failure": {"cast failure"},
}

# ---------------------------------------------------------------------------
# Invocations.  Each entry is (export, args) or (export, args, trap_hint),
# where trap_hint is the spec message the invocation is expected to trap with.
# The hint is only needed where wasmtime's message is ambiguous (table access);
# if given anywhere it is checked against wasmtime's result.
# Args: Python ints (any sign; normalised to signed), Python floats or
# "f32:0x.."/"f64:0x.." strings for floats, None / "ref" for references.
# ---------------------------------------------------------------------------

UNDEF = "undefined element"
TOOB = "out of bounds table access"

INVOCATIONS = {
    "arith_nested": [
        ("affine", [2, 5]),
        ("affine", [-4, 7]),
        ("affine", [I32_MAX, 1]),
        ("poly", [5]),
        ("poly", [-3]),
        ("poly", [65536]),
        ("mixed", [300, 7, 0x12345678]),
        ("mixed", [0, 1, -1]),
        ("divs", [17, 5]),
        ("divs", [-17, 5]),
        ("divs", [1, 0]),
        ("divs", [I32_MIN, -1]),
    ],
    "block_result": [
        ("block_value", [0]),
        ("block_value", [4]),
        ("block_value", [-1]),
        ("early_exit", [-5]),
        ("early_exit", [0]),
        ("early_exit", [7]),
    ],
    "nested_br_outer": [
        ("classify", [0]),
        ("classify", [1]),
        ("classify", [2]),
        ("classify", [-1]),
        ("outer_value", [0]),
        ("outer_value", [1]),
        ("outer_value", [-9]),
    ],
    "tail_calls": [
        ("is_even", [0]),
        ("is_even", [7]),
        ("is_odd", [7]),
        ("is_even", [10_000_000]),
        ("sum", [100, 0]),
        ("sum", [5_000_000, 1]),
    ],
    "typed_func_refs": [
        ("pick", [0, 7, 3]),
        ("pick", [1, 7, 3]),
        ("via_table", [0, 7, 3]),
        ("via_table", [1, 7, 3]),
        ("call_op", [1, 2], "null function reference"),
        ("op_or_minus1", [1, 2]),
        ("op_or_add", [5, 3]),
        ("checked", [1, 2], "null reference"),
        ("set_op", [1]),
        ("call_op", [9, 4]),
        ("op_or_minus1", [9, 4]),
        ("op_or_add", [9, 4]),
        ("checked", [9, 4]),
        ("set_op", [0]),
        ("op_or_add", [9, 4]),
        ("down", [10_000_000]),
    ],
    "gc": [
        ("list_sum", [0]),
        ("list_sum", [100_000]),
        ("churn", [2000]),
        ("shapes", [10]),
        ("shapes", [1000]),
        ("count_circles", [50]),
        ("bytes", [0]),
        ("bytes", [1]),
        ("bytes", [7]),
        ("bytes", [11]),
        ("i31", [5]),
        ("i31", [-5]),
        ("i31", [0x40000000]),
        ("via_extern", [-123]),
        ("bump", [1]),
        ("bump", [41]),
        ("null_field", [], "null structure reference"),
        ("out_of_bounds", [3]),
        ("out_of_bounds", [4]),
        ("bad_cast", []),
    ],
    "exceptions": [
        ("classify", [5]),
        ("classify", [50]),
        ("classify", [500]),
        ("classify", [-3]),
        ("rethrown", [3]),
        ("rethrown", [30]),
        ("count", [20]),
        ("trap", [1]),
        ("trap", [0]),
    ],
    "simd_lanes": [
        ("sum_squares", [0]),
        ("sum_squares", [4]),
        ("sum_squares", [64]),
        ("mix", [0x0102030405060708, -1]),
        ("mix", [-1, 0x7F7F7F7F7F7F7F7F]),
        ("bump", [1]),
        ("bump", [10]),
        ("bump", [-20]),
    ],
    "loop_sum": [
        ("sum_to", [0]),
        ("sum_to", [1]),
        ("sum_to", [10]),
        ("sum_to", [100]),
        ("sum_to", [-5]),
        ("count_pairs", [0]),
        ("count_pairs", [1]),
        ("count_pairs", [2]),
        ("count_pairs", [5]),
        ("count_pairs", [10]),
    ],
    "do_while_outer_branch": [
        ("f", [5]),
        ("f", [0]),
        ("f", [1]),
        ("f", [30]),
        ("g", [0]),
        ("g", [4]),
        ("g", [17]),
    ],
    "loop_result": [
        ("next_pow2", [0]),
        ("next_pow2", [1]),
        ("next_pow2", [5]),
        ("next_pow2", [64]),
        ("next_pow2", [1000]),
        ("gcd", [48, 18]),
        ("gcd", [17, 5]),
        ("gcd", [0, 7]),
        ("gcd", [7, 0]),
    ],
    "loop_params": [
        ("fact_loop", [1]),
        ("fact_loop", [5]),
        ("fact_loop", [10]),
        ("fact_loop", [13]),
        ("fib_loop", [1]),
        ("fib_loop", [2]),
        ("fib_loop", [10]),
        ("fib_loop", [30]),
        ("fib_loop", [47]),
    ],
    "if_else_result": [
        ("abs", [-5]),
        ("abs", [5]),
        ("abs", [0]),
        ("abs", [I32_MIN]),
        ("sign", [-3]),
        ("sign", [0]),
        ("sign", [9]),
        ("scale", [7, 1]),
        ("scale", [7, 0]),
        ("scale", [-2, 5]),
    ],
    "if_no_else": [
        ("clamp_low", [-4]),
        ("clamp_low", [4]),
        ("flags", [0, 0]),
        ("flags", [1, 0]),
        ("flags", [0, 5]),
        ("flags", [-1, 1]),
    ],
    "br_if_value": [
        ("first_nonzero", [3, 4]),
        ("first_nonzero", [0, 4]),
        ("first_nonzero", [0, 0]),
        ("br_if_kept", [1]),
        ("br_if_kept", [0]),
    ],
    "br_table_dense": [
        ("switch", [0]),
        ("switch", [1]),
        ("switch", [2]),
        ("switch", [3]),
        ("switch", [-1]),
        ("switch", [I32_MAX]),
        ("bucket", [0]),
        ("bucket", [1]),
        ("bucket", [3]),
        ("bucket", [4]),
        ("bucket", [100]),
        ("bucket", [-1]),
    ],
    "br_table_results": [
        ("switch_value", [0]),
        ("switch_value", [1]),
        ("switch_value", [2]),
        ("switch_value", [3]),
        ("switch_value", [-1]),
    ],
    "return_nested": [
        ("find", [0, 10, 4]),
        ("find", [0, 10, 10]),
        ("find", [5, 3, 4]),
        ("deep_return", [0]),
        ("deep_return", [1]),
        ("return_with_extra", []),
    ],
    "multi_value_call": [
        ("divmod", [17, 5]),
        ("divmod", [-1, 16]),
        ("divmod", [17, 0]),
        ("swap", [-1, 2.5]),
        ("swap", [I64_MAX, -0.0]),
        ("quot_minus_rem", [17, 5]),
        ("quot_minus_rem", [100, 7]),
        ("recombine", [1234, 10]),
        ("recombine", [1, 0]),
    ],
    "block_multi_result": [
        ("minmax", [3, 9]),
        ("minmax", [9, 3]),
        ("minmax", [-1, -1]),
        ("distance", [3, 9]),
        ("distance", [9, 3]),
        ("distance", [-5, 5]),
    ],
    "recursion": [
        ("fac", [0]),
        ("fac", [1]),
        ("fac", [5]),
        ("fac", [20]),
        ("fac", [25]),
        ("fib", [0]),
        ("fib", [1]),
        ("fib", [10]),
        ("fib", [20]),
        ("is_even", [10]),
        ("is_even", [7]),
        ("is_odd", [7]),
    ],
    "call_indirect": [
        ("apply", [0, 6, 7]),
        ("apply", [1, 6, 7]),
        ("apply", [2, 6, 7]),
        ("apply", [3, 6, 7]),
        ("apply", [4, 6, 7]),
        ("apply", [5, 6, 7], UNDEF),
        ("apply", [-1, 6, 7], UNDEF),
    ],
    "select": [
        ("max", [3, 9]),
        ("max", [9, 3]),
        ("max", [-1, 1]),
        ("pick_i64", [1]),
        ("pick_i64", [0]),
        ("pick_f64", [1]),
        ("pick_f64", [0]),
        ("pick_f64", [-7]),
        ("pick_ref", [1]),
        ("pick_ref", [0]),
    ],
    "locals_tee": [
        ("tee_chain", [5]),
        ("tee_chain", [0]),
        ("zero_locals", []),
        ("square_succ", [4]),
        ("square_succ", [-1]),
    ],
    "globals": [
        ("bump", []),
        ("bump", []),
        ("add_total", [5]),
        ("add_total", [-2000]),
        ("double_scale", []),
        ("double_scale", []),
        ("bump", []),
    ],
    "multi3": [
        *[
            (export, args)
            for export in ("compiler_rt", "compiler_rt_reordered", "rust", "not_multi3")
            for args in (
                [3, 0, 5, 0],
                [-1, -1, -1, -1],
                [-1, 0, -1, 0],
                [0x123456789ABCDEF0, 0x0FEDCBA987654321, -0x2152411035524111, 0x7FFFFFFF80000001],
                [I64_MIN, I64_MAX, I64_MAX, I64_MIN],
                [0xFFFFFFFF, 0, 0x100000001, 0],
            )
        ],
        # A store at 65536 traps: what did the other one leave at 65528?
        ("compiler_rt_at", [65528, -1, -1, 2, 0]),
        ("peek", [65528]),
        ("rust_at", [65528, -1, -1, 2, 0]),
        ("peek", [65528]),
    ],
    "memory_loads": [
        ("i32_load8_s", [0]),
        ("i32_load8_s", [1]),
        ("i32_load8_u", [1]),
        ("i32_load16_s", [1]),
        ("i32_load16_u", [1]),
        ("i32_load16_s", [2]),
        ("i32_load", [0]),
        ("i32_load", [1]),
        ("i64_load8_s", [2]),
        ("i64_load8_u", [2]),
        ("i64_load16_s", [8]),
        ("i64_load16_u", [8]),
        ("i64_load32_s", [8]),
        ("i64_load32_u", [8]),
        ("i64_load32_s", [0]),
        ("i64_load", [0]),
        ("i64_load", [8]),
        ("f32_load", [0]),
        ("f64_load", [0]),
        ("i64_load", [65512]),
        ("i64_load", [65513]),
        ("i32_load", [65520]),
    ],
    "memory_stores": [
        ("i32_store8", [0, 0x1234]),
        ("i32_store16", [16, 0xABCD1234]),
        ("i32_store", [32, 0x11223344]),
        ("i64_store8", [48, -1]),
        ("i64_store16", [64, 0x1122334455667788]),
        ("i64_store32", [80, 0x1122334455667788]),
        ("i64_store", [96, 0x0102030405060708]),
        ("f32_store", [112, 1.5]),
        ("f64_store", [128, -0.0]),
        ("i32_store", [65534, 1]),
        ("i64_store", [65528, 1]),
    ],
    "memory_size_grow": [
        ("size", []),
        ("poke", [65535, 7]),
        ("poke", [65536, 1]),
        ("grow", [1]),
        ("size", []),
        ("poke", [65536, 9]),
        ("grow", [5]),
        ("size", []),
        ("grow", [0]),
        ("grow", [1]),
        ("size", []),
        ("grow", [1]),
        ("poke", [196607, 255]),
        ("poke", [196608, 1]),
        ("grow", [-1]),
    ],
    "bulk_memory": [
        ("fill", [100, 0xAB, 3]),
        ("fill", [104, 0x1FF, 4]),
        ("copy", [1, 0, 8]),
        ("copy", [0, 2, 4]),
        ("init", [200, 0, 5]),
        ("init", [300, 7, 7]),
        ("init", [400, 10, 5]),
        ("fill", [65530, 0, 10]),
        ("copy", [65533, 0, 4]),
        ("copy", [0, 65533, 4]),
        ("drop_greeting", []),
        ("init", [500, 0, 0]),
        ("init", [500, 0, 1]),
    ],
    "table_ops": [
        ("size", []),
        ("is_null", [0]),
        ("get", [0]),
        ("call_at", [0]),
        ("set_one", [0]),
        ("is_null", [0]),
        ("get", [0]),
        ("call_at", [0]),
        ("grow", [3]),
        ("size", []),
        ("fill_two", [3, 2]),
        ("call_at", [4]),
        ("is_null", [2]),
        ("get", [5], TOOB),
        ("fill_two", [4, 2], TOOB),
        ("call_at", [5], UNDEF),
        ("grow", [100]),
        ("grow", [5]),
        ("size", []),
        ("set_one", [10], TOOB),
    ],
    "table_copy_init": [
        ("call_dst", [0]),
        ("copy", [0, 0, 2]),
        ("call_dst", [0]),
        ("call_dst", [1]),
        ("init", [2, 0, 2]),
        ("call_dst", [2]),
        ("call_dst", [3]),
        ("init", [1, 1, 2]),
        ("call_dst", [1]),
        ("call_dst", [2]),
        ("copy", [3, 2, 2], TOOB),
        ("init", [0, 2, 2], TOOB),
        ("drop_passive", []),
        ("init", [0, 0, 0]),
        ("init", [0, 0, 1], TOOB),
        ("call_dst", [4], UNDEF),
    ],
    "externref": [
        ("identity", [None]),
        ("identity", ["ref"]),
        ("is_null", [None]),
        ("is_null", ["ref"]),
        ("fetch", [1]),
        ("stash", [1, "ref"]),
        ("fetch", [1]),
        ("fetch", [0]),
        ("fetch", [4], TOOB),
        ("make_null", []),
    ],
    "sign_ext": [
        ("i32_extend8_s", [0x7F]),
        ("i32_extend8_s", [0x80]),
        ("i32_extend8_s", [0x12345680]),
        ("i32_extend16_s", [0x7FFF]),
        ("i32_extend16_s", [0x8000]),
        ("i32_extend16_s", [0x1234FFFF]),
        ("i64_extend8_s", [0xFF]),
        ("i64_extend8_s", [0x7F]),
        ("i64_extend16_s", [0x12348000]),
        ("i64_extend32_s", [0x80000000]),
        ("i64_extend32_s", [0x123456787FFFFFFF]),
        ("i64_extend_i32_s", [-1]),
        ("i64_extend_i32_u", [-1]),
    ],
    "sat_trunc": [
        (name, [x])
        for name, vals in [
            ("i32_trunc_sat_f32_s", [NAN, INF, -INF, 1.9, -1.9, 3e9, -3e9]),
            ("i32_trunc_sat_f32_u", [NAN, INF, -INF, 1.9, -0.9, -1.0, 3e9, 5e9]),
            ("i32_trunc_sat_f64_s", [NAN, -2147483648.9, 2147483647.9, 2147483648.0, -1e300]),
            ("i32_trunc_sat_f64_u", [NAN, -0.5, 4294967295.9, 4294967296.0, INF]),
            ("i64_trunc_sat_f32_s", [NAN, 1e19, -1e19, -123.75]),
            ("i64_trunc_sat_f32_u", [NAN, 1e19, 2e19, -1.0]),
            ("i64_trunc_sat_f64_s", [NAN, 9.2233720368547748e18, -9.2233720368547758e18, -1e30]),
            ("i64_trunc_sat_f64_u", [NAN, 1.8446744073709550e19, 1.8446744073709552e19, -INF]),
        ]
        for x in vals
    ],
    "float_ops": [
        ("f32_min", [0.0, -0.0]),
        ("f32_min", [-0.0, 0.0]),
        ("f32_max", [-0.0, 0.0]),
        ("f32_max", [0.0, -0.0]),
        ("f32_min", [1.0, 2.0]),
        ("f32_max", [-INF, -3.5]),
        ("f64_min", [-INF, 5.0]),
        ("f64_max", [INF, 5.0]),
        ("f64_min", [-0.0, 0.0]),
        ("f64_max", [-0.0, 0.0]),
        ("f64_min_is_nan", [NAN, 1.0]),
        ("f64_min_is_nan", [1.0, NAN]),
        ("f64_min_is_nan", [1.0, 2.0]),
        ("f32_nearest", [2.5]),
        ("f32_nearest", [3.5]),
        ("f32_nearest", [-0.5]),
        ("f32_nearest", [-1.5]),
        ("f32_nearest", [8388609.0]),
        ("f64_nearest", [0.5]),
        ("f64_nearest", [-2.5]),
        ("f64_nearest", [4503599627370497.0]),
        ("f64_nearest", [-INF]),
        ("f32_copysign", [1.5, -0.0]),
        ("f32_copysign", [-INF, 1.0]),
        ("f32_copysign", [f32(0x7FC00000), -1.0]),
        ("f64_copysign", [2.0, -3.0]),
        ("f64_copysign", [-2.0, 0.0]),
        ("f64_copysign", [f64(0x7FF8000000000000), f64(0x8000000000000000)]),
        ("f32_sqrt", [2.0]),
        ("f32_sqrt", [-0.0]),
        ("f32_sqrt", [INF]),
        ("f64_sqrt", [16.0]),
        ("f64_sqrt", [2.0]),
        ("f64_sqrt_is_nan", [-1.0]),
        ("f64_sqrt_is_nan", [4.0]),
    ],
    "i64_ops": [
        ("rotl", [0x8000000000000001, 1]),
        ("rotl", [0x8000000000000001, 65]),
        ("rotl", [0x0123456789ABCDEF, 4]),
        ("rotr", [1, 1]),
        ("rotr", [0x0123456789ABCDEF, -4]),
        ("clz", [0]),
        ("clz", [1]),
        ("clz", [-1]),
        ("ctz", [0]),
        ("ctz", [0x100]),
        ("ctz", [I64_MIN]),
        ("popcnt", [-1]),
        ("popcnt", [0x5555]),
        ("popcnt", [0]),
        ("div_s", [-7, 2]),
        ("div_u", [-7, 2]),
        ("rem_s", [-7, 2]),
        ("rem_s", [I64_MIN, -1]),
        ("div_s", [I64_MIN, 2]),
        ("div_s", [I64_MIN, -1]),
        ("div_u", [1, 0]),
        ("rem_s", [1, 0]),
        ("shr_s", [-8, 1]),
        ("shr_s", [-8, 65]),
    ],
    "call_order": [
        ("sub_fg", []),
        ("read_then_call", []),
        ("args_order", []),
    ],
    "stack_across_local_set": [
        ("old_plus_new", [10]),
        ("tee_under", [6]),
        ("swap_sub", [10, 3]),
        ("global_delta", [2]),
        ("global_delta", [10]),
    ],
    "stack_across_store": [
        ("load_store_load", [0, 3]),
        ("load_store_load", [0, 3]),
        ("partial_overwrite", [4, 0xFF]),
        ("load_call_load", [8]),
        ("load_call_load", [8]),
        ("load_call_load", [65533]),
    ],
    "unreachable_after_br": [
        ("after_br", [5]),
        ("after_return", [7]),
        ("after_br_table", [0]),
        ("after_br_table", [1]),
        ("after_br_table", [9]),
    ],
    "unreachable": [
        ("boom", []),
        ("guarded", [3]),
        ("guarded", [-1]),
        ("as_value", [1]),
        ("as_value", [0]),
    ],
    "drop_call": [
        ("drop_results", []),
        ("drop_pair", []),
        ("drop_results", []),
    ],
    "nop": [
        ("nothing", []),
        ("add_one", [41]),
        ("in_block", [7]),
    ],
    "start_func": [
        ("ready", []),
        ("stored", []),
    ],
    "conversions": [
        ("wrap", [0x123456789]),
        ("wrap", [-1]),
        ("wrap", [0x80000000]),
        ("f64_convert_i32_u", [-1]),
        ("f32_convert_i64_s", [2**53 + 1]),
        ("f32_convert_i64_s", [-1]),
        ("f32_convert_i64_s", [0x7FFFFF4000000001]),
        ("f64_convert_i64_u", [-1]),
        ("demote", [0.1]),
        ("demote", [1e300]),
        ("demote", [-1e-300]),
        ("promote", [1.5]),
        ("promote", [f32(0x00000001)]),
        ("f32_bits", [-0.0]),
        ("f32_bits", [f32(0x7FC00001)]),
        ("f32_bits", [f32(0xFFC12345)]),
        ("f64_from_bits", [0x3FF0000000000000]),
        ("f64_from_bits", [0x7FF8000000000001]),
        ("f64_from_bits", [-1]),
        ("i32_trunc_f64_s", [-2147483648.9]),
        ("i32_trunc_f64_s", [2147483647.9]),
        ("i32_trunc_f64_s", [2147483648.0]),
        ("i32_trunc_f64_s", [-2147483649.0]),
        ("i32_trunc_f64_s", [NAN]),
        ("i64_trunc_f32_u", [-0.9]),
        ("i64_trunc_f32_u", [1e19]),
        ("i64_trunc_f32_u", [-1.0]),
        ("i64_trunc_f32_u", [1.8446744e19]),
        ("i64_trunc_f32_u", [INF]),
    ],
    "i32_bits": [
        ("shl", [1, 31]),
        ("shl", [1, 32]),
        ("shl", [3, -1]),
        ("shr_s", [-8, 1]),
        ("shr_s", [I32_MIN, 31]),
        ("shr_u", [-8, 1]),
        ("shr_u", [-1, 36]),
        ("rotr", [1, 1]),
        ("rotr", [0x12345678, 8]),
        ("rotr", [0x12345678, 40]),
        ("clz_ctz_popcnt", [0]),
        ("clz_ctz_popcnt", [0xF0]),
        ("clz_ctz_popcnt", [-1]),
        ("compare", [-1, 1]),
        ("compare", [1, -1]),
        ("compare", [3, 3]),
    ],
}

# tests/traps/*.wat: every module's _start traps.  wasmtime cannot tell
# "undefined element" from "out of bounds table access", so files whose trap is
# a table-bounds trap name the spec message here.
TRAP_FILE_HINTS = {
    "table_get_oob": TOOB,
    "table_fill_oob": TOOB,
    "undefined_element": UNDEF,
}


# ---------------------------------------------------------------------------

def wat_to_wasm(path):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.wasm")
        subprocess.run([WASM_TOOLS, "parse", path, "-o", out], check=True)
        subprocess.run([WASM_TOOLS, "validate", out], check=True)
        with open(out, "rb") as f:
            return f.read()


def to_signed(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def float_bits(v, kind):
    """Bit pattern of an f32/f64 argument given as a float or an encoded string."""
    if isinstance(v, str):
        prefix, _, hexbits = v.partition(":")
        if prefix != kind:
            raise ValueError("%r given for a %s parameter" % (v, kind))
        return int(hexbits, 16)
    if kind == "f32":
        return struct.unpack("<I", struct.pack("<f", v))[0]
    return struct.unpack("<Q", struct.pack("<d", v))[0]


class HostRef:
    """The non-null externref passed in for "ref" arguments."""


HOST_REF = HostRef()


def type_name(ty):
    # str(ValType.externref()) is "anyref" in the Python bindings, so compare.
    for name in ("i32", "i64", "f32", "f64", "externref", "funcref"):
        if ty == getattr(wasmtime.ValType, name)():
            return name
    raise ValueError("unsupported value type %s" % ty)


def encode_arg(v, ty):
    """Return (json_value, wasmtime_value) for an argument of value type ty."""
    t = type_name(ty)
    if t == "i32":
        s = to_signed(v, 32)
        return s, s
    if t == "i64":
        s = to_signed(v, 64)
        return s, s
    if t in ("f32", "f64"):
        bits = float_bits(v, t)
        if t == "f32":
            x = struct.unpack("<f", struct.pack("<I", bits))[0]
            # make sure the host float round-trips to the same bits (sNaNs do not)
            assert struct.unpack("<I", struct.pack("<f", x))[0] == bits, v
            return f32(bits), wasmtime.Val.f32(x)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        return f64(bits), wasmtime.Val.f64(x)
    if t == "externref":
        if v is None:
            return None, wasmtime.Val.externref(None)
        assert v == "ref", v
        return "ref", wasmtime.Val.externref(HOST_REF)
    if t == "funcref":
        assert v is None, "only null funcref arguments are supported"
        return None, wasmtime.Val.funcref(None)
    raise ValueError("unsupported parameter type %s" % t)


def encode_result(v, ty):
    t = type_name(ty)
    if t == "i32":
        return to_signed(v, 32)
    if t == "i64":
        return to_signed(v, 64)
    if t == "f32":
        return f32(struct.unpack("<I", struct.pack("<f", v))[0])
    if t == "f64":
        return f64(struct.unpack("<Q", struct.pack("<d", v))[0])
    if t in ("externref", "funcref"):
        return None if v is None else "ref"
    raise ValueError("unsupported result type %s" % t)


def spec_trap(exc, hint, where):
    """Map a wasmtime trap to the spec's message, checked against hint."""
    msg = getattr(exc, "message", str(exc))
    found = re.findall(r"wasm trap: (.*)", msg)
    key = found[-1].strip() if found else None
    if key not in TRAP_MESSAGES:
        raise RuntimeError("%s: unrecognised trap message %r" % (where, msg))
    options = TRAP_MESSAGES[key]
    if hint is not None:
        if hint not in options:
            raise RuntimeError("%s: expected %r, wasmtime reported %r" % (where, hint, key))
        return hint
    if len(options) != 1:
        raise RuntimeError("%s: ambiguous trap %r, add a hint (one of %s)"
                           % (where, key, sorted(options)))
    return next(iter(options))


def new_store():
    config = wasmtime.Config()
    config.wasm_exceptions = True  # (function references and tail calls are on by default)
    config.wasm_gc = True
    engine = wasmtime.Engine(config)
    return wasmtime.Store(engine)


def run_case(name, invocations):
    path = os.path.join(HERE, name + ".wat")
    store = new_store()
    module = wasmtime.Module(store.engine, wat_to_wasm(path))
    instance = wasmtime.Instance(store, module, [])
    exports = instance.exports(store)
    out = []
    for inv in invocations:
        export, args = inv[0], inv[1]
        hint = inv[2] if len(inv) > 2 else None
        where = "%s.%s%r" % (name, export, tuple(args))
        func = exports[export]
        fty = func.type(store)
        params, results = fty.params, fty.results
        assert len(params) == len(args), where
        json_args, wt_args = [], []
        for a, ty in zip(args, params):
            j, w = encode_arg(a, ty)
            json_args.append(j)
            wt_args.append(w)
        entry = {"export": export, "args": json_args}
        try:
            r = func(store, *wt_args)
        except wasmtime.Trap as exc:
            entry["trap"] = spec_trap(exc, hint, where)
        else:
            if hint is not None:
                raise RuntimeError("%s: expected trap %r but got %r" % (where, hint, r))
            if len(results) == 0:
                vals = []
            elif len(results) == 1:
                vals = [r]
            else:
                vals = list(r)
            entry["results"] = [encode_result(v, ty) for v, ty in zip(vals, results)]
        out.append(entry)
    return out


def make_golden():
    wats = sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".wat"))
    missing = [w for w in wats if w not in INVOCATIONS]
    extra = [k for k in INVOCATIONS if k not in wats]
    if missing or extra:
        raise RuntimeError("cases without invocations: %s; invocations without a .wat: %s"
                           % (missing, extra))
    return {name: run_case(name, INVOCATIONS[name]) for name in wats}


def make_traps():
    result = {}
    for fname in sorted(os.listdir(TRAPS_DIR)):
        if not fname.endswith(".wat"):
            continue
        stem = fname[:-4]
        store = new_store()
        module = wasmtime.Module(store.engine, wat_to_wasm(os.path.join(TRAPS_DIR, fname)))
        linker = wasmtime.Linker(store.engine)  # a command may print (WASI)
        linker.define_wasi()
        store.set_wasi(wasmtime.WasiConfig())
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        ty = start.type(store)
        assert not ty.params and not ty.results, fname
        try:
            start(store)
        except wasmtime.Trap as exc:
            result[fname] = spec_trap(exc, TRAP_FILE_HINTS.get(stem), fname)
        else:
            raise RuntimeError("%s: _start did not trap" % fname)
    return result


def dump(obj):
    """JSON with one invocation (or one trap file) per line, for readable diffs."""
    lines = ["{"]
    items = list(obj.items())
    for i, (key, val) in enumerate(items):
        sep = "," if i + 1 < len(items) else ""
        if isinstance(val, list):
            lines.append("  %s: [" % json.dumps(key))
            for j, entry in enumerate(val):
                lines.append("    %s%s" % (json.dumps(entry), "," if j + 1 < len(val) else ""))
            lines.append("  ]%s" % sep)
        else:
            lines.append("  %s: %s%s" % (json.dumps(key), json.dumps(val), sep))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv):
    which = {a for a in argv if a in ("--golden", "--traps")} or {"--golden", "--traps"}
    check = "--check" in argv
    jobs = []
    if "--golden" in which:
        jobs.append((os.path.join(HERE, "expected.json"), make_golden))
    if "--traps" in which:
        jobs.append((os.path.join(TRAPS_DIR, "expected.json"), make_traps))
    status = 0
    for path, make in jobs:
        text = dump(make())
        if check:
            with open(path) as f:
                if f.read() != text:
                    print("out of date: %s" % path)
                    status = 1
        else:
            with open(path, "w") as f:
                f.write(text)
            print("wrote %s" % os.path.relpath(path, TESTS))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
