"""The 128-bit SIMD instructions (Wasm 2.0 SIMD and Wasm 3.0 relaxed SIMD), in
one table that the decoder, the encoder, the text reader, the validator, the
passes and the C printer share.

Every SIMD instruction is `0xFD` followed by its opcode (a u32 LEB128) and
its immediates.  For each one the table gives its name, the kind of its
immediates, its operand and result types, and -- for the memory
instructions -- the number of bytes it accesses, which bounds the alignment
a module may declare.  `Instr.args` by immediate kind:

* `memarg`: `(align_log2, offset, memidx)`, as for the scalar loads and stores;
* `memarg_lane`: `(align_log2, offset, memidx, lane)`;
* `lane`: `(lane,)`, a lane index below the shape's lane count;
* `v128`: `(value,)`, the 128 bits as an unsigned int (little-endian lanes:
  lane 0 of any shape is the low bits);
* `shuffle`: `(lanes,)`, a tuple of 16 byte indices, each below 32;
* `none`: `()`.

The instruction names follow the spec's text format (`i8x16.add_sat_s`);
the C printer calls the runtime's `w_` functions of the same name
(runtime/wastrel_simd.h), with the immediates as the last arguments.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SimdOp:
    opcode: int
    name: str
    immediate: str  # memarg | memarg_lane | lane | v128 | shuffle | none
    params: tuple[str, ...]
    results: tuple[str, ...]
    access_bytes: int = 0  # for memory instructions: bytes read or written
    relaxed: bool = False  # Wasm 3.0 relaxed SIMD


# Signature shorthands: operands -> results, one letter per type.
_TYPES = {"v": "v128", "i": "i32", "l": "i64", "f": "f32", "d": "f64"}

# opcode name immediate signature [access bytes]
_TABLE = """
    0 v128.load memarg i:v 16
    1 v128.load8x8_s memarg i:v 8
    2 v128.load8x8_u memarg i:v 8
    3 v128.load16x4_s memarg i:v 8
    4 v128.load16x4_u memarg i:v 8
    5 v128.load32x2_s memarg i:v 8
    6 v128.load32x2_u memarg i:v 8
    7 v128.load8_splat memarg i:v 1
    8 v128.load16_splat memarg i:v 2
    9 v128.load32_splat memarg i:v 4
    10 v128.load64_splat memarg i:v 8
    11 v128.store memarg iv: 16
    12 v128.const v128 :v
    13 i8x16.shuffle shuffle vv:v
    14 i8x16.swizzle none vv:v
    15 i8x16.splat none i:v
    16 i16x8.splat none i:v
    17 i32x4.splat none i:v
    18 i64x2.splat none l:v
    19 f32x4.splat none f:v
    20 f64x2.splat none d:v
    21 i8x16.extract_lane_s lane v:i
    22 i8x16.extract_lane_u lane v:i
    23 i8x16.replace_lane lane vi:v
    24 i16x8.extract_lane_s lane v:i
    25 i16x8.extract_lane_u lane v:i
    26 i16x8.replace_lane lane vi:v
    27 i32x4.extract_lane lane v:i
    28 i32x4.replace_lane lane vi:v
    29 i64x2.extract_lane lane v:l
    30 i64x2.replace_lane lane vl:v
    31 f32x4.extract_lane lane v:f
    32 f32x4.replace_lane lane vf:v
    33 f64x2.extract_lane lane v:d
    34 f64x2.replace_lane lane vd:v
    35 i8x16.eq none vv:v
    36 i8x16.ne none vv:v
    37 i8x16.lt_s none vv:v
    38 i8x16.lt_u none vv:v
    39 i8x16.gt_s none vv:v
    40 i8x16.gt_u none vv:v
    41 i8x16.le_s none vv:v
    42 i8x16.le_u none vv:v
    43 i8x16.ge_s none vv:v
    44 i8x16.ge_u none vv:v
    45 i16x8.eq none vv:v
    46 i16x8.ne none vv:v
    47 i16x8.lt_s none vv:v
    48 i16x8.lt_u none vv:v
    49 i16x8.gt_s none vv:v
    50 i16x8.gt_u none vv:v
    51 i16x8.le_s none vv:v
    52 i16x8.le_u none vv:v
    53 i16x8.ge_s none vv:v
    54 i16x8.ge_u none vv:v
    55 i32x4.eq none vv:v
    56 i32x4.ne none vv:v
    57 i32x4.lt_s none vv:v
    58 i32x4.lt_u none vv:v
    59 i32x4.gt_s none vv:v
    60 i32x4.gt_u none vv:v
    61 i32x4.le_s none vv:v
    62 i32x4.le_u none vv:v
    63 i32x4.ge_s none vv:v
    64 i32x4.ge_u none vv:v
    65 f32x4.eq none vv:v
    66 f32x4.ne none vv:v
    67 f32x4.lt none vv:v
    68 f32x4.gt none vv:v
    69 f32x4.le none vv:v
    70 f32x4.ge none vv:v
    71 f64x2.eq none vv:v
    72 f64x2.ne none vv:v
    73 f64x2.lt none vv:v
    74 f64x2.gt none vv:v
    75 f64x2.le none vv:v
    76 f64x2.ge none vv:v
    77 v128.not none v:v
    78 v128.and none vv:v
    79 v128.andnot none vv:v
    80 v128.or none vv:v
    81 v128.xor none vv:v
    82 v128.bitselect none vvv:v
    83 v128.any_true none v:i
    84 v128.load8_lane memarg_lane iv:v 1
    85 v128.load16_lane memarg_lane iv:v 2
    86 v128.load32_lane memarg_lane iv:v 4
    87 v128.load64_lane memarg_lane iv:v 8
    88 v128.store8_lane memarg_lane iv: 1
    89 v128.store16_lane memarg_lane iv: 2
    90 v128.store32_lane memarg_lane iv: 4
    91 v128.store64_lane memarg_lane iv: 8
    92 v128.load32_zero memarg i:v 4
    93 v128.load64_zero memarg i:v 8
    94 f32x4.demote_f64x2_zero none v:v
    95 f64x2.promote_low_f32x4 none v:v
    96 i8x16.abs none v:v
    97 i8x16.neg none v:v
    98 i8x16.popcnt none v:v
    99 i8x16.all_true none v:i
    100 i8x16.bitmask none v:i
    101 i8x16.narrow_i16x8_s none vv:v
    102 i8x16.narrow_i16x8_u none vv:v
    103 f32x4.ceil none v:v
    104 f32x4.floor none v:v
    105 f32x4.trunc none v:v
    106 f32x4.nearest none v:v
    107 i8x16.shl none vi:v
    108 i8x16.shr_s none vi:v
    109 i8x16.shr_u none vi:v
    110 i8x16.add none vv:v
    111 i8x16.add_sat_s none vv:v
    112 i8x16.add_sat_u none vv:v
    113 i8x16.sub none vv:v
    114 i8x16.sub_sat_s none vv:v
    115 i8x16.sub_sat_u none vv:v
    116 f64x2.ceil none v:v
    117 f64x2.floor none v:v
    118 i8x16.min_s none vv:v
    119 i8x16.min_u none vv:v
    120 i8x16.max_s none vv:v
    121 i8x16.max_u none vv:v
    122 f64x2.trunc none v:v
    123 i8x16.avgr_u none vv:v
    124 i16x8.extadd_pairwise_i8x16_s none v:v
    125 i16x8.extadd_pairwise_i8x16_u none v:v
    126 i32x4.extadd_pairwise_i16x8_s none v:v
    127 i32x4.extadd_pairwise_i16x8_u none v:v
    128 i16x8.abs none v:v
    129 i16x8.neg none v:v
    130 i16x8.q15mulr_sat_s none vv:v
    131 i16x8.all_true none v:i
    132 i16x8.bitmask none v:i
    133 i16x8.narrow_i32x4_s none vv:v
    134 i16x8.narrow_i32x4_u none vv:v
    135 i16x8.extend_low_i8x16_s none v:v
    136 i16x8.extend_high_i8x16_s none v:v
    137 i16x8.extend_low_i8x16_u none v:v
    138 i16x8.extend_high_i8x16_u none v:v
    139 i16x8.shl none vi:v
    140 i16x8.shr_s none vi:v
    141 i16x8.shr_u none vi:v
    142 i16x8.add none vv:v
    143 i16x8.add_sat_s none vv:v
    144 i16x8.add_sat_u none vv:v
    145 i16x8.sub none vv:v
    146 i16x8.sub_sat_s none vv:v
    147 i16x8.sub_sat_u none vv:v
    148 f64x2.nearest none v:v
    149 i16x8.mul none vv:v
    150 i16x8.min_s none vv:v
    151 i16x8.min_u none vv:v
    152 i16x8.max_s none vv:v
    153 i16x8.max_u none vv:v
    155 i16x8.avgr_u none vv:v
    156 i16x8.extmul_low_i8x16_s none vv:v
    157 i16x8.extmul_high_i8x16_s none vv:v
    158 i16x8.extmul_low_i8x16_u none vv:v
    159 i16x8.extmul_high_i8x16_u none vv:v
    160 i32x4.abs none v:v
    161 i32x4.neg none v:v
    163 i32x4.all_true none v:i
    164 i32x4.bitmask none v:i
    167 i32x4.extend_low_i16x8_s none v:v
    168 i32x4.extend_high_i16x8_s none v:v
    169 i32x4.extend_low_i16x8_u none v:v
    170 i32x4.extend_high_i16x8_u none v:v
    171 i32x4.shl none vi:v
    172 i32x4.shr_s none vi:v
    173 i32x4.shr_u none vi:v
    174 i32x4.add none vv:v
    177 i32x4.sub none vv:v
    181 i32x4.mul none vv:v
    182 i32x4.min_s none vv:v
    183 i32x4.min_u none vv:v
    184 i32x4.max_s none vv:v
    185 i32x4.max_u none vv:v
    186 i32x4.dot_i16x8_s none vv:v
    188 i32x4.extmul_low_i16x8_s none vv:v
    189 i32x4.extmul_high_i16x8_s none vv:v
    190 i32x4.extmul_low_i16x8_u none vv:v
    191 i32x4.extmul_high_i16x8_u none vv:v
    192 i64x2.abs none v:v
    193 i64x2.neg none v:v
    195 i64x2.all_true none v:i
    196 i64x2.bitmask none v:i
    199 i64x2.extend_low_i32x4_s none v:v
    200 i64x2.extend_high_i32x4_s none v:v
    201 i64x2.extend_low_i32x4_u none v:v
    202 i64x2.extend_high_i32x4_u none v:v
    203 i64x2.shl none vi:v
    204 i64x2.shr_s none vi:v
    205 i64x2.shr_u none vi:v
    206 i64x2.add none vv:v
    209 i64x2.sub none vv:v
    213 i64x2.mul none vv:v
    214 i64x2.eq none vv:v
    215 i64x2.ne none vv:v
    216 i64x2.lt_s none vv:v
    217 i64x2.gt_s none vv:v
    218 i64x2.le_s none vv:v
    219 i64x2.ge_s none vv:v
    220 i64x2.extmul_low_i32x4_s none vv:v
    221 i64x2.extmul_high_i32x4_s none vv:v
    222 i64x2.extmul_low_i32x4_u none vv:v
    223 i64x2.extmul_high_i32x4_u none vv:v
    224 f32x4.abs none v:v
    225 f32x4.neg none v:v
    227 f32x4.sqrt none v:v
    228 f32x4.add none vv:v
    229 f32x4.sub none vv:v
    230 f32x4.mul none vv:v
    231 f32x4.div none vv:v
    232 f32x4.min none vv:v
    233 f32x4.max none vv:v
    234 f32x4.pmin none vv:v
    235 f32x4.pmax none vv:v
    236 f64x2.abs none v:v
    237 f64x2.neg none v:v
    239 f64x2.sqrt none v:v
    240 f64x2.add none vv:v
    241 f64x2.sub none vv:v
    242 f64x2.mul none vv:v
    243 f64x2.div none vv:v
    244 f64x2.min none vv:v
    245 f64x2.max none vv:v
    246 f64x2.pmin none vv:v
    247 f64x2.pmax none vv:v
    248 i32x4.trunc_sat_f32x4_s none v:v
    249 i32x4.trunc_sat_f32x4_u none v:v
    250 f32x4.convert_i32x4_s none v:v
    251 f32x4.convert_i32x4_u none v:v
    252 i32x4.trunc_sat_f64x2_s_zero none v:v
    253 i32x4.trunc_sat_f64x2_u_zero none v:v
    254 f64x2.convert_low_i32x4_s none v:v
    255 f64x2.convert_low_i32x4_u none v:v
    256 i8x16.relaxed_swizzle none vv:v
    257 i32x4.relaxed_trunc_f32x4_s none v:v
    258 i32x4.relaxed_trunc_f32x4_u none v:v
    259 i32x4.relaxed_trunc_f64x2_s_zero none v:v
    260 i32x4.relaxed_trunc_f64x2_u_zero none v:v
    261 f32x4.relaxed_madd none vvv:v
    262 f32x4.relaxed_nmadd none vvv:v
    263 f64x2.relaxed_madd none vvv:v
    264 f64x2.relaxed_nmadd none vvv:v
    265 i8x16.relaxed_laneselect none vvv:v
    266 i16x8.relaxed_laneselect none vvv:v
    267 i32x4.relaxed_laneselect none vvv:v
    268 i64x2.relaxed_laneselect none vvv:v
    269 f32x4.relaxed_min none vv:v
    270 f32x4.relaxed_max none vv:v
    271 f64x2.relaxed_min none vv:v
    272 f64x2.relaxed_max none vv:v
    273 i16x8.relaxed_q15mulr_s none vv:v
    274 i16x8.relaxed_dot_i8x16_i7x16_s none vv:v
    275 i32x4.relaxed_dot_i8x16_i7x16_add_s none vvv:v
