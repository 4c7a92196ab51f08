"""Binary decoder: the bytes of a `.wasm` file -> an L-wasm `Module`.

Takes a WebAssembly 2.0 binary (SIMD included, and Wasm 3.0's relaxed SIMD,
memory64 and multi-memory) and gives the `Module` of `wastrel.ir.wasm`,
following the spec's binary format: the header, every section in its order
(custom sections anywhere), LEB128 integers with the spec's length and range
limits, UTF-8 names, and each function body as a flat instruction sequence
whose instructions keep the byte offset of their opcode.  The SIMD
instructions (the 0xFD prefix) come from the table of `wastrel.ir.simd`; a
lane index is read as the byte it is, checking it against the shape's lane
count is validation.
The `name` custom section becomes `Module.names` (ignored if malformed, as
engines do); other custom sections are kept whole in `Module.customs`.

Offsets: an `Instr` has the offset of its opcode; a `Func` that of its body
(its locals, after the body's size: where wasmtime and wasm-objdump say a
function starts); `Import`, `Export`, `Global`, `Elem` and `Data` that of
their first byte.

Memories and tables (Wasm 3.0's memory64 and multi-memory included): limits
flags 0x00/0x01 for an i32 address type, 0x04/0x05 for i64, bit 0 saying a
maximum follows; the limits are u64s whatever the address type (checking an
i32 type's range is validation).  A memarg's flags are the alignment
exponent, plus 64 when a memory index follows them; its offset is a u64
(one an i32 memory cannot use is invalid, not malformed).  The memory index
of memory.size, memory.grow, memory.fill, memory.copy and memory.init is a
u32, any memory's.  Reference types of typed function references are
`(ref null? ht)` (0x63, 0x64) with an abstract heap type's code or a type
index (an s33); a table may carry its elements' initial value (0x40 0x00).

Everything the binary format rejects raises `WasmError` of kind "malformed";
encodings of features outside the supported set (threads, exceptions, GC,
...) raise kind "unsupported", and so does a
function with more than MAX_LOCALS locals (an implementation limit).
The only validation done here is what the data model forces: a block type's
type index must exist (kind "invalid") because blocks carry their `FuncType`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import NoReturn, TypeVar

from wastrel.collector import collector_paused
from wastrel.frontend.errors import WasmError
from wastrel.ir.fast_init import slot_setters
from wastrel.ir.gc import GC_OPS, REF_EQ
from wastrel.ir.simd import SIMD_OPS
from wastrel.ir.types import FUNC_INDEX_ELEMS, Heap, reference
from wastrel.ir.wasm import (
    FINAL,
    ArrayType,
    Catch,
    CompositeType,
    FieldType,
    StructType,
    SubType,
    Data,
    Elem,
    Export,
    Func,
    FuncType,
    Global,
    GlobalType,
    Import,
    ImportDesc,
    Instr,
    Limits,
    MemoryType,
    Module,
    Names,
    Table,
    TableType,
    Tag,
)

T = TypeVar("T")

MAGIC = b"\0asm"
VERSION = b"\x01\0\0\0"

# An implementation limit, as in wasmparser (the spec allows 2**32 - 1).
MAX_LOCALS = 50_000

# -- types --------------------------------------------------------------------

# The abstract heap types' codes; as a value type, each is the nullable
# reference's shorthand (0x70: funcref).
HEAP_CODES = {
    0x70: "func", 0x6F: "extern", 0x69: "exn", 0x73: "nofunc", 0x72: "noextern", 0x74: "noexn",
    0x6E: "any", 0x6D: "eq", 0x6C: "i31", 0x6B: "struct", 0x6A: "array", 0x71: "none",
}  # fmt: skip
PACKED_CODES = {0x78: "i8", 0x77: "i16"}
SUB, SUB_FINAL, REC = 0x50, 0x4F, 0x4E
REFTYPE_CODES = {code: reference(True, heap) for code, heap in HEAP_CODES.items()}
VALTYPE_CODES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", **REFTYPE_CODES}
REF, REF_NULL = 0x64, 0x63  # (ref ht), (ref null ht)

# Type codes of later proposals, reported as unsupported rather than malformed.
UNSUPPORTED_TYPE_CODES: dict[int, str] = {}

# -- opcodes ------------------------------------------------------------------

# Opcodes 0x45 to 0xC4, in order: numeric instructions without immediates.
NUMERIC_OPS = """
    i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u
    i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u
    f32.eq f32.ne f32.lt f32.gt f32.le f32.ge
    f64.eq f64.ne f64.lt f64.gt f64.le f64.ge
    i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u
    i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr
    i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u
    i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr
    f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt
    f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign
    f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt
    f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign
    i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u
    i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u
    f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64
    f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32
    i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64
    i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s
""".split()

# Opcodes 0x28 to 0x3E, in order: loads and stores, immediate a memarg.
MEMORY_OPS = """
    i32.load i64.load f32.load f64.load
    i32.load8_s i32.load8_u i32.load16_s i32.load16_u
    i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u
    i32.store i64.store f32.store f64.store
    i32.store8 i32.store16 i64.store8 i64.store16 i64.store32
