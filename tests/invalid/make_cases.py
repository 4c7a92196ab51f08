#!/usr/bin/env python3
"""Regenerate the malformed / invalid binary modules in tests/invalid/.

Every case is hand-assembled here from bytes (wasm-tools would refuse to
produce most of them from text).  Each one is written as tests/invalid/<name>.wasm
and listed in tests/invalid/expected.json as

    "<name>.wasm": {"kind": "malformed" | "invalid", "keyword": "<text>"}

"malformed" means the bytes do not decode (binary format error); "invalid" means
they decode but fail validation.  "keyword" is a short piece of text the error
message should contain (case-insensitive); it follows the spec test suite's
wording, and is checked here against `wasm-tools validate`'s message (see
WASM_TOOLS_WORDING for the one place where the two differ).

Usage:
    python tests/invalid/make_cases.py            # write files, check with wasm-tools
    python tests/invalid/make_cases.py --no-check # write files only
"""

import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"
HEADER = MAGIC + VERSION

# value types
I32, I64, F32, F64 = 0x7F, 0x7E, 0x7D, 0x7C

# section ids
TYPE, IMPORT, FUNC, TABLE, MEMORY, GLOBAL, EXPORT, START, ELEM, CODE, DATA, DATACOUNT = (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    raw = s.encode("utf-8") if isinstance(s, str) else s
    return uleb(len(raw)) + raw


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def functype(params, results):
    return b"\x60" + vec([bytes([p]) for p in params]) + vec([bytes([r]) for r in results])


def body(code, locals_=()):
    """A code-section entry: locals as (count, type) pairs, code WITHOUT the final end."""
    payload = vec([uleb(n) + bytes([t]) for n, t in locals_]) + code
    return uleb(len(payload)) + payload


def module(types, funcs, bodies, extra_before_code=(), exports=()):
    """types: list of functype bytes; funcs: list of type indices; bodies: code entries."""
    out = HEADER + section(TYPE, vec(types)) + section(FUNC, vec([uleb(i) for i in funcs]))
    for sid, payload in extra_before_code:
        out += section(sid, payload)
    if exports:
        out += section(EXPORT, vec(list(exports)))
    return out + section(CODE, vec(bodies))


def export_func(nm, idx):
    return name(nm) + b"\x00" + uleb(idx)


END = b"\x0b"

# ---------------------------------------------------------------------------
# The cases.  Each builder returns (bytes, kind, keyword).
# ---------------------------------------------------------------------------

# A small well-formed, valid module used as a base: (func (export "f") (result i32) i32.const 42)
VALID = module([functype([], [I32])], [0],
               [body(b"\x41" + sleb(42) + END)],
               exports=[export_func("f", 0)])


def truncated():
    # the valid module cut off in the middle of its code section
    return VALID[:-4], "malformed", "unexpected end"


def bad_magic():
    return b"\x00wsm" + VERSION + VALID[8:], "malformed", "magic header"


# Where wasm-tools words an error differently from the spec, the text to look for
# in wasm-tools's message instead (used only for the check in this script).
WASM_TOOLS_WORDING = {
    # without the magic number wasm-tools falls back to parsing the file as text
    "bad_magic": "unexpected character",
}


def bad_version():
    return MAGIC + b"\x02\x00\x00\x00" + VALID[8:], "malformed", "version"


def section_size_overrun():
    # type section claims 100 bytes but only 5 follow
    payload = vec([functype([], [])])
    return HEADER + bytes([TYPE]) + uleb(100) + payload, "malformed", "unexpected end"


def leb_too_long():
    # the type section's size is written as a 6-byte LEB128 (max for u32 is 5)
    payload = vec([functype([], [])])
    size = b"\x84\x80\x80\x80\x80\x00"
    assert len(payload) == 4
    return HEADER + bytes([TYPE]) + size + payload, "malformed", "too long"


def invalid_utf8_export_name():
    bad = b"\xff\xfe"
    return (module([functype([], [I32])], [0], [body(b"\x41\x00" + END)],
                   exports=[uleb(len(bad)) + bad + b"\x00\x00"]),
            "malformed", "utf-8")


def unknown_opcode():
    # 0x27 is a reserved opcode
    return (module([functype([], [])], [0], [body(b"\x27" + END)]),
            "malformed", "opcode")


def func_code_count_mismatch():
    # function section declares two functions, code section has one body
    return (module([functype([], [])], [0, 0], [body(END)]),
            "malformed", "inconsistent")


def missing_end():
    # the function body ends without its final `end` opcode
    return (module([functype([], [I32])], [0], [body(b"\x41\x01")]),
            "malformed", "end")


def memory_init_without_datacount():
    # memory.init needs a data count section; the data segment is passive
    mem = (MEMORY, vec([b"\x00\x01"]))
    code = (b"\x41\x00\x41\x00\x41\x00"   # i32.const 0 (x3)
            b"\xfc\x08\x00\x00" + END)   # memory.init 0 0
    m = module([functype([], [])], [0], [body(code)], extra_before_code=[mem])
    m += section(DATA, vec([b"\x01" + name(b"ab")]))
    return m, "malformed", "data count"


def type_mismatch_add_f32():
    # i32.const 1; f32.const 2.0; i32.add
    code = b"\x41\x01" + b"\x43" + b"\x00\x00\x00\x40" + b"\x6a" + END
    return module([functype([], [I32])], [0], [body(code)]), "invalid", "type mismatch"


def unknown_local():
    # (func (param i32) (result i32) local.get 5)
    code = b"\x20\x05" + END
    return module([functype([I32], [I32])], [0], [body(code)]), "invalid", "unknown local"


def unknown_label():
    # br 1 at the top level of a function body (only label 0 exists)
    code = b"\x0c\x01" + END
    return module([functype([], [])], [0], [body(code)]), "invalid", "unknown label"


def call_wrong_arity():
    # func 0 takes (i32 i32); func 1 calls it with only one argument
    callee = body(b"\x20\x00\x20\x01\x6a" + END)
    caller = body(b"\x41\x07\x10\x00" + END)
    return (module([functype([I32, I32], [I32]), functype([], [I32])], [0, 1], [callee, caller]),
            "invalid", "type mismatch")


def global_set_immutable():
    glob = (GLOBAL, vec([bytes([I32, 0x00]) + b"\x41\x00" + END]))  # immutable i32 = 0
    code = b"\x41\x05\x24\x00" + END  # i32.const 5; global.set 0
    return (module([functype([], [])], [0], [body(code)], extra_before_code=[glob]),
            "invalid", "immutable")


def alignment_too_large():
    mem = (MEMORY, vec([b"\x00\x01"]))
    # i32.const 0; i32.load align=2^3 offset=0  (natural alignment of i32.load is 2^2)
    code = b"\x41\x00\x28\x03\x00\x1a" + END
    return (module([functype([], [])], [0], [body(code)], extra_before_code=[mem]),
            "invalid", "alignment")


def duplicate_export_name():
    return (module([functype([], [])], [0], [body(END)],
                   exports=[export_func("f", 0), export_func("f", 0)]),
            "invalid", "duplicate export")


def if_branch_type_mismatch():
    # (if (result i32) (i32.const 1) (then (i32.const 1)) (else (i64.const 2)))
    code = b"\x41\x01\x04\x7f\x41\x01\x05\x42\x02\x0b" + END
    return module([functype([], [I32])], [0], [body(code)]), "invalid", "type mismatch"


CASES = [
    truncated,
    bad_magic,
    bad_version,
    section_size_overrun,
    leb_too_long,
    invalid_utf8_export_name,
    unknown_opcode,
    func_code_count_mismatch,
    missing_end,
    memory_init_without_datacount,
    type_mismatch_add_f32,
    unknown_local,
    unknown_label,
    call_wrong_arity,
    global_set_immutable,
    alignment_too_large,
    duplicate_export_name,
    if_branch_type_mismatch,
]


def find_wasm_tools():
    cand = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
    return cand if os.path.exists(cand) else shutil.which("wasm-tools")


def main(argv):
    check = "--no-check" not in argv
    tool = find_wasm_tools() if check else None
    if check and tool is None:
        print("wasm-tools not found; use --no-check to skip verification")
        return 1

    # the base module itself must be valid, so each case differs from it only in its defect
    if check:
        base = os.path.join(HERE, ".base.wasm")
        with open(base, "wb") as f:
            f.write(VALID)
        try:
            subprocess.run([tool, "validate", base], check=True)
        finally:
            os.unlink(base)

    expected = {}
    status = 0
    for build in CASES:
        data, kind, keyword = build()
        fname = build.__name__ + ".wasm"
        path = os.path.join(HERE, fname)
        with open(path, "wb") as f:
            f.write(data)
        expected[fname] = {"kind": kind, "keyword": keyword}
        if check:
            r = subprocess.run([tool, "validate", path], capture_output=True, text=True)
            msg = r.stderr.strip().replace("\n", " | ")
            want = WASM_TOOLS_WORDING.get(build.__name__, keyword)
            ok = r.returncode != 0 and want.lower() in msg.lower()
            print("%-4s %-36s %-9s %-16r %s" % ("ok" if ok else "FAIL", fname, kind, keyword, msg))
            if not ok:
                status = 1

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        lines = ["  %s: %s" % (json.dumps(k), json.dumps(v)) for k, v in sorted(expected.items())]
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