"""


def _parse(table: str) -> tuple[SimdOp, ...]:
    ops = []
    for line in table.strip().splitlines():
        opcode, name, immediate, signature, *size = line.split()
        params, results = signature.split(":")
        ops.append(
            SimdOp(
                opcode=int(opcode),
                name=name,
                immediate=immediate,
                params=tuple(_TYPES[c] for c in params),
                results=tuple(_TYPES[c] for c in results),
                access_bytes=int(size[0]) if size else 0,
                relaxed="relaxed_" in name,
            )
        )
    return tuple(ops)


SIMD_OPS: tuple[SimdOp, ...] = _parse(_TABLE)
BY_OPCODE: dict[int, SimdOp] = {op.opcode: op for op in SIMD_OPS}
BY_NAME: dict[str, SimdOp] = {op.name: op for op in SIMD_OPS}

# Lanes per shape (the prefix of an instruction's name).
LANES = {"i8x16": 16, "i16x8": 8, "i32x4": 4, "i64x2": 2, "f32x4": 4, "f64x2": 2}


def lane_count(op: SimdOp) -> int:
    """How many lanes a `lane` or `memarg_lane` immediate may index."""
    if op.immediate == "memarg_lane":
        return 16 // op.access_bytes
    return LANES[op.name.partition(".")[0]]


def is_simd(name: str) -> bool:
    return name in BY_NAME