""".split()

# Opcodes 0xFC 0 to 0xFC 7, in order: saturating truncations.
TRUNC_SAT_OPS = """
    i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
    i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u
""".split()

UNSUPPORTED_OPCODES = {
    0xFE: "threads (0xfe prefix)",
}

EXTERN_KINDS = ("func", "table", "memory", "global", "tag")
CATCH_KINDS = ("catch", "catch_ref", "catch_all", "catch_all_ref")
BLOCK_OPCODES = frozenset((0x02, 0x03, 0x04, 0x06, 0x1F))  # block loop if try try_table: closed by end (try: or delegate)
FIRST_PLAIN_OPCODE = 0x20  # the opcodes below it are control (block, end, ...), from it none is (local.get, ...)

EMPTY_BLOCK = FuncType()
SINGLE_BLOCKS = {code: FuncType((), (t,)) for code, t in VALTYPE_CODES.items()}
SINGLE_REF_BLOCKS = (REF, REF_NULL)  # a block of one (ref ...) result


Immediate = Callable[["_Reader"], tuple] | None  # reads an instruction's args
OnFunction = Callable[[int, int], None]  # (functions done, of how many): progress

#: The immediates of the commonest instructions (local.get 3, call 17, br 0),
#: made once and shared: a big module has millions of them.
SMALL_INDICES = tuple((i,) for i in range(1024))
#: The immediates of `i32.const` in one byte (-64 to 63), by that byte, shared too.
SMALL_I32_CONSTS = tuple((b - 0x80 if b & 0x40 else b,) for b in range(0x80))


class _Reader:
    """A cursor over `data[pos:end]`; every read checks the end."""

    __slots__ = ("data", "pos", "end", "types", "data_count", "eof_message")

    def __init__(
        self,
        data: bytes,
        pos: int,
        end: int,
        types: list[CompositeType] | None = None,
        data_count: int | None = None,
    ) -> None:
        self.data = data
        self.pos = pos
        self.end = end
        self.types = types or []  # for block types
        self.data_count = data_count  # memory.init and data.drop need one
        whole = pos == 0 and end == len(data)
        self.eof_message = "unexpected end" if whole else "unexpected end of section or function"

    # -- errors ---------------------------------------------------------------

    def fail(self, message: str, offset: int | None = None) -> NoReturn:
        raise WasmError("malformed", message, self.pos if offset is None else offset)

    def unsupported(self, feature: str, offset: int) -> NoReturn:
        raise WasmError("unsupported", f"unsupported feature: {feature}", offset)

    def eof(self) -> NoReturn:
        self.fail(self.eof_message)

    # -- primitive values -----------------------------------------------------

    def at_end(self) -> bool:
        return self.pos >= self.end

    def byte(self) -> int:
        pos = self.pos
        if pos >= self.end:
            self.eof()
        self.pos = pos + 1
        return self.data[pos]

    def skip(self, n: int) -> int:
        """Skip `n` bytes, a length read from the input; give where they start."""
        pos = self.pos
        if n > self.end - pos:
            self.fail("unexpected end: length out of bounds")
        self.pos = pos + n
        return pos

    def bytes(self, n: int) -> bytes:
        start = self.skip(n)
        return self.data[start : start + n]

    def sized(self) -> _Reader:
        """A reader for the next `size:u32` bytes, which this reader skips."""
        size = self.u32()
        start = self.skip(size)
        return _Reader(self.data, start, start + size, self.types, self.data_count)

    def leb(self, bits: int, signed: bool) -> int:
        """An LEB128 integer of at most `bits` bits, per the spec's limits."""
        data, start, end = self.data, self.pos, self.end
        if start + 1 < end and data[start] >= 0x80 and data[start + 1] < 0x80 and bits > 14:
            # Two bytes, as two thirds of the integers read here are (one byte
            # is read by the callers themselves): no loop, and two bytes are
            # never too long or too large for more than 14 bits.
            self.pos = start + 2
            result = data[start] & 0x7F | data[start + 1] << 7
            return result - (1 << 14) if signed and data[start + 1] & 0x40 else result
        max_len = (bits + 6) // 7
        pos, result, shift = start, 0, 0
        while True:
            if pos >= end:
                self.eof()
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80 or pos - start == max_len:
                break
        if pos - start == max_len:
            if b & 0x80:
                self.fail("integer representation too long", start)
            used = bits - 7 * (max_len - 1)  # bits of the value in the last byte
            if signed:
                mask = 0x7F & ~((1 << (used - 1)) - 1)  # the sign bit and above
                ok = b & mask in (0, mask)
            else:
                ok = not b & 0x7F & ~((1 << used) - 1)
            if not ok:
                self.fail("integer too large", start)
        if signed and b & 0x40:
            result -= 1 << shift
        self.pos = pos
        return result

    def u32(self) -> int:
        pos = self.pos
        if pos < self.end and self.data[pos] < 0x80:
            self.pos = pos + 1
            return self.data[pos]
        return self.leb(32, False)

    def u64(self) -> int:
        pos = self.pos
        if pos < self.end and self.data[pos] < 0x80:
            self.pos = pos + 1
            return self.data[pos]
        return self.leb(64, False)

    def name(self) -> str:
        start = self.pos
        raw = self.bytes(self.u32())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail("malformed UTF-8 encoding", start)

    def vec(self, item: Callable[[_Reader], T]) -> list[T]:
        return [item(self) for _ in range(self.u32())]

    # -- types ----------------------------------------------------------------

    def type_code(self, codes: dict[int, str], what: str) -> str:
        start = self.pos
        b = self.byte()
        t = codes.get(b)
        if t is None:
            if b in UNSUPPORTED_TYPE_CODES:
                self.unsupported(UNSUPPORTED_TYPE_CODES[b], start)
            self.fail(f"malformed {what}", start)
        return t

    def valtype(self) -> str:
        if self.pos < self.end and self.data[self.pos] in (REF, REF_NULL):
            return self.reftype()
        return self.type_code(VALTYPE_CODES, "value type")

    def reftype(self) -> str:
        if self.pos < self.end and self.data[self.pos] in (REF, REF_NULL):
            return reference(self.byte() == REF_NULL, self.heaptype())
        return self.type_code(REFTYPE_CODES, "reference type")

    def heaptype(self) -> Heap:
        """An abstract heap type's code, or a type index (an s33 >= 0)."""
        start = self.pos
        if start < self.end and self.data[start] in HEAP_CODES:
            self.pos += 1
            return HEAP_CODES[self.data[start]]
        if start < self.end and self.data[start] in UNSUPPORTED_TYPE_CODES:
            self.unsupported(UNSUPPORTED_TYPE_CODES[self.data[start]], start)
        index = self.leb(33, True)
        if index < 0:
            self.fail("malformed heap type", start)
        return index

    def composite_type(self) -> CompositeType:
        """func (0x60), struct (0x5F) or array (0x5E)."""
        start = self.pos
        form = self.byte()
        if form == 0x60:
            return FuncType(tuple(self.vec(_Reader.valtype)), tuple(self.vec(_Reader.valtype)))
        if form == 0x5F:
            return StructType(tuple(self.vec(_Reader.field_type)))
        if form == 0x5E:
            return ArrayType(self.field_type())
        self.fail("malformed function type", start)

    def field_type(self) -> FieldType:
        if self.pos < self.end and self.data[self.pos] in PACKED_CODES:
            storage = PACKED_CODES[self.byte()]
        else:
            storage = self.valtype()
        return FieldType(storage, self.mutability())

    def mutability(self) -> bool:
        start = self.pos
        mutable = self.byte()
        if mutable not in (0, 1):
            self.fail("malformed mutability", start)
        return bool(mutable)

    def sub_type(self) -> tuple[CompositeType, SubType]:
        """A composite type, or `sub` (`sub final`), its supertypes and one."""
        if self.pos < self.end and self.data[self.pos] in (SUB, SUB_FINAL):
            final = self.byte() == SUB_FINAL
            supertypes = tuple(self.vec(_Reader.u32))
            return self.composite_type(), SubType(final, supertypes)
        return self.composite_type(), FINAL

    def rec_group(self) -> list[tuple[CompositeType, SubType]]:
        """A type section entry: a type, or `rec` and the types of a group."""
        if self.pos < self.end and self.data[self.pos] == REC:
            self.pos += 1
            return self.vec(_Reader.sub_type)
        return [self.sub_type()]

    def limits(self) -> tuple[Limits, str]:
        """Limits and the address type their flags give: bit 0 says a
        maximum follows, bit 2 an i64 address type (bit 1, shared, is
        threads)."""
        start = self.pos
        flags = self.byte()
        if flags not in (0x00, 0x01, 0x04, 0x05):
            if flags in (0x02, 0x03, 0x06, 0x07):
                self.unsupported("threads (shared memory)", start)
            self.fail("malformed limits flags", start)
        minimum = self.u64()
        return Limits(minimum, self.u64() if flags & 1 else None), "i64" if flags & 4 else "i32"

    def tabletype(self) -> TableType:
        elem = self.reftype()
        return TableType(elem, *self.limits())

    def memtype(self) -> MemoryType:
        return MemoryType(*self.limits())

    def globaltype(self) -> GlobalType:
        t = self.valtype()
        return GlobalType(t, self.mutability())

    # -- instruction immediates (each returns `Instr.args`) -------------------

    def index(self) -> tuple:
        value = self.u32()
        return SMALL_INDICES[value] if value < len(SMALL_INDICES) else (value,)

    def two_indices(self) -> tuple:
        return (self.u32(), self.u32())

    def data_index(self) -> int:
        if self.data_count is None:
            self.fail("data count section required")
        return self.u32()

    def memory_init(self) -> tuple:
        return (self.data_index(), self.u32())

    def data_drop(self) -> tuple:
        return (self.data_index(),)

    def memarg(self) -> tuple:
        """(align, offset, memidx): flags below 64 are the alignment
        exponent, flags 64 to 127 the exponent plus 64 with a memory index
        after them; the offset is a u64."""
        start, data = self.pos, self.data
        if start + 1 < self.end and data[start] < 0x40 and data[start + 1] < 0x80:
            self.pos = start + 2  # the commonest: memory 0, an offset below 128 (saves two reads' calls)
            return (data[start], data[start + 1], 0)
        flags = self.u32()
        if flags >= 0x80:
            self.fail("malformed memop flags", start)
        memidx = self.u32() if flags & 0x40 else 0
        return (flags & 0x3F, self.u64(), memidx)

    def lane(self) -> tuple:
        """A SIMD lane index: one byte."""
        return (self.byte(),)

    def memarg_lane(self) -> tuple:
        return self.memarg() + self.lane()

    def v128_const(self) -> tuple:
        """The 16 bytes of a `v128.const`, little-endian."""
        return (int.from_bytes(self.bytes(16), "little"),)

    def shuffle(self) -> tuple:
        """The 16 lane indices of `i8x16.shuffle`, one byte each."""
        return (tuple(self.bytes(16)),)

    def blocktype(self) -> tuple:
        start = self.pos
        if start >= self.end:
            self.eof()
        b = self.data[start]
        if b == 0x40:
            self.pos = start + 1
            return (EMPTY_BLOCK,)
        if b in SINGLE_BLOCKS:
            self.pos = start + 1
            return (SINGLE_BLOCKS[b],)
        if b in SINGLE_REF_BLOCKS:
            return (FuncType((), (self.reftype(),)),)
        if b in UNSUPPORTED_TYPE_CODES:
            self.unsupported(UNSUPPORTED_TYPE_CODES[b], start)
        index = self.leb(33, True)
        if index < 0:
            self.fail("malformed value type", start)
        if index >= len(self.types):
            raise WasmError("invalid", f"unknown type {index}", start)
        if not isinstance(self.types[index], FuncType):
            raise WasmError("invalid", f"type mismatch: block type {index} is not a function type", start)
        return (self.types[index],)

    def try_table(self) -> tuple:
        """A block type, then the catch clauses."""
        return self.blocktype() + (tuple(self.vec(_Reader.catch)),)

    def catch(self) -> Catch:
        start = self.pos
        kind = self.byte()
        if kind >= len(CATCH_KINDS):
            self.fail("malformed catch clause", start)
        tag = self.u32() if kind < 2 else None
        return Catch(CATCH_KINDS[kind], tag, self.u32())

    def type_data(self) -> tuple:
        """A type index and a data segment's (which needs the data count section)."""
        return (self.u32(), self.data_index())

    def non_null_type(self) -> tuple:
        """ref.test's and ref.cast's type, by its opcode: (ref ht)."""
        return (reference(False, self.heaptype()),)

    def nullable_type(self) -> tuple:
        return (reference(True, self.heaptype()),)

    def cast_branch(self) -> tuple:
        """br_on_cast's flags (bit 0: the first type nullable, bit 1: the
        second), label and heap types: (depth, from, to)."""
        start = self.pos
        flags = self.byte()
        if flags > 3:
            self.fail("malformed br_on_cast flags", start)
        depth = self.u32()
        first = reference(bool(flags & 1), self.heaptype())
        return (depth, first, reference(bool(flags & 2), self.heaptype()))

    def br_table(self) -> tuple:
        depths = tuple(self.vec(_Reader.u32))
        return (depths, self.u32())

    def i32_const(self) -> tuple:
        pos = self.pos
        if pos < self.end and self.data[pos] < 0x80:
            self.pos = pos + 1
            return SMALL_I32_CONSTS[self.data[pos]]
        return (self.leb(32, True),)

    def i64_const(self) -> tuple:
        return (self.leb(64, True),)

    def f32_const(self) -> tuple:
        return (int.from_bytes(self.bytes(4), "little"),)

    def f64_const(self) -> tuple:
        return (int.from_bytes(self.bytes(8), "little"),)

    def select_types(self) -> tuple:
        return (tuple(self.vec(_Reader.valtype)),)

    def ref_null(self) -> tuple:
        return (reference(True, self.heaptype()),)

    # -- instructions ---------------------------------------------------------

    def expr(self) -> list[Instr]:
        """Instructions up to and including the `end` that closes them."""
        # The loop that reads every instruction of a module (millions in a
        # big one), so it keeps the position in a local (written back to
        # `self.pos` around the readers it calls), reads the commonest
        # immediate, a one-byte index (local.get 3, call 17, br 0), itself
        # rather than through two calls, and looks at the block depth for
        # control instructions only.
        data, end, table, index = self.data, self.end, OPCODE_TABLE, _Reader.index
        new_instr, set_op, set_args, set_offset = object.__new__, *INSTR_SETTERS
        out: list[Instr] = []
        append = out.append
        depth = 0
        pos = self.pos
        while True:
            if pos >= end:
                self.pos = pos
                self.eof()
            start = pos
            op = data[pos]
            entry = table[op]
            if entry is None:
                self.pos = pos + 1
                name, imm = self.prefixed_opcode(op, start)
                pos = self.pos
            else:
                name, imm = entry
                pos += 1
            if imm is None:
                args = ()
            elif imm is index and pos < end and data[pos] < 0x80:
                args = SMALL_INDICES[data[pos]]
                pos += 1
            else:
                self.pos = pos
                args = imm(self)
                pos = self.pos
            instr = new_instr(Instr)  # (Instr(name, args, start) without its __init__ call: 0.02 s)
            set_op(instr, name)
            set_args(instr, args)
            set_offset(instr, start)
            append(instr)
            if op < FIRST_PLAIN_OPCODE:
                if op == 0x0B or op == 0x18:  # end, or a legacy try's delegate
                    if depth == 0:
                        if op == 0x18:
                            self.fail("delegate without a try", start)
                        self.pos = pos
                        return out
                    depth -= 1
                elif op in BLOCK_OPCODES:
                    depth += 1

    def prefixed_opcode(self, op: int, start: int) -> tuple[str, Immediate]:
        """The entry of an opcode not in OPCODES: 0xFC- or 0xFD-prefixed, or
        an error."""
        if op in UNSUPPORTED_OPCODES:
            self.unsupported(UNSUPPORTED_OPCODES[op], start)
        table = PREFIXED_OPCODES.get(op)
        if table is None:
            self.fail(f"illegal opcode {op:#04x}", start)
        sub = self.u32()
        if sub not in table:
            self.fail(f"illegal opcode {op:#04x} {sub}", start)
        return table[sub]

    def const_expr(self) -> tuple[Instr, ...]:
        """A constant expression, without its final `end`."""
        return tuple(self.expr()[:-1])


