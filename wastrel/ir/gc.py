"""Every GC instruction (Wasm 3.0): its opcode after the 0xFB prefix (or its
own, for ref.eq), its name and the kind of its immediates -- read by the
decoder, the encoder, the text reader and the validator.

Immediate kinds and their `Instr.args`:

    type           (typeidx,)                  struct.new, array.new, array.get, ...
    type_field     (typeidx, fieldidx)         struct.get, struct.set, ...
    type_count     (typeidx, n)                array.new_fixed
    type_data      (typeidx, dataidx)          array.new_data, array.init_data
    type_elem      (typeidx, elemidx)          array.new_elem, array.init_elem
    two_types      (dst typeidx, src typeidx)  array.copy
    reftype        (reftype,)                  ref.test, ref.cast: the type tested or cast to
    cast_branch    (depth, from, to)           br_on_cast, br_on_cast_fail: two reftypes
    none           ()
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GcOp:
    opcode: int  # after 0xFB
    name: str
    immediate: str


GC_OPS = tuple(
    GcOp(code, name, imm)
    for code, (name, imm) in enumerate(
        [
            ("struct.new", "type"), ("struct.new_default", "type"),
            ("struct.get", "type_field"), ("struct.get_s", "type_field"), ("struct.get_u", "type_field"),
            ("struct.set", "type_field"),
            ("array.new", "type"), ("array.new_default", "type"), ("array.new_fixed", "type_count"),
            ("array.new_data", "type_data"), ("array.new_elem", "type_elem"),
            ("array.get", "type"), ("array.get_s", "type"), ("array.get_u", "type"), ("array.set", "type"),
            ("array.len", "none"), ("array.fill", "type"), ("array.copy", "two_types"),
            ("array.init_data", "type_data"), ("array.init_elem", "type_elem"),
            ("ref.test", "reftype"), ("ref.test", "reftype"),  # non-null, nullable
            ("ref.cast", "reftype"), ("ref.cast", "reftype"),
            ("br_on_cast", "cast_branch"), ("br_on_cast_fail", "cast_branch"),
            ("any.convert_extern", "none"), ("extern.convert_any", "none"),
            ("ref.i31", "none"), ("i31.get_s", "none"), ("i31.get_u", "none"),
        ]
    )
)  # fmt: skip

BY_NAME = {op.name: op for op in GC_OPS}  # ref.test/ref.cast: the nullable opcode
REF_EQ = 0xD3  # not prefixed

#: The GC instructions allowed in constant expressions.
CONSTANT = frozenset(
    ("struct.new", "struct.new_default", "array.new", "array.new_default", "array.new_fixed",
     "ref.i31", "any.convert_extern", "extern.convert_any")
)  # fmt: skip

#: Every GC instruction's name, ref.eq included.
NAMES = frozenset(BY_NAME) | {"ref.eq"}