OPCODES: dict[int, tuple[str, Immediate]] = {
    0x00: ("unreachable", None),
    0x01: ("nop", None),
    0x02: ("block", _Reader.blocktype),
    0x03: ("loop", _Reader.blocktype),
    0x04: ("if", _Reader.blocktype),
    0x05: ("else", None),
    0x06: ("try", _Reader.blocktype),
    0x07: ("catch", _Reader.index),
    0x08: ("throw", _Reader.index),
    0x09: ("rethrow", _Reader.index),
    0x0A: ("throw_ref", None),
    0x0B: ("end", None),
    0x0C: ("br", _Reader.index),
    0x0D: ("br_if", _Reader.index),
    0x0E: ("br_table", _Reader.br_table),
    0x0F: ("return", None),
    0x10: ("call", _Reader.index),
    0x11: ("call_indirect", _Reader.two_indices),
    0x12: ("return_call", _Reader.index),
    0x13: ("return_call_indirect", _Reader.two_indices),
    0x14: ("call_ref", _Reader.index),
    0x15: ("return_call_ref", _Reader.index),
    0x18: ("delegate", _Reader.index),
    0x19: ("catch_all", None),
    0x1A: ("drop", None),
    0x1B: ("select", None),
    0x1C: ("select", _Reader.select_types),
    0x1F: ("try_table", _Reader.try_table),
    0x20: ("local.get", _Reader.index),
    0x21: ("local.set", _Reader.index),
    0x22: ("local.tee", _Reader.index),
    0x23: ("global.get", _Reader.index),
    0x24: ("global.set", _Reader.index),
    0x25: ("table.get", _Reader.index),
    0x26: ("table.set", _Reader.index),
    **{0x28 + i: (name, _Reader.memarg) for i, name in enumerate(MEMORY_OPS)},
    0x3F: ("memory.size", _Reader.index),
    0x40: ("memory.grow", _Reader.index),
    0x41: ("i32.const", _Reader.i32_const),
    0x42: ("i64.const", _Reader.i64_const),
    0x43: ("f32.const", _Reader.f32_const),
    0x44: ("f64.const", _Reader.f64_const),
    **{0x45 + i: (name, None) for i, name in enumerate(NUMERIC_OPS)},
    0xD0: ("ref.null", _Reader.ref_null),
    0xD1: ("ref.is_null", None),
    0xD2: ("ref.func", _Reader.index),
    0xD4: ("ref.as_non_null", None),
    0xD5: ("br_on_null", _Reader.index),
    0xD6: ("br_on_non_null", _Reader.index),
    REF_EQ: ("ref.eq", None),
}

FC_OPCODES: dict[int, tuple[str, Immediate]] = {
    **{i: (name, None) for i, name in enumerate(TRUNC_SAT_OPS)},
    8: ("memory.init", _Reader.memory_init),
    9: ("data.drop", _Reader.data_drop),
    10: ("memory.copy", _Reader.two_indices),
    11: ("memory.fill", _Reader.index),
    12: ("table.init", _Reader.two_indices),
    13: ("elem.drop", _Reader.index),
    14: ("table.copy", _Reader.two_indices),
    15: ("table.grow", _Reader.index),
    16: ("table.size", _Reader.index),
    17: ("table.fill", _Reader.index),
}

# The reader of each immediate kind of `wastrel.ir.simd`.
SIMD_IMMEDIATES: dict[str, Immediate] = {
    "none": None,
    "memarg": _Reader.memarg,
    "memarg_lane": _Reader.memarg_lane,
    "lane": _Reader.lane,
    "v128": _Reader.v128_const,
    "shuffle": _Reader.shuffle,
}

FD_OPCODES: dict[int, tuple[str, Immediate]] = {op.opcode: (op.name, SIMD_IMMEDIATES[op.immediate]) for op in SIMD_OPS}

# The reader of each immediate kind of `wastrel.ir.gc`.
GC_IMMEDIATES: dict[str, Immediate] = {
    "none": None,
    "type": _Reader.index,
    "type_field": _Reader.two_indices,
    "type_count": _Reader.two_indices,
    "type_data": _Reader.type_data,
    "type_elem": _Reader.two_indices,
    "two_types": _Reader.two_indices,
    "cast_branch": _Reader.cast_branch,
}

FB_OPCODES: dict[int, tuple[str, Immediate]] = {
    op.opcode: (op.name, _Reader.nullable_type if op.opcode in (21, 23) else _Reader.non_null_type)
    if op.immediate == "reftype" else (op.name, GC_IMMEDIATES[op.immediate])
    for op in GC_OPS
}

#: The setters of an Instr's slots (op, args, offset), to fill a new one in `_Reader.expr`.
INSTR_SETTERS = tuple(slot_setters(Instr)[name] for name in ("op", "args", "offset"))

#: OPCODES indexed by the opcode byte (None: a prefix, or illegal): indexing
#: a tuple costs less than `dict.get` in `_Reader.expr`, once per instruction.
OPCODE_TABLE: tuple[tuple[str, Immediate] | None, ...] = tuple(OPCODES.get(op) for op in range(256))

PREFIXED_OPCODES = {0xFB: FB_OPCODES, 0xFC: FC_OPCODES, 0xFD: FD_OPCODES}

assert max(OPCODES) == 0xD6 and OPCODES[0xC4][0] == "i64.extend32_s" and OPCODES[0x3E][0] == "i64.store32"


# -- sections -----------------------------------------------------------------


@dataclass
class _Parts:
    """The module as its sections are read."""

    types: list[CompositeType] = field(default_factory=list)
    rec_groups: list[int] = field(default_factory=list)
    subtypes: list[SubType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    func_types: list[int] = field(default_factory=list)  # the function section
    tables: list[Table] = field(default_factory=list)
    memories: list[MemoryType] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    data_count: int | None = None
    code: list[tuple[tuple[str, ...], tuple[Instr, ...], int]] = field(default_factory=list)
    code_offset: int | None = None
    datas: list[Data] = field(default_factory=list)
    names: Names | None = None
    customs: list[tuple[str, bytes]] = field(default_factory=list)
    on_function: OnFunction | None = None  # told (bodies read, of how many) as the code section is read


def _type_section(r: _Reader, m: _Parts) -> None:
    groups = r.vec(_Reader.rec_group)
    m.types = [t for group in groups for t, _ in group]
    if any(len(group) != 1 for group in groups):
        m.rec_groups = [len(group) for group in groups]
    subtypes = [sub for group in groups for _, sub in group]
    if any(sub != FINAL for sub in subtypes):
        m.subtypes = subtypes


def _tag_type(r: _Reader) -> int:
    """A tag's attribute (0: an exception) and its type index."""
    start = r.pos
    if r.byte() != 0x00:
        r.fail("malformed tag attribute", start)
    return r.u32()


IMPORT_DESCS: tuple[Callable[[_Reader], ImportDesc], ...] = (
    _Reader.u32,  # func: a type index
    _Reader.tabletype,
    _Reader.memtype,
    _Reader.globaltype,
    _tag_type,
)


def _import(r: _Reader) -> Import:
    start = r.pos
    module, name = r.name(), r.name()
    kind_at = r.pos
    kind = r.byte()
    if kind >= len(IMPORT_DESCS):
        r.fail("malformed import kind", kind_at)
    return Import(module, name, EXTERN_KINDS[kind], IMPORT_DESCS[kind](r), start)


def _import_section(r: _Reader, m: _Parts) -> None:
    m.imports = r.vec(_import)


def _function_section(r: _Reader, m: _Parts) -> None:
    m.func_types = r.vec(_Reader.u32)


def _table(r: _Reader) -> Table:
    """A table type, or 0x40 0x00, a table type and its elements' initial value."""
    start = r.pos
    if r.pos < r.end and r.data[r.pos] == 0x40:
        r.pos += 1
        if r.byte() != 0x00:
            r.fail("malformed table", r.pos - 1)
        return Table(r.tabletype(), r.const_expr(), start)
    return Table(r.tabletype(), None, start)


def _table_section(r: _Reader, m: _Parts) -> None:
    m.tables = r.vec(_table)


def _memory_section(r: _Reader, m: _Parts) -> None:
    m.memories = r.vec(_Reader.memtype)


def _tag(r: _Reader) -> Tag:
    start = r.pos
    return Tag(_tag_type(r), start)


def _tag_section(r: _Reader, m: _Parts) -> None:
    m.tags = r.vec(_tag)


def _global(r: _Reader) -> Global:
    start = r.pos
    return Global(r.globaltype(), r.const_expr(), start)


def _global_section(r: _Reader, m: _Parts) -> None:
    m.globals = r.vec(_global)


def _export(r: _Reader) -> Export:
    start = r.pos
    name = r.name()
    kind_at = r.pos
    kind = r.byte()
    if kind >= len(EXTERN_KINDS):
        r.fail("malformed export kind", kind_at)
    return Export(name, EXTERN_KINDS[kind], r.u32(), start)


def _export_section(r: _Reader, m: _Parts) -> None:
    m.exports = r.vec(_export)


def _start_section(r: _Reader, m: _Parts) -> None:
    m.start = r.u32()


def _func_ref(r: _Reader) -> tuple[Instr, ...]:
    start = r.pos
    return (Instr("ref.func", (r.u32(),), start),)


def _elem_kind(r: _Reader) -> str:
    if r.byte() != 0x00:
        r.fail("malformed element kind", r.pos - 1)
    return FUNC_INDEX_ELEMS


def _elem(r: _Reader) -> Elem:
    """One element segment; its flags' bits say: 1 passive or declarative,
    2 explicit table index (if active) or declarative, 4 expressions."""
    start = r.pos
    flags = r.u32()
    if flags > 7:
        r.fail("malformed elements segment kind", start)
    table, offset_expr = 0, None
    if flags & 1:
        mode = "declarative" if flags & 2 else "passive"
    else:
        mode = "active"
        if flags & 2:
            table = r.u32()
        offset_expr = r.const_expr()
    if flags & 4:
        elem_type = r.reftype() if flags & 3 else "funcref"
        init = r.vec(_Reader.const_expr)
    else:
        elem_type = _elem_kind(r) if flags & 3 else FUNC_INDEX_ELEMS
        init = r.vec(_func_ref)
    return Elem(mode, elem_type, tuple(init), table, offset_expr, start)


def _element_section(r: _Reader, m: _Parts) -> None:
    m.elems = r.vec(_elem)


def _data_count_section(r: _Reader, m: _Parts) -> None:
    m.data_count = r.u32()


def _locals(r: _Reader) -> tuple[str, ...]:
    groups = r.vec(lambda r: (r.u32(), r.valtype()))
    total = sum(n for n, _ in groups)
    if total > 0xFFFF_FFFF:
        r.fail("too many locals")
    if total > MAX_LOCALS:
        r.unsupported(f"more than {MAX_LOCALS} locals in one function", r.pos)
    return tuple(t for n, t in groups for _ in range(n))


def _code_entry(r: _Reader) -> tuple[tuple[str, ...], tuple[Instr, ...], int]:
    body = r.sized()
    start = body.pos
    local_types = _locals(body)
    instrs = body.expr()
    if not body.at_end():
        body.fail("section size mismatch: bytes after the function's final end")
    return local_types, tuple(instrs), start


def _code_section(r: _Reader, m: _Parts) -> None:
    m.code_offset = r.pos
    count = r.u32()
    for k in range(count):
        m.code.append(_code_entry(r))
        if m.on_function is not None:
            m.on_function(k + 1, count)


def _data(r: _Reader) -> Data:
    start = r.pos
    flags = r.u32()
    if flags == 1:
        return Data("passive", r.bytes(r.u32()), offset=start)
    if flags not in (0, 2):
        r.fail("malformed data segment kind", start)
    memory = r.u32() if flags == 2 else 0
    offset_expr = r.const_expr()
    return Data("active", r.bytes(r.u32()), memory, offset_expr, start)


def _data_section(r: _Reader, m: _Parts) -> None:
    m.datas = r.vec(_data)


# Section ids, in the order the sections must come, with names and readers.
SECTIONS: dict[int, tuple[str, Callable[[_Reader, _Parts], None]]] = {
    1: ("type", _type_section),
    2: ("import", _import_section),
    3: ("function", _function_section),
    4: ("table", _table_section),
    5: ("memory", _memory_section),
    13: ("tag", _tag_section),
    6: ("global", _global_section),
    7: ("export", _export_section),
    8: ("start", _start_section),
    9: ("element", _element_section),
    12: ("data count", _data_count_section),
    10: ("code", _code_section),
    11: ("data", _data_section),
}
SECTION_RANK = {sid: rank for rank, sid in enumerate(SECTIONS, start=1)}


# -- the name section ---------------------------------------------------------


def _name_map(r: _Reader) -> dict[int, str]:
    return dict(r.vec(lambda r: (r.u32(), r.name())))


def _names(r: _Reader) -> Names:
    """The `name` section's payload; raises WasmError if it is malformed."""
    module: str | None = None
    funcs: dict[int, str] = {}
    local_names: dict[int, dict[int, str]] = {}
    global_names: dict[int, str] = {}
    type_names: dict[int, str] = {}
    field_names: dict[int, dict[int, str]] = {}
    while not r.at_end():
        sub_id = r.byte()
        sub = r.sized()
        if sub_id == 0:
            module = sub.name()
        elif sub_id == 1:
            funcs = _name_map(sub)
        elif sub_id == 2:
            local_names = dict(sub.vec(lambda r: (r.u32(), _name_map(r))))
        elif sub_id == 4:
            type_names = _name_map(sub)
        elif sub_id == 7:
            global_names = _name_map(sub)
        elif sub_id == 10:
            field_names = dict(sub.vec(lambda r: (r.u32(), _name_map(r))))
        else:
            continue  # other subsections (labels, tables, memories, ...) are not kept
        if not sub.at_end():
            sub.fail("name subsection size mismatch")
    return Names(module, funcs, local_names, global_names, type_names, field_names)


def _custom_section(r: _Reader, m: _Parts) -> None:
    name = r.name()
    if name == "name" and m.names is None:
        with suppress(WasmError):  # a malformed name section is ignored, as engines do
            m.names = _names(r)
        return
    m.customs.append((name, r.bytes(r.end - r.pos)))


# -- the module ---------------------------------------------------------------


def _expect(r: _Reader, want: bytes, message: str) -> None:
    """Skip the bytes `want`; fail with `message` if others come instead."""
    got = r.data[r.pos : r.pos + len(want)]
    if len(got) < len(want):
        r.pos += len(got)
        r.eof()
    if got != want:
        r.fail(message)
    r.pos += len(want)


def decode_module(data: bytes | bytearray | memoryview, on_function: OnFunction | None = None) -> Module:
    """Decode a binary module; raises WasmError if it is malformed.
    `on_function(done, total)` is told as the function bodies are read."""
    with collector_paused():  # hundreds of thousands of small acyclic objects
        return _decode(bytes(data), on_function)


def function_offsets(data: bytes) -> tuple[int, ...]:
    """Where each function's body starts (as Func.offset) in a well-formed
    binary module, found without decoding the rest."""
    r = _Reader(data, len(MAGIC) + len(VERSION), len(data))
    while not r.at_end():
        sid = r.byte()
        body = r.sized()
        if sid == 10:
            offsets = []
            for _ in range(body.u32()):
                entry = body.sized()
                offsets.append(entry.pos)
            return tuple(offsets)
    return ()


def _decode(data: bytes, on_function: OnFunction | None) -> Module:
    r = _Reader(data, 0, len(data))
    _expect(r, MAGIC, "magic header not detected")
    _expect(r, VERSION, "unknown binary version")
    m = _Parts(on_function=on_function)
    last_rank = 0
    while not r.at_end():
        id_at = r.pos
        sid = r.byte()
        if sid != 0 and sid not in SECTIONS:
            r.fail("malformed section id", id_at)
        body = r.sized()
        # Code needs the types (for block types) and the data count.
        body.types, body.data_count = m.types, m.data_count
        if sid == 0:
            _custom_section(body, m)
            continue
        name, read = SECTIONS[sid]
        if SECTION_RANK[sid] <= last_rank:
            r.fail(f"unexpected content after last section ({name} section out of order or repeated)", id_at)
        last_rank = SECTION_RANK[sid]
        read(body, m)
        if not body.at_end():
            body.fail("section size mismatch")
    return _assemble(m, r)


def _assemble(m: _Parts, r: _Reader) -> Module:
    if len(m.func_types) != len(m.code):
        r.fail("function and code section have inconsistent lengths", m.code_offset)
    if m.data_count is not None and m.data_count != len(m.datas):
        r.fail("data count and data section have inconsistent lengths")
    funcs = tuple(Func(t, loc, body, at) for t, (loc, body, at) in zip(m.func_types, m.code, strict=True))
    return Module(
        types=tuple(m.types),
        rec_groups=tuple(m.rec_groups),
        subtypes=tuple(m.subtypes),
        imports=tuple(m.imports),
        funcs=funcs,
        tables=tuple(m.tables),
        memories=tuple(m.memories),
        globals=tuple(m.globals),
        tags=tuple(m.tags),
        exports=tuple(m.exports),
        start=m.start,
        elems=tuple(m.elems),
        datas=tuple(m.datas),
        data_count=m.data_count,
        names=m.names or Names(),
        customs=tuple(m.customs),
    )
