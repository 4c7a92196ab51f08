/* wastrel_simd.h -- the Wasm 128-bit SIMD instructions (Wasm 2.0 SIMD and
 * Wasm 3.0 relaxed SIMD), as static inline functions named `w_` + the
 * instruction name with `.` replaced by `_` (`i8x16.add_sat_s` is
 * `w_i8x16_add_sat_s`).  wastrel/ir/simd.py is the list of instructions.
 *
 * Included by wastrel.h after wastrel_ops.h (whose W_ACCESS_BARRIER and
 * W_LOADED it uses); not meant to be included on its own.
 *
 * Representation: a v128 is `w_v128`, a GCC vector of two int64_t (the
 * same typedef as in wastrel.h), passed and returned by value (in an SSE
 * register on x86-64).  Lane 0 of every shape is its lowest-addressed
 * bytes, as in Wasm memory (the host is little-endian, wastrel_ops.h
 * checks).  `W_V128(lo, hi)` is a constant from its two 64-bit halves,
 * usable as an expression and as the initializer of a static variable.
 * An instruction views its operands through one of the typed lane vectors
 * below (a cast between vector types reinterprets the bits, it converts
 * nothing), so a float lane's NaN payload survives every move, extract,
 * replace and splat.
 *
 * Arguments: operands in Wasm order, scalar i32/i64/f32/f64 as uint32_t,
 * uint64_t, float, double, then immediates (lane indices) as int.  Memory
 * instructions take the memory's base and the effective address in place
 * of the address operand, as the scalar loads and stores do.
 * i8x16.shuffle is a macro: its 16 lane indices must be integer constants.
 *
 * Code: GCC vector extensions, which compile to SSE2 on x86-64 (the default
 * target: no SSE4, no AVX); SSE2 intrinsics where GCC would not find the
 * single instruction itself (saturating arithmetic, min/max, averages,
 * narrowing, multiply-high, 64-bit multiply, bitmask).  Defining
 * W_SIMD_GENERIC before including wastrel.h selects the plain
 * vector-extension code everywhere (tests/simd_c checks both).  Like the
 * scalar operations, the float code counts on the generated code's flags:
 * IEEE arithmetic (no -ffast-math), -ffp-contract=off (relaxed_madd stays
 * unfused), -fsignaling-nans (`x + 0` is not folded to x), and the default
 * rounding mode.  Nothing relies on what an out-of-range conversion gives:
 * gcc folds those differently from the hardware.
 *
 * Float NaNs: the arithmetic operations (add, sub, mul, div, sqrt, the
 * roundings, min, max, demote, promote, relaxed_madd/nmadd) return a quiet
 * NaN for a NaN operand, and a canonical one when every NaN operand is
 * canonical: the hardware's operations do, min and max make the canonical
 * NaN on SSE2 (`a + b` generically), the roundings `x + 0`.  neg, abs,
 * pmin, pmax, extract_lane, replace_lane and splat are bit operations and
 * keep a NaN exactly as it is.
 *
 * Relaxed SIMD: each relaxed instruction behaves as one of the behaviours
 * the spec allows, always the same one, that of the deterministic
 * instruction it relaxes:
 *   i8x16.relaxed_swizzle              = i8x16.swizzle (index >= 16 gives 0)
 *   i32x4.relaxed_trunc_*              = i32x4.trunc_sat_* (NaN 0, saturate)
 *   f32x4/f64x2.relaxed_madd(a, b, c)  = a * b + c, unfused (two roundings)
 *   f32x4/f64x2.relaxed_nmadd(a, b, c) = -(a * b) + c, unfused
 *   *.relaxed_laneselect(a, b, m)      = v128.bitselect(a, b, m)
 *   f32x4/f64x2.relaxed_min/max        = f32x4/f64x2.min/max
 *   i16x8.relaxed_q15mulr_s            = i16x8.q15mulr_sat_s
 *   i16x8.relaxed_dot_i8x16_i7x16_s and i32x4.relaxed_dot_i8x16_i7x16_add_s
 *     take the second operand's bytes as signed (like the first), add the
 *     two products of a pair with signed saturation to 16 bits, and (the
 *     i32x4 form) add adjacent 16-bit sums and the third operand wrapping.
 */
#ifndef WASTREL_SIMD_H
#define WASTREL_SIMD_H

#if defined(__SSE2__) && !defined(W_SIMD_GENERIC)
#define W_SIMD_SSE2 1
#include <emmintrin.h>
#else
#define W_SIMD_SSE2 0
#endif

/* The asm constraint of a vector register, for W_LOADED and W_SIMD_OPAQUE. */
#if defined(__x86_64__) || defined(__i386__)
#define W_SIMD_VREG "x"
#elif defined(__aarch64__)
#define W_SIMD_VREG "w"
#else
#define W_SIMD_VREG "m"
#endif

/* Hides v's value from the C compiler, so that it cannot evaluate the
 * operation that uses v at compile time (see demote and promote). */
#define W_SIMD_OPAQUE(v) __asm__("" : "+" W_SIMD_VREG(v))

/* ---- types ----------------------------------------------------------- */

typedef int64_t w_v128 __attribute__((vector_size(16))); /* as in wastrel.h */
typedef int8_t w_s8x16 __attribute__((vector_size(16)));
typedef uint8_t w_u8x16 __attribute__((vector_size(16)));
typedef int16_t w_s16x8 __attribute__((vector_size(16)));
typedef uint16_t w_u16x8 __attribute__((vector_size(16)));
typedef int32_t w_s32x4 __attribute__((vector_size(16)));
typedef uint32_t w_u32x4 __attribute__((vector_size(16)));
typedef int64_t w_s64x2 __attribute__((vector_size(16)));
typedef uint64_t w_u64x2 __attribute__((vector_size(16)));
typedef float w_f32x4 __attribute__((vector_size(16)));
typedef double w_f64x2 __attribute__((vector_size(16)));
/* Half vectors, for the conversions of two lanes only. */
typedef int32_t w_s32x2 __attribute__((vector_size(8)));
typedef float w_f32x2 __attribute__((vector_size(8)));

#define W_V128(lo, hi) ((w_v128){(int64_t)(uint64_t)(lo), (int64_t)(uint64_t)(hi)})

/* Shuffles of two vectors of type T by constant lane indices (0 .. 2n-1). */
#if defined(__clang__)
#define W_SIMD_SHUFFLE(T, a, b, ...) __builtin_shufflevector((T)(a), (T)(b), __VA_ARGS__)
#else
#define W_SIMD_SHUFFLE(T, a, b, ...) __builtin_shuffle((T)(a), (T)(b), (T){__VA_ARGS__})
#endif

/* Lanewise m ? a : b, where every lane of m is all ones or all zeros. */
static inline w_v128 w_simd_select(w_v128 m, w_v128 a, w_v128 b) { return (a & m) | (b & ~m); }
#define W_SIMD_SEL(m, a, b) w_simd_select((w_v128)(m), (w_v128)(a), (w_v128)(b))

#define W_SPLAT16(x) {x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}
#define W_SPLAT8(x) {x, x, x, x, x, x, x, x}
#define W_SPLAT4(x) {x, x, x, x}
#define W_SPLAT2(x) {x, x}

/* ---- memory ---------------------------------------------------------
 * As the scalar loads and stores (wastrel_ops.h): no bounds check (an
 * out-of-bounds effective address faults in the guard region, and the
 * fault is the trap), memcpy for unaligned access of exactly the bytes the
 * instruction reads or writes, and in precise mode every load happens and
 * every access is a compiler barrier.  A narrow load reads its scalar first
 * ("rx": in whichever register the use wants), then builds the vector. */

#define W_SIMD_LOAD_SCALAR(name, ctype, reg)                             \
  static inline ctype name(uint8_t *base, uint64_t ea) {                 \
    ctype v;                                                             \
    W_ACCESS_BARRIER();                                                  \
    memcpy(&v, base + ea, sizeof v);                                     \
    W_LOADED(v, reg);                                                    \
    return v;                                                            \
  }
W_SIMD_LOAD_SCALAR(w_simd_load8, uint8_t, "r")
W_SIMD_LOAD_SCALAR(w_simd_load16, uint16_t, "r")
W_SIMD_LOAD_SCALAR(w_simd_load32, uint32_t, "rx")
W_SIMD_LOAD_SCALAR(w_simd_load64, uint64_t, "rx")
#undef W_SIMD_LOAD_SCALAR

static inline w_v128 w_v128_load(uint8_t *base, uint64_t ea) {
  w_v128 v;
  W_ACCESS_BARRIER();
  memcpy(&v, base + ea, sizeof v);
  W_LOADED(v, W_SIMD_VREG);
  return v;
}

/* v128.store writes through an unaligned vector type rather than memcpy:
 * one instruction at any optimisation level (at -O0, gcc copies 16 bytes
 * as two 8-byte moves, and a store that faults in its second half would
 * have written its first: a trapping store must write nothing). */
typedef w_v128 w_simd_unaligned_v128 __attribute__((aligned(1), may_alias));
static inline void w_v128_store(uint8_t *base, uint64_t ea, w_v128 v) {
  W_ACCESS_BARRIER();
  *(w_simd_unaligned_v128 *)(base + ea) = v;
  W_ACCESS_BARRIER();
}

/* Stores of one lane: the lane's bytes only. */
#define W_SIMD_STORE_LANE(name, lanes, ctype)                            \
  static inline void name(uint8_t *base, uint64_t ea, w_v128 v, int lane) { \
    ctype c = ((lanes)v)[lane];                                          \
    W_ACCESS_BARRIER();                                                  \
    memcpy(base + ea, &c, sizeof c);                                     \
    W_ACCESS_BARRIER();                                                  \
  }
W_SIMD_STORE_LANE(w_v128_store8_lane, w_u8x16, uint8_t)
W_SIMD_STORE_LANE(w_v128_store16_lane, w_u16x8, uint16_t)
W_SIMD_STORE_LANE(w_v128_store32_lane, w_u32x4, uint32_t)
W_SIMD_STORE_LANE(w_v128_store64_lane, w_u64x2, uint64_t)
#undef W_SIMD_STORE_LANE

/* load*_lane: v with one lane replaced by the loaded value. */
#define W_SIMD_LOAD_LANE(name, lanes, load)                              \
  static inline w_v128 name(uint8_t *base, uint64_t ea, w_v128 v, int lane) { \
    lanes t = (lanes)v;                                                  \
    t[lane] = load(base, ea);                                            \
    return (w_v128)t;                                                    \
  }
W_SIMD_LOAD_LANE(w_v128_load8_lane, w_u8x16, w_simd_load8)
W_SIMD_LOAD_LANE(w_v128_load16_lane, w_u16x8, w_simd_load16)
W_SIMD_LOAD_LANE(w_v128_load32_lane, w_u32x4, w_simd_load32)
W_SIMD_LOAD_LANE(w_v128_load64_lane, w_u64x2, w_simd_load64)
#undef W_SIMD_LOAD_LANE

/* load*_splat: the loaded value in every lane. */
static inline w_v128 w_v128_load8_splat(uint8_t *base, uint64_t ea) {
  uint8_t x = w_simd_load8(base, ea);
  return (w_v128)(w_u8x16)W_SPLAT16(x);
}
static inline w_v128 w_v128_load16_splat(uint8_t *base, uint64_t ea) {
  uint16_t x = w_simd_load16(base, ea);
  return (w_v128)(w_u16x8)W_SPLAT8(x);
}
static inline w_v128 w_v128_load32_splat(uint8_t *base, uint64_t ea) {
  uint32_t x = w_simd_load32(base, ea);
  return (w_v128)(w_u32x4)W_SPLAT4(x);
}
static inline w_v128 w_v128_load64_splat(uint8_t *base, uint64_t ea) {
  uint64_t x = w_simd_load64(base, ea);
  return (w_v128)(w_u64x2)W_SPLAT2(x);
}

/* load*_zero: the loaded value in lane 0, zeros above. */
static inline w_v128 w_v128_load32_zero(uint8_t *base, uint64_t ea) {
  return (w_v128)(w_u32x4){w_simd_load32(base, ea), 0, 0, 0};
}
static inline w_v128 w_v128_load64_zero(uint8_t *base, uint64_t ea) {
  return (w_v128)(w_u64x2){w_simd_load64(base, ea), 0};
}

/* ---- shuffle, swizzle, splat, lanes ---------------------------------- */

/* i8x16.shuffle: lane i of the result is byte l_i of a:b (0..15 from a,
 * 16..31 from b).  A macro, so that the compiler sees a constant mask. */
#if defined(__clang__)
#define w_i8x16_shuffle(a, b, l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15) \
  ((w_v128)__builtin_shufflevector((w_u8x16)(a), (w_u8x16)(b), l0, l1, l2, l3, l4, l5, l6, l7,     \
                                   l8, l9, l10, l11, l12, l13, l14, l15))
#else
#define w_i8x16_shuffle(a, b, l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15) \
  ((w_v128)__builtin_shuffle((w_u8x16)(a), (w_u8x16)(b),                                           \
                             (w_u8x16){l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13,  \
                                       l14, l15}))
#endif

/* i8x16.swizzle: lane i is a's byte s_i, or 0 where s_i >= 16.  Lane by
 * lane: SSE2 has no variable byte shuffle. */
static inline w_v128 w_i8x16_swizzle(w_v128 a, w_v128 s) {
  uint8_t in[16], idx[16], out[16];
  w_v128 r;
  memcpy(in, &a, 16);
  memcpy(idx, &s, 16);
  for (int i = 0; i < 16; i++) {
    uint8_t x = in[idx[i] & 15];
    out[i] = idx[i] < 16 ? x : 0;
  }
  memcpy(&r, out, 16);
  return r;
}

static inline w_v128 w_i8x16_splat(uint32_t x) { return (w_v128)(w_u8x16)W_SPLAT16((uint8_t)x); }
static inline w_v128 w_i16x8_splat(uint32_t x) { return (w_v128)(w_u16x8)W_SPLAT8((uint16_t)x); }
static inline w_v128 w_i32x4_splat(uint32_t x) { return (w_v128)(w_u32x4)W_SPLAT4(x); }
static inline w_v128 w_i64x2_splat(uint64_t x) { return (w_v128)(w_u64x2)W_SPLAT2(x); }
static inline w_v128 w_f32x4_splat(float x) { return (w_v128)(w_f32x4)W_SPLAT4(x); }
static inline w_v128 w_f64x2_splat(double x) { return (w_v128)(w_f64x2)W_SPLAT2(x); }

static inline uint32_t w_i8x16_extract_lane_s(w_v128 v, int lane) { return (uint32_t)(int32_t)((w_s8x16)v)[lane]; }
static inline uint32_t w_i8x16_extract_lane_u(w_v128 v, int lane) { return ((w_u8x16)v)[lane]; }
static inline uint32_t w_i16x8_extract_lane_s(w_v128 v, int lane) { return (uint32_t)(int32_t)((w_s16x8)v)[lane]; }
static inline uint32_t w_i16x8_extract_lane_u(w_v128 v, int lane) { return ((w_u16x8)v)[lane]; }
static inline uint32_t w_i32x4_extract_lane(w_v128 v, int lane) { return ((w_u32x4)v)[lane]; }
static inline uint64_t w_i64x2_extract_lane(w_v128 v, int lane) { return ((w_u64x2)v)[lane]; }
static inline float w_f32x4_extract_lane(w_v128 v, int lane) { return ((w_f32x4)v)[lane]; }
static inline double w_f64x2_extract_lane(w_v128 v, int lane) { return ((w_f64x2)v)[lane]; }

#define W_SIMD_REPLACE_LANE(name, lanes, stype, ctype)                   \
  static inline w_v128 name(w_v128 v, stype x, int lane) {               \
    lanes t = (lanes)v;                                                  \
    t[lane] = (ctype)x;                                                  \
    return (w_v128)t;                                                    \
  }
W_SIMD_REPLACE_LANE(w_i8x16_replace_lane, w_u8x16, uint32_t, uint8_t)
W_SIMD_REPLACE_LANE(w_i16x8_replace_lane, w_u16x8, uint32_t, uint16_t)
W_SIMD_REPLACE_LANE(w_i32x4_replace_lane, w_u32x4, uint32_t, uint32_t)
W_SIMD_REPLACE_LANE(w_i64x2_replace_lane, w_u64x2, uint64_t, uint64_t)
W_SIMD_REPLACE_LANE(w_f32x4_replace_lane, w_f32x4, float, float)
W_SIMD_REPLACE_LANE(w_f64x2_replace_lane, w_f64x2, double, double)
#undef W_SIMD_REPLACE_LANE

/* ---- comparisons ------------------------------------------------------
 * A vector comparison gives all ones (true) or all zeros per lane.  Float
 * comparisons are IEEE: with a NaN, ne is true and the others false. */

#define W_SIMD_CMP(shape, op, lanes, cop)                                \
  static inline w_v128 w_##shape##_##op(w_v128 a, w_v128 b) {            \
    return (w_v128)((lanes)a cop (lanes)b);                              \
  }
#define W_SIMD_CMP_INT(shape, s, u)                                      \
  W_SIMD_CMP(shape, eq, u, ==)                                           \
  W_SIMD_CMP(shape, ne, u, !=)                                           \
  W_SIMD_CMP(shape, lt_s, s, <)                                          \
  W_SIMD_CMP(shape, lt_u, u, <)                                          \
  W_SIMD_CMP(shape, gt_s, s, >)                                          \
  W_SIMD_CMP(shape, gt_u, u, >)                                          \
  W_SIMD_CMP(shape, le_s, s, <=)                                         \
  W_SIMD_CMP(shape, le_u, u, <=)                                         \
  W_SIMD_CMP(shape, ge_s, s, >=)                                         \
  W_SIMD_CMP(shape, ge_u, u, >=)
#define W_SIMD_CMP_FLOAT(shape, f)                                       \
  W_SIMD_CMP(shape, eq, f, ==)                                           \
  W_SIMD_CMP(shape, ne, f, !=)                                           \
  W_SIMD_CMP(shape, lt, f, <)                                            \
  W_SIMD_CMP(shape, gt, f, >)                                            \
  W_SIMD_CMP(shape, le, f, <=)                                           \
  W_SIMD_CMP(shape, ge, f, >=)

W_SIMD_CMP_INT(i8x16, w_s8x16, w_u8x16)
W_SIMD_CMP_INT(i16x8, w_s16x8, w_u16x8)
W_SIMD_CMP_INT(i32x4, w_s32x4, w_u32x4)
W_SIMD_CMP_FLOAT(f32x4, w_f32x4)
W_SIMD_CMP_FLOAT(f64x2, w_f64x2)

#undef W_SIMD_CMP_FLOAT
#undef W_SIMD_CMP_INT
#undef W_SIMD_CMP

/* i64x2 has only eq, ne and the signed comparisons.  SSE2 has no 64-bit
 * comparison (gcc would compare lane by lane in general registers): eq is
 * both 32-bit halves equal; a < b is the sign of a - b, corrected where
 * the subtraction overflows (a and b of different signs, a - b of b's
 * sign), spread over the lane. */
static inline w_v128 w_i64x2_eq(w_v128 a, w_v128 b) {
  w_s32x4 e = (w_s32x4)a == (w_s32x4)b;
  return (w_v128)(e & W_SIMD_SHUFFLE(w_s32x4, e, e, 1, 0, 3, 2));
}
static inline w_v128 w_i64x2_lt_s(w_v128 a, w_v128 b) {
  w_u64x2 x = (w_u64x2)a, y = (w_u64x2)b, d = x - y;
  return (w_v128)((w_s64x2)(d ^ ((x ^ y) & (d ^ x))) >> 63);
}
static inline w_v128 w_i64x2_ne(w_v128 a, w_v128 b) { return ~w_i64x2_eq(a, b); }
static inline w_v128 w_i64x2_gt_s(w_v128 a, w_v128 b) { return w_i64x2_lt_s(b, a); }
static inline w_v128 w_i64x2_le_s(w_v128 a, w_v128 b) { return ~w_i64x2_lt_s(b, a); }
static inline w_v128 w_i64x2_ge_s(w_v128 a, w_v128 b) { return ~w_i64x2_lt_s(a, b); }

/* ---- bitwise ---------------------------------------------------------- */

static inline w_v128 w_v128_not(w_v128 a) { return ~a; }
static inline w_v128 w_v128_and(w_v128 a, w_v128 b) { return a & b; }
static inline w_v128 w_v128_andnot(w_v128 a, w_v128 b) { return a & ~b; }
static inline w_v128 w_v128_or(w_v128 a, w_v128 b) { return a | b; }
static inline w_v128 w_v128_xor(w_v128 a, w_v128 b) { return a ^ b; }
/* bitselect(a, b, c): the bits of a where c is 1, of b where c is 0. */
static inline w_v128 w_v128_bitselect(w_v128 a, w_v128 b, w_v128 c) { return (a & c) | (b & ~c); }
static inline uint32_t w_v128_any_true(w_v128 a) {
#if W_SIMD_SSE2
  return _mm_movemask_epi8(_mm_cmpeq_epi8((__m128i)a, _mm_setzero_si128())) != 0xffff;
#else
  return ((w_u64x2)a)[0] != 0 || ((w_u64x2)a)[1] != 0;
#endif
}

/* ---- all_true, bitmask -------------------------------------------------
 * all_true: 1 iff no lane is zero.  bitmask: bit i is the top bit of lane i. */

#if W_SIMD_SSE2
static inline uint32_t w_i8x16_all_true(w_v128 a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi8((__m128i)a, _mm_setzero_si128())) == 0;
}
static inline uint32_t w_i16x8_all_true(w_v128 a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi16((__m128i)a, _mm_setzero_si128())) == 0;
}
static inline uint32_t w_i32x4_all_true(w_v128 a) {
  return _mm_movemask_epi8(_mm_cmpeq_epi32((__m128i)a, _mm_setzero_si128())) == 0;
}
static inline uint32_t w_i64x2_all_true(w_v128 a) {
  __m128i z = _mm_cmpeq_epi32((__m128i)a, _mm_setzero_si128()); /* 32-bit halves that are 0 */
  z = _mm_and_si128(z, _mm_shuffle_epi32(z, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_movemask_epi8(z) == 0;
}
static inline uint32_t w_i8x16_bitmask(w_v128 a) { return (uint32_t)_mm_movemask_epi8((__m128i)a); }
static inline uint32_t w_i16x8_bitmask(w_v128 a) {
  return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16((__m128i)a, _mm_setzero_si128()));
}
static inline uint32_t w_i32x4_bitmask(w_v128 a) { return (uint32_t)_mm_movemask_ps((__m128)a); }
static inline uint32_t w_i64x2_bitmask(w_v128 a) { return (uint32_t)_mm_movemask_pd((__m128d)a); }
#else
#define W_SIMD_ALL_TRUE(shape, lanes)                                    \
  static inline uint32_t w_##shape##_all_true(w_v128 a) {                \
    w_u64x2 zero = (w_u64x2)((lanes)a == 0);                             \
    return (zero[0] | zero[1]) == 0;                                     \
  }
W_SIMD_ALL_TRUE(i8x16, w_u8x16)
W_SIMD_ALL_TRUE(i16x8, w_u16x8)
W_SIMD_ALL_TRUE(i32x4, w_u32x4)
W_SIMD_ALL_TRUE(i64x2, w_u64x2)
#undef W_SIMD_ALL_TRUE
#define W_SIMD_BITMASK(shape, lanes, n, bits)                            \
  static inline uint32_t w_##shape##_bitmask(w_v128 a) {                 \
    lanes t = (lanes)a;                                                  \
    uint32_t r = 0;                                                      \
    for (int i = 0; i < n; i++) r |= (uint32_t)(t[i] >> (bits - 1)) << i; \
    return r;                                                            \
  }
W_SIMD_BITMASK(i8x16, w_u8x16, 16, 8)
W_SIMD_BITMASK(i16x8, w_u16x8, 8, 16)
W_SIMD_BITMASK(i32x4, w_u32x4, 4, 32)
W_SIMD_BITMASK(i64x2, w_u64x2, 2, 64)
#undef W_SIMD_BITMASK
#endif

/* ---- integer arithmetic ------------------------------------------------
 * add, sub, mul, neg wrap (computed in unsigned lanes: no overflow in C).
 * abs of the most negative value is itself. */

#define W_SIMD_ARITH(shape, u, s, bits)                                  \
  static inline w_v128 w_##shape##_add(w_v128 a, w_v128 b) { return (w_v128)((u)a + (u)b); } \
  static inline w_v128 w_##shape##_sub(w_v128 a, w_v128 b) { return (w_v128)((u)a - (u)b); } \
  static inline w_v128 w_##shape##_neg(w_v128 a) { return (w_v128)(-(u)a); } \
  static inline w_v128 w_##shape##_abs(w_v128 a) {                       \
    u m = (u)((s)a >> (bits - 1));                                       \
    return (w_v128)(((u)a ^ m) - m);                                     \
  }
W_SIMD_ARITH(i8x16, w_u8x16, w_s8x16, 8)
W_SIMD_ARITH(i16x8, w_u16x8, w_s16x8, 16)
W_SIMD_ARITH(i32x4, w_u32x4, w_s32x4, 32)
W_SIMD_ARITH(i64x2, w_u64x2, w_s64x2, 64)
#undef W_SIMD_ARITH

static inline w_v128 w_i16x8_mul(w_v128 a, w_v128 b) { return (w_v128)((w_u16x8)a * (w_u16x8)b); }
static inline w_v128 w_i32x4_mul(w_v128 a, w_v128 b) { return (w_v128)((w_u32x4)a * (w_u32x4)b); }
static inline w_v128 w_i64x2_mul(w_v128 a, w_v128 b) { return (w_v128)((w_u64x2)a * (w_u64x2)b); }

/* popcnt: the bit count of each byte, by halving sums. */
static inline w_v128 w_i8x16_popcnt(w_v128 a) {
  w_u8x16 x = (w_u8x16)a;
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (w_v128)((x + (x >> 4)) & 0x0f);
}

/* ---- saturating add and sub ------------------------------------------
 * SSE2 has them all (padds, psubs).  Generic: the wrapped result, replaced
 * where it overflowed: signed by the bound on a's side (a >> (bits-1) ^ MAX
 * is MAX for a >= 0, MIN for a < 0), unsigned by all ones (add) or zero
 * (sub). */

#if W_SIMD_SSE2
static inline w_v128 w_i8x16_add_sat_s(w_v128 a, w_v128 b) { return (w_v128)_mm_adds_epi8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_add_sat_u(w_v128 a, w_v128 b) { return (w_v128)_mm_adds_epu8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_sub_sat_s(w_v128 a, w_v128 b) { return (w_v128)_mm_subs_epi8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_sub_sat_u(w_v128 a, w_v128 b) { return (w_v128)_mm_subs_epu8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_add_sat_s(w_v128 a, w_v128 b) { return (w_v128)_mm_adds_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_add_sat_u(w_v128 a, w_v128 b) { return (w_v128)_mm_adds_epu16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_sub_sat_s(w_v128 a, w_v128 b) { return (w_v128)_mm_subs_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_sub_sat_u(w_v128 a, w_v128 b) { return (w_v128)_mm_subs_epu16((__m128i)a, (__m128i)b); }
#else
#define W_SIMD_SAT(shape, u, s, bits, max)                               \
  static inline w_v128 w_##shape##_add_sat_s(w_v128 a, w_v128 b) {       \
    s x = (s)a, y = (s)b, r = (s)((u)a + (u)b);                          \
    s over = ((x ^ r) & (y ^ r)) >> (bits - 1);                          \
    return W_SIMD_SEL(over, (x >> (bits - 1)) ^ max, r);                 \
  }                                                                      \
  static inline w_v128 w_##shape##_sub_sat_s(w_v128 a, w_v128 b) {       \
    s x = (s)a, y = (s)b, r = (s)((u)a - (u)b);                          \
    s over = ((x ^ y) & (x ^ r)) >> (bits - 1);                          \
    return W_SIMD_SEL(over, (x >> (bits - 1)) ^ max, r);                 \
  }                                                                      \
  static inline w_v128 w_##shape##_add_sat_u(w_v128 a, w_v128 b) {       \
    u r = (u)a + (u)b;                                                   \
    return (w_v128)(r | (u)(r < (u)a));                                  \
  }                                                                      \
  static inline w_v128 w_##shape##_sub_sat_u(w_v128 a, w_v128 b) {       \
    u r = (u)a - (u)b;                                                   \
    return (w_v128)(r & (u)((u)a >= (u)b));                              \
  }
W_SIMD_SAT(i8x16, w_u8x16, w_s8x16, 8, 0x7f)
W_SIMD_SAT(i16x8, w_u16x8, w_s16x8, 16, 0x7fff)
#undef W_SIMD_SAT
#endif

/* ---- min, max, avgr_u ---------------------------------------------------
 * SSE2 has min/max for u8 and s16 only; s8 is u8 with the sign bits
 * flipped, u16 a - (a -sat b) and b + (a -sat b); the rest compare and
 * select.  avgr_u is (a + b + 1) >> 1 without overflow, generically
 * (a | b) - ((a ^ b) >> 1). */

#define W_SIMD_MINMAX(shape, suffix, lanes)                              \
  static inline w_v128 w_##shape##_min_##suffix(w_v128 a, w_v128 b) {    \
    return W_SIMD_SEL((lanes)a < (lanes)b, a, b);                        \
  }                                                                      \
  static inline w_v128 w_##shape##_max_##suffix(w_v128 a, w_v128 b) {    \
    return W_SIMD_SEL((lanes)a > (lanes)b, a, b);                        \
  }
#define W_SIMD_AVGR(shape, lanes)                                        \
  static inline w_v128 w_##shape##_avgr_u(w_v128 a, w_v128 b) {          \
    lanes x = (lanes)a, y = (lanes)b;                                    \
    return (w_v128)((x | y) - ((x ^ y) >> 1));                           \
  }
#if W_SIMD_SSE2
static inline w_v128 w_i8x16_min_u(w_v128 a, w_v128 b) { return (w_v128)_mm_min_epu8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_max_u(w_v128 a, w_v128 b) { return (w_v128)_mm_max_epu8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_min_s(w_v128 a, w_v128 b) { return (w_v128)_mm_min_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_max_s(w_v128 a, w_v128 b) { return (w_v128)_mm_max_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_min_s(w_v128 a, w_v128 b) {
  __m128i bias = _mm_set1_epi8(-0x80);
  return (w_v128)_mm_xor_si128(_mm_min_epu8(_mm_xor_si128((__m128i)a, bias), _mm_xor_si128((__m128i)b, bias)), bias);
}
static inline w_v128 w_i8x16_max_s(w_v128 a, w_v128 b) {
  __m128i bias = _mm_set1_epi8(-0x80);
  return (w_v128)_mm_xor_si128(_mm_max_epu8(_mm_xor_si128((__m128i)a, bias), _mm_xor_si128((__m128i)b, bias)), bias);
}
static inline w_v128 w_i16x8_min_u(w_v128 a, w_v128 b) {
  return (w_v128)_mm_sub_epi16((__m128i)a, _mm_subs_epu16((__m128i)a, (__m128i)b));
}
static inline w_v128 w_i16x8_max_u(w_v128 a, w_v128 b) {
  return (w_v128)_mm_add_epi16((__m128i)b, _mm_subs_epu16((__m128i)a, (__m128i)b));
}
static inline w_v128 w_i8x16_avgr_u(w_v128 a, w_v128 b) { return (w_v128)_mm_avg_epu8((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_avgr_u(w_v128 a, w_v128 b) { return (w_v128)_mm_avg_epu16((__m128i)a, (__m128i)b); }
#else
W_SIMD_MINMAX(i8x16, s, w_s8x16)
W_SIMD_MINMAX(i8x16, u, w_u8x16)
W_SIMD_MINMAX(i16x8, s, w_s16x8)
W_SIMD_MINMAX(i16x8, u, w_u16x8)
W_SIMD_AVGR(i8x16, w_u8x16)
W_SIMD_AVGR(i16x8, w_u16x8)
#endif
W_SIMD_MINMAX(i32x4, s, w_s32x4)
W_SIMD_MINMAX(i32x4, u, w_u32x4)
#undef W_SIMD_AVGR
#undef W_SIMD_MINMAX

/* ---- shifts -------------------------------------------------------------
 * The count is taken modulo the lane width; shr_s is arithmetic. */

#define W_SIMD_SHIFTS(shape, u, s, bits)                                 \
  static inline w_v128 w_##shape##_shl(w_v128 a, uint32_t n) {           \
    return (w_v128)((u)a << (n & (bits - 1)));                           \
  }                                                                      \
  static inline w_v128 w_##shape##_shr_s(w_v128 a, uint32_t n) {         \
    return (w_v128)((s)a >> (n & (bits - 1)));                           \
  }                                                                      \
  static inline w_v128 w_##shape##_shr_u(w_v128 a, uint32_t n) {         \
    return (w_v128)((u)a >> (n & (bits - 1)));                           \
  }
W_SIMD_SHIFTS(i8x16, w_u8x16, w_s8x16, 8)
W_SIMD_SHIFTS(i16x8, w_u16x8, w_s16x8, 16)
W_SIMD_SHIFTS(i32x4, w_u32x4, w_s32x4, 32)
W_SIMD_SHIFTS(i64x2, w_u64x2, w_s64x2, 64)
#undef W_SIMD_SHIFTS

/* ---- narrow ---------------------------------------------------------------
 * Each wide lane of a, then of b, saturated to the narrow type: narrow_s to
 * its signed range, narrow_u (of signed inputs) to its unsigned range.
 * SSE2's packs; generically, clamped lanes and a shuffle of their low
 * halves. */

#if W_SIMD_SSE2
static inline w_v128 w_i8x16_narrow_i16x8_s(w_v128 a, w_v128 b) { return (w_v128)_mm_packs_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i8x16_narrow_i16x8_u(w_v128 a, w_v128 b) { return (w_v128)_mm_packus_epi16((__m128i)a, (__m128i)b); }
static inline w_v128 w_i16x8_narrow_i32x4_s(w_v128 a, w_v128 b) { return (w_v128)_mm_packs_epi32((__m128i)a, (__m128i)b); }
#else
/* The lanes of v clamped to [lo, hi]. */
static inline w_s16x8 w_simd_clamp16(w_v128 v, int16_t lo, int16_t hi) {
  w_s16x8 x = (w_s16x8)v, l = W_SPLAT8(lo), h = W_SPLAT8(hi);
  x = (w_s16x8)W_SIMD_SEL(x < l, l, x);
  return (w_s16x8)W_SIMD_SEL(x > h, h, x);
}
static inline w_s32x4 w_simd_clamp32(w_v128 v, int32_t lo, int32_t hi) {
  w_s32x4 x = (w_s32x4)v, l = W_SPLAT4(lo), h = W_SPLAT4(hi);
  x = (w_s32x4)W_SIMD_SEL(x < l, l, x);
  return (w_s32x4)W_SIMD_SEL(x > h, h, x);
}
static inline w_v128 w_i8x16_narrow_i16x8_s(w_v128 a, w_v128 b) {
  return (w_v128)W_SIMD_SHUFFLE(w_u8x16, w_simd_clamp16(a, -128, 127), w_simd_clamp16(b, -128, 127),
                                0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
static inline w_v128 w_i8x16_narrow_i16x8_u(w_v128 a, w_v128 b) {
  return (w_v128)W_SIMD_SHUFFLE(w_u8x16, w_simd_clamp16(a, 0, 255), w_simd_clamp16(b, 0, 255),
                                0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
static inline w_v128 w_i16x8_narrow_i32x4_s(w_v128 a, w_v128 b) {
  return (w_v128)W_SIMD_SHUFFLE(w_u16x8, w_simd_clamp32(a, -32768, 32767), w_simd_clamp32(b, -32768, 32767),
                                0, 2, 4, 6, 8, 10, 12, 14);
}
#endif
/* narrow_i32x4_u: SSE2 has no unsigned 32-to-16 pack.  Each lane is
 * clamped below at 0 (x & ~(x >> 31)), all of its low 16 bits are set if
 * it is above 65535, and those 16 bits, sign-extended, pack exactly. */
static inline w_s32x4 w_simd_low16_u(w_v128 v) {
  w_s32x4 x = (w_s32x4)v;
  x &= ~(x >> 31);
  x |= x > 65535;
  return (w_s32x4)((w_u32x4)x << 16) >> 16;
}
static inline w_v128 w_i16x8_narrow_i32x4_u(w_v128 a, w_v128 b) {
  return w_i16x8_narrow_i32x4_s((w_v128)w_simd_low16_u(a), (w_v128)w_simd_low16_u(b));
}

/* ---- extend ---------------------------------------------------------------
 * The low or high half's lanes, sign- or zero-extended to twice the width:
 * each lane interleaved with itself (punpckl/h on SSE2), the double-width
 * lanes then shifted down by the narrow width, arithmetically or not --
 * except 32 to 64 bits signed, interleaved with its sign (SSE2 has no
 * 64-bit arithmetic shift).  (An interleave with zeros would save the
 * shift, but gcc turns it into byte-by-byte code when it knows the
 * vector's upper half is zero, as in the extending loads.) */

/* Interleavings of the low or high halves of two vectors, by lane width. */
#define W_SIMD_LOW_8 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define W_SIMD_HIGH_8 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define W_SIMD_LOW_16 0, 8, 1, 9, 2, 10, 3, 11
#define W_SIMD_HIGH_16 4, 12, 5, 13, 6, 14, 7, 15
#define W_SIMD_LOW_32 0, 4, 1, 5
#define W_SIMD_HIGH_32 2, 6, 3, 7
/* extend_low/high_FROM_SUFFIX: lanes of type n interleaved with themselves,
 * then as the wide type w shifted down. */
#define W_SIMD_EXTEND(shape, from, suffix, n, w, bits)                   \
  static inline w_v128 w_##shape##_extend_low_##from##_##suffix(w_v128 a) { \
    return (w_v128)((w)W_SIMD_SHUFFLE(n, a, a, W_SIMD_LOW_##bits) >> bits); \
  }                                                                      \
  static inline w_v128 w_##shape##_extend_high_##from##_##suffix(w_v128 a) { \
    return (w_v128)((w)W_SIMD_SHUFFLE(n, a, a, W_SIMD_HIGH_##bits) >> bits); \
  }
W_SIMD_EXTEND(i16x8, i8x16, s, w_u8x16, w_s16x8, 8)
W_SIMD_EXTEND(i16x8, i8x16, u, w_u8x16, w_u16x8, 8)
W_SIMD_EXTEND(i32x4, i16x8, s, w_u16x8, w_s32x4, 16)
W_SIMD_EXTEND(i32x4, i16x8, u, w_u16x8, w_u32x4, 16)
W_SIMD_EXTEND(i64x2, i32x4, u, w_u32x4, w_u64x2, 32)
#undef W_SIMD_EXTEND
static inline w_v128 w_i64x2_extend_low_i32x4_s(w_v128 a) {
  return (w_v128)W_SIMD_SHUFFLE(w_s32x4, a, (w_s32x4)a >> 31, W_SIMD_LOW_32);
}
static inline w_v128 w_i64x2_extend_high_i32x4_s(w_v128 a) {
  return (w_v128)W_SIMD_SHUFFLE(w_s32x4, a, (w_s32x4)a >> 31, W_SIMD_HIGH_32);
}

/* v128.load8x8/16x4/32x2: 8 bytes, each half-width lane extended (memory
 * discipline as above: the 8 bytes are one load). */
static inline w_v128 w_v128_load8x8_s(uint8_t *base, uint64_t ea) { return w_i16x8_extend_low_i8x16_s(w_v128_load64_zero(base, ea)); }
static inline w_v128 w_v128_load8x8_u(uint8_t *base, uint64_t ea) { return w_i16x8_extend_low_i8x16_u(w_v128_load64_zero(base, ea)); }
static inline w_v128 w_v128_load16x4_s(uint8_t *base, uint64_t ea) { return w_i32x4_extend_low_i16x8_s(w_v128_load64_zero(base, ea)); }
static inline w_v128 w_v128_load16x4_u(uint8_t *base, uint64_t ea) { return w_i32x4_extend_low_i16x8_u(w_v128_load64_zero(base, ea)); }
static inline w_v128 w_v128_load32x2_s(uint8_t *base, uint64_t ea) { return w_i64x2_extend_low_i32x4_s(w_v128_load64_zero(base, ea)); }
static inline w_v128 w_v128_load32x2_u(uint8_t *base, uint64_t ea) { return w_i64x2_extend_low_i32x4_u(w_v128_load64_zero(base, ea)); }

/* ---- extmul -----------------------------------------------------------------
 * The full products of the low or high halves' lanes, extended: the
 * extended lanes multiplied in the wide type (no overflow: the product of
 * two n-bit numbers fits in 2n bits).  On SSE2, i32x4: the low and high
 * 16 bits of the 16x16 products (pmullw, pmulhw/pmulhuw), interleaved;
 * i64x2: pmuludq of the lanes moved to its even positions, and for signed
 * lanes the unsigned product less (a < 0 ? b : 0) + (b < 0 ? a : 0) in
 * the high half. */

#define W_SIMD_EXTMUL(shape, from, u)                                    \
  static inline w_v128 w_##shape##_extmul_low_##from##_s(w_v128 a, w_v128 b) { \
    return (w_v128)((u)w_##shape##_extend_low_##from##_s(a) * (u)w_##shape##_extend_low_##from##_s(b)); \
  }                                                                      \
  static inline w_v128 w_##shape##_extmul_high_##from##_s(w_v128 a, w_v128 b) { \
    return (w_v128)((u)w_##shape##_extend_high_##from##_s(a) * (u)w_##shape##_extend_high_##from##_s(b)); \
  }                                                                      \
  static inline w_v128 w_##shape##_extmul_low_##from##_u(w_v128 a, w_v128 b) { \
    return (w_v128)((u)w_##shape##_extend_low_##from##_u(a) * (u)w_##shape##_extend_low_##from##_u(b)); \
  }                                                                      \
  static inline w_v128 w_##shape##_extmul_high_##from##_u(w_v128 a, w_v128 b) { \
    return (w_v128)((u)w_##shape##_extend_high_##from##_u(a) * (u)w_##shape##_extend_high_##from##_u(b)); \
  }
W_SIMD_EXTMUL(i16x8, i8x16, w_u16x8)
#if W_SIMD_SSE2
static inline w_v128 w_simd_mul_i32x2_s(__m128i x, __m128i y) { /* lanes 0 and 2 */
  __m128i p = _mm_mul_epu32(x, y);
  __m128i fix = _mm_add_epi32(_mm_and_si128(_mm_srai_epi32(x, 31), y), _mm_and_si128(_mm_srai_epi32(y, 31), x));
  return (w_v128)_mm_sub_epi64(p, _mm_slli_epi64(fix, 32));
}
static inline w_v128 w_i64x2_extmul_low_i32x4_s(w_v128 a, w_v128 b) {
  return w_simd_mul_i32x2_s(_mm_unpacklo_epi32((__m128i)a, (__m128i)a), _mm_unpacklo_epi32((__m128i)b, (__m128i)b));
}
static inline w_v128 w_i64x2_extmul_high_i32x4_s(w_v128 a, w_v128 b) {
  return w_simd_mul_i32x2_s(_mm_unpackhi_epi32((__m128i)a, (__m128i)a), _mm_unpackhi_epi32((__m128i)b, (__m128i)b));
}
static inline w_v128 w_i64x2_extmul_low_i32x4_u(w_v128 a, w_v128 b) {
  return (w_v128)_mm_mul_epu32(_mm_unpacklo_epi32((__m128i)a, (__m128i)a), _mm_unpacklo_epi32((__m128i)b, (__m128i)b));
}
static inline w_v128 w_i64x2_extmul_high_i32x4_u(w_v128 a, w_v128 b) {
  return (w_v128)_mm_mul_epu32(_mm_unpackhi_epi32((__m128i)a, (__m128i)a), _mm_unpackhi_epi32((__m128i)b, (__m128i)b));
}
static inline w_v128 w_i32x4_extmul_low_i16x8_s(w_v128 a, w_v128 b) {
  __m128i lo = _mm_mullo_epi16((__m128i)a, (__m128i)b), hi = _mm_mulhi_epi16((__m128i)a, (__m128i)b);
  return (w_v128)_mm_unpacklo_epi16(lo, hi);
}
static inline w_v128 w_i32x4_extmul_high_i16x8_s(w_v128 a, w_v128 b) {
  __m128i lo = _mm_mullo_epi16((__m128i)a, (__m128i)b), hi = _mm_mulhi_epi16((__m128i)a, (__m128i)b);
  return (w_v128)_mm_unpackhi_epi16(lo, hi);
}
static inline w_v128 w_i32x4_extmul_low_i16x8_u(w_v128 a, w_v128 b) {
  __m128i lo = _mm_mullo_epi16((__m128i)a, (__m128i)b), hi = _mm_mulhi_epu16((__m128i)a, (__m128i)b);
  return (w_v128)_mm_unpacklo_epi16(lo, hi);
}
static inline w_v128 w_i32x4_extmul_high_i16x8_u(w_v128 a, w_v128 b) {
  __m128i lo = _mm_mullo_epi16((__m128i)a, (__m128i)b), hi = _mm_mulhi_epu16((__m128i)a, (__m128i)b);
  return (w_v128)_mm_unpackhi_epi16(lo, hi);
}
#else
W_SIMD_EXTMUL(i32x4, i16x8, w_u32x4)
W_SIMD_EXTMUL(i64x2, i32x4, w_u64x2)
#endif
#undef W_SIMD_EXTMUL

/* ---- extadd_pairwise, dot ---------------------------------------------------
 * extadd_pairwise: each pair of adjacent lanes, extended and added (even
 * lanes: shifted up and back down; odd lanes: shifted down).  dot: the
 * products of adjacent signed 16-bit lanes, added in 32 bits (wrapping:
 * only -32768 * -32768 * 2 overflows, to INT32_MIN). */

static inline w_v128 w_i16x8_extadd_pairwise_i8x16_s(w_v128 a) {
  w_s16x8 x = (w_s16x8)a;
  return (w_v128)((w_u16x8)((w_s16x8)(x << 8) >> 8) + (w_u16x8)(x >> 8));
}
static inline w_v128 w_i16x8_extadd_pairwise_i8x16_u(w_v128 a) {
  w_u16x8 x = (w_u16x8)a;
  return (w_v128)((x & 0xff) + (x >> 8));
}
static inline w_v128 w_i32x4_extadd_pairwise_i16x8_s(w_v128 a) {
  w_s32x4 x = (w_s32x4)a;
  return (w_v128)((w_u32x4)((w_s32x4)(x << 16) >> 16) + (w_u32x4)(x >> 16));
}
static inline w_v128 w_i32x4_extadd_pairwise_i16x8_u(w_v128 a) {
  w_u32x4 x = (w_u32x4)a;
  return (w_v128)((x & 0xffff) + (x >> 16));
}

static inline w_v128 w_i32x4_dot_i16x8_s(w_v128 a, w_v128 b) {
#if W_SIMD_SSE2
  return (w_v128)_mm_madd_epi16((__m128i)a, (__m128i)b);
#else
  w_s32x4 x = (w_s32x4)a, y = (w_s32x4)b;
  w_s32x4 even = ((w_s32x4)(x << 16) >> 16) * ((w_s32x4)(y << 16) >> 16);
  w_s32x4 odd = (x >> 16) * (y >> 16);
  return (w_v128)((w_u32x4)even + (w_u32x4)odd);
#endif
}

/* ---- q15mulr_sat_s -------------------------------------------------------
 * (a * b + 0x4000) >> 15, arithmetic, saturated: only -32768 * -32768
 * overflows (to 0x8000, which no other product gives), saturated to 0x7fff.
 * SSE2: from the product's high and low halves, (hi << 1) + ((lo >> 14) +
 * 1 >> 1).  Generic: in 32-bit lanes, even and odd lanes apart. */

static inline w_v128 w_i16x8_q15mulr_sat_s(w_v128 a, w_v128 b) {
#if W_SIMD_SSE2
  __m128i hi = _mm_mulhi_epi16((__m128i)a, (__m128i)b), lo = _mm_mullo_epi16((__m128i)a, (__m128i)b);
  __m128i round = _mm_srli_epi16(_mm_add_epi16(_mm_srli_epi16(lo, 14), _mm_set1_epi16(1)), 1);
  __m128i r = _mm_add_epi16(_mm_slli_epi16(hi, 1), round);
  return (w_v128)_mm_xor_si128(r, _mm_cmpeq_epi16(r, _mm_set1_epi16(-0x8000)));
#else
  w_s32x4 x = (w_s32x4)a, y = (w_s32x4)b;
  w_s32x4 even = (((w_s32x4)(x << 16) >> 16) * ((w_s32x4)(y << 16) >> 16) + 0x4000) >> 15;
  w_s32x4 odd = ((x >> 16) * (y >> 16) + 0x4000) >> 15;
  w_s32x4 max = W_SPLAT4(0x7fff);
  even = (w_s32x4)W_SIMD_SEL(even > max, max, even);
  odd = (w_s32x4)W_SIMD_SEL(odd > max, max, odd);
  return (w_v128)(((w_u32x4)even & 0xffff) | ((w_u32x4)odd << 16));
#endif
}

/* ---- float arithmetic -----------------------------------------------------
 * add, sub, mul, div, sqrt are the IEEE operations (the hardware's, which
 * quiet a NaN, and make the canonical NaN from non-NaN operands).  neg and
 * abs flip or clear the sign bit only. */

#define W_SIMD_FARITH(shape, f, u, sign)                                 \
  static inline w_v128 w_##shape##_add(w_v128 a, w_v128 b) { return (w_v128)((f)a + (f)b); } \
  static inline w_v128 w_##shape##_sub(w_v128 a, w_v128 b) { return (w_v128)((f)a - (f)b); } \
  static inline w_v128 w_##shape##_mul(w_v128 a, w_v128 b) { return (w_v128)((f)a * (f)b); } \
  static inline w_v128 w_##shape##_div(w_v128 a, w_v128 b) { return (w_v128)((f)a / (f)b); } \
  static inline w_v128 w_##shape##_neg(w_v128 a) { return (w_v128)((u)a ^ sign); } \
  static inline w_v128 w_##shape##_abs(w_v128 a) { return (w_v128)((u)a & ~sign); }
W_SIMD_FARITH(f32x4, w_f32x4, w_u32x4, 0x80000000u)
W_SIMD_FARITH(f64x2, w_f64x2, w_u64x2, 0x8000000000000000u)
#undef W_SIMD_FARITH

static inline w_v128 w_f32x4_sqrt(w_v128 a) {
#if W_SIMD_SSE2
  return (w_v128)_mm_sqrt_ps((__m128)a);
#else
  w_f32x4 x = (w_f32x4)a;
  for (int i = 0; i < 4; i++) x[i] = __builtin_sqrtf(x[i]);
  return (w_v128)x;
#endif
}
static inline w_v128 w_f64x2_sqrt(w_v128 a) {
#if W_SIMD_SSE2
  return (w_v128)_mm_sqrt_pd((__m128d)a);
#else
  w_f64x2 x = (w_f64x2)a;
  for (int i = 0; i < 2; i++) x[i] = __builtin_sqrt(x[i]);
  return (w_v128)x;
#endif
}

/* ---- float min, max, pmin, pmax -------------------------------------------
 * min/max: NaN if either operand is NaN; -0 < +0.  SSE2: minps(a, b) is
 * `a < b ? a : b`; taken both ways round, the two agree unless the lanes
 * are equal (a +0/-0 pair: OR of the two gives -0, AND gives +0) or
 * unordered, where the lane is `a + b`: a NaN operand quieted, as the
 * scalar f32.min does (and as wasmtime answers).  Generic: the same by
 * comparisons.
 * pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a: plain
 * comparisons, NaN or the first of equal operands passes through as is. */

#if W_SIMD_SSE2
/* `pick` (min or max) both ways round, merged by `merge` (or: -0 wins;
 * and: +0 wins); unordered lanes take x + y.  `sfx` is ps or pd. */
#define W_SIMD_SSE2_FMINMAX(name, vec, sfx, pick, merge)                 \
  static inline w_v128 name(w_v128 a, w_v128 b) {                        \
    vec x = (vec)a, y = (vec)b;                                          \
    vec r = _mm_##merge##_##sfx(_mm_##pick##_##sfx(x, y), _mm_##pick##_##sfx(y, x)); \
    vec un = _mm_cmpunord_##sfx(x, y);                                   \
    return (w_v128)_mm_or_##sfx(_mm_andnot_##sfx(un, r), _mm_and_##sfx(un, _mm_add_##sfx(x, y))); \
  }
W_SIMD_SSE2_FMINMAX(w_f32x4_min, __m128, ps, min, or)
W_SIMD_SSE2_FMINMAX(w_f32x4_max, __m128, ps, max, and)
W_SIMD_SSE2_FMINMAX(w_f64x2_min, __m128d, pd, min, or)
W_SIMD_SSE2_FMINMAX(w_f64x2_max, __m128d, pd, max, and)
#undef W_SIMD_SSE2_FMINMAX
static inline w_v128 w_f32x4_pmin(w_v128 a, w_v128 b) { return (w_v128)_mm_min_ps((__m128)b, (__m128)a); }
static inline w_v128 w_f32x4_pmax(w_v128 a, w_v128 b) { return (w_v128)_mm_max_ps((__m128)b, (__m128)a); }
static inline w_v128 w_f64x2_pmin(w_v128 a, w_v128 b) { return (w_v128)_mm_min_pd((__m128d)b, (__m128d)a); }
static inline w_v128 w_f64x2_pmax(w_v128 a, w_v128 b) { return (w_v128)_mm_max_pd((__m128d)b, (__m128d)a); }
#else
#define W_SIMD_FMINMAX(shape, f)                                         \
  static inline w_v128 w_##shape##_min(w_v128 a, w_v128 b) {             \
    f x = (f)a, y = (f)b;                                                \
    w_v128 r = W_SIMD_SEL(x < y, x, W_SIMD_SEL(y < x, y, (w_v128)x | (w_v128)y)); \
    return W_SIMD_SEL((x == x) & (y == y), r, x + y);                    \
  }                                                                      \
  static inline w_v128 w_##shape##_max(w_v128 a, w_v128 b) {             \
    f x = (f)a, y = (f)b;                                                \
    w_v128 r = W_SIMD_SEL(x > y, x, W_SIMD_SEL(y > x, y, (w_v128)x & (w_v128)y)); \
    return W_SIMD_SEL((x == x) & (y == y), r, x + y);                    \
  }                                                                      \
  static inline w_v128 w_##shape##_pmin(w_v128 a, w_v128 b) {            \
    return W_SIMD_SEL((f)b < (f)a, b, a);                                \
  }                                                                      \
  static inline w_v128 w_##shape##_pmax(w_v128 a, w_v128 b) {            \
    return W_SIMD_SEL((f)a < (f)b, b, a);                                \
  }
W_SIMD_FMINMAX(f32x4, w_f32x4)
W_SIMD_FMINMAX(f64x2, w_f64x2)
#undef W_SIMD_FMINMAX
#endif

/* ---- ceil, floor, trunc, nearest --------------------------------------------
 * SSE2 has no rounding instruction.  For |x| < 2^23 (f32; 2^52 for f64),
 * (|x| + 2^23) - 2^23 is |x| rounded to an integer, half to even (the
 * default rounding mode), and with x's sign put back, nearest(x); floor
 * and ceil are one less or one more where that went the wrong way, trunc
 * is floor of |x|.  Every result gets x's sign again (nearest(-0.4),
 * ceil(-0.5) and trunc(-0.5) are -0; ceil(-0.7) computed as -1 + 1 too).
 * Beyond 2^23, x is an integer already, infinite or NaN: x + 0 (which
 * quiets a NaN). */

#define W_SIMD_ROUND_NEAREST 0
#define W_SIMD_ROUND_TRUNC 1
#define W_SIMD_ROUND_FLOOR 2
#define W_SIMD_ROUND_CEIL 3
#define W_SIMD_ROUND(name, f, u, sign, big)                              \
  static inline w_v128 name(w_v128 a, int mode) {                        \
    f x = (f)a, ax = (f)((u)a & ~sign), m = (f){} + big, one = (f){} + 1.0f; \
    u s = (u)a & sign;                                                   \
    f r = (ax + m) - m;                                                  \
    if (mode == W_SIMD_ROUND_TRUNC) r = r - (f)((u)(r > ax) & (u)one);   \
    r = (f)((u)r | s);                                                   \
    if (mode == W_SIMD_ROUND_FLOOR) r = (f)((u)(r - (f)((u)(r > x) & (u)one)) | s); \
    if (mode == W_SIMD_ROUND_CEIL) r = (f)((u)(r + (f)((u)(r < x) & (u)one)) | s); \
    return W_SIMD_SEL(ax < m, r, x + (f){});                             \
  }
W_SIMD_ROUND(w_simd_round_f32x4, w_f32x4, w_u32x4, 0x80000000u, 8388608.0f)
W_SIMD_ROUND(w_simd_round_f64x2, w_f64x2, w_u64x2, 0x8000000000000000u, 4503599627370496.0)
#undef W_SIMD_ROUND

static inline w_v128 w_f32x4_ceil(w_v128 a) { return w_simd_round_f32x4(a, W_SIMD_ROUND_CEIL); }
static inline w_v128 w_f32x4_floor(w_v128 a) { return w_simd_round_f32x4(a, W_SIMD_ROUND_FLOOR); }
static inline w_v128 w_f32x4_trunc(w_v128 a) { return w_simd_round_f32x4(a, W_SIMD_ROUND_TRUNC); }
static inline w_v128 w_f32x4_nearest(w_v128 a) { return w_simd_round_f32x4(a, W_SIMD_ROUND_NEAREST); }
static inline w_v128 w_f64x2_ceil(w_v128 a) { return w_simd_round_f64x2(a, W_SIMD_ROUND_CEIL); }
static inline w_v128 w_f64x2_floor(w_v128 a) { return w_simd_round_f64x2(a, W_SIMD_ROUND_FLOOR); }
static inline w_v128 w_f64x2_trunc(w_v128 a) { return w_simd_round_f64x2(a, W_SIMD_ROUND_TRUNC); }
static inline w_v128 w_f64x2_nearest(w_v128 a) { return w_simd_round_f64x2(a, W_SIMD_ROUND_NEAREST); }

/* ---- conversions ------------------------------------------------------------ */

/* int to float: correctly rounded (gcc converts unsigned lanes exactly as
 * hi * 65536 + lo, one rounding).  convert_low to f64 is exact:
 * unsigned as the double 2^52 + x (its bits are 0x43300000:x) minus 2^52. */
static inline w_v128 w_f32x4_convert_i32x4_s(w_v128 a) { return (w_v128)__builtin_convertvector((w_s32x4)a, w_f32x4); }
static inline w_v128 w_f32x4_convert_i32x4_u(w_v128 a) { return (w_v128)__builtin_convertvector((w_u32x4)a, w_f32x4); }
static inline w_v128 w_f64x2_convert_low_i32x4_s(w_v128 a) {
#if W_SIMD_SSE2
  return (w_v128)_mm_cvtepi32_pd((__m128i)a);
#else
  w_s32x4 x = (w_s32x4)a;
  return (w_v128)__builtin_convertvector((w_s32x2){x[0], x[1]}, w_f64x2);
#endif
}
static inline w_v128 w_f64x2_convert_low_i32x4_u(w_v128 a) {
  w_u32x4 x = (w_u32x4)W_SIMD_SHUFFLE(w_u32x4, a, (w_u32x4)W_SPLAT4(0x43300000u), 0, 4, 1, 5);
  return (w_v128)((w_f64x2)x - 4503599627370496.0);
}

/* demote: f64 lanes rounded to f32 in lanes 0 and 1, lanes 2 and 3 zero.
 * promote_low: f32 lanes 0 and 1 to f64 (exact).  A NaN comes out quiet:
 * the operand is opaque because gcc, converting a constant signalling NaN
 * at compile time, keeps it signalling (and would fold demote(promote(x))
 * to x). */
static inline w_v128 w_f32x4_demote_f64x2_zero(w_v128 a) {
  w_f64x2 x = (w_f64x2)a;
  W_SIMD_OPAQUE(x);
  w_f32x2 r = __builtin_convertvector(x, w_f32x2);
  return (w_v128)(w_f32x4){r[0], r[1], 0, 0};
}
static inline w_v128 w_f64x2_promote_low_f32x4(w_v128 a) {
  w_f32x4 x = (w_f32x4)a;
  W_SIMD_OPAQUE(x);
  return (w_v128)__builtin_convertvector((w_f32x2){x[0], x[1]}, w_f64x2);
}

/* trunc_sat: toward zero, NaN to 0, out of range to the nearest bound.
 * Only in-range values are converted -- the C conversion is undefined out
 * of range, and gcc folds cvttps2dq of a constant differently from the
 * hardware -- so lanes are clamped first.  Signed f32: to [-2^31, the
 * largest float below 2^31 = 0x7fffff80], then 0x7f or'ed in where x was
 * >= 2^31.  Unsigned f32: lanes >= 2^31 are converted less 2^31 (exactly),
 * then the top bit set.  f64: clamped in double, where both bounds are
 * exact. */
static inline w_v128 w_i32x4_trunc_sat_f32x4_s(w_v128 a) {
  w_f32x4 x = (w_f32x4)a, lo = W_SPLAT4(-2147483648.0f), hi = W_SPLAT4(2147483520.0f);
  w_s32x4 too_big = x > hi, not_nan = x == x;
#if W_SIMD_SSE2
  x = (w_f32x4)_mm_max_ps(_mm_min_ps((__m128)x, (__m128)hi), (__m128)lo); /* NaN: hi */
#else
  x = (w_f32x4)W_SIMD_SEL(not_nan, x, (w_f32x4){0});
  x = (w_f32x4)W_SIMD_SEL(x < lo, lo, x);
  x = (w_f32x4)W_SIMD_SEL(x > hi, hi, x);
#endif
  w_s32x4 r = __builtin_convertvector(x, w_s32x4) | (too_big & 0x7f);
  return (w_v128)(r & not_nan);
}
static inline w_v128 w_i32x4_trunc_sat_f32x4_u(w_v128 a) {
  w_f32x4 x = (w_f32x4)a, two31 = W_SPLAT4(2147483648.0f);
  x = (w_f32x4)W_SIMD_SEL(x > 0, x, (w_f32x4){0}); /* NaN, negative: 0 */
  w_u32x4 too_big = (w_u32x4)(x >= 4294967296.0f);
  w_u32x4 high = (w_u32x4)(x >= two31);
  x = x - (w_f32x4)(high & (w_u32x4)two31);        /* now < 2^31 unless too big */
  x = (w_f32x4)W_SIMD_SEL(too_big, (w_f32x4){0}, x);
  w_u32x4 r = (w_u32x4)__builtin_convertvector(x, w_s32x4);
  return (w_v128)(r | (high & 0x80000000u) | too_big);
}
static inline w_v128 w_i32x4_trunc_sat_f64x2_s_zero(w_v128 a) {
  w_f64x2 x = (w_f64x2)a, lo = W_SPLAT2(-2147483648.0), hi = W_SPLAT2(2147483647.0);
  x = (w_f64x2)W_SIMD_SEL(x == x, x, (w_f64x2){0});
  x = (w_f64x2)W_SIMD_SEL(x < lo, lo, x);
  x = (w_f64x2)W_SIMD_SEL(x > hi, hi, x);
#if W_SIMD_SSE2
  return (w_v128)_mm_cvttpd_epi32((__m128d)x);
#else
  w_s32x2 r = __builtin_convertvector(x, w_s32x2);
  return (w_v128)(w_s32x4){r[0], r[1], 0, 0};
#endif
}
static inline w_v128 w_i32x4_trunc_sat_f64x2_u_zero(w_v128 a) {
  w_f64x2 x = (w_f64x2)a, hi = W_SPLAT2(4294967295.0);
  x = (w_f64x2)W_SIMD_SEL(x > 0, x, (w_f64x2){0}); /* NaN, negative: 0 */
  x = (w_f64x2)W_SIMD_SEL(x > hi, hi, x);
  w_s64x2 r = __builtin_convertvector(x, w_s64x2);   /* in range of int64 */
  return (w_v128)(w_u32x4){(uint32_t)r[0], (uint32_t)r[1], 0, 0};
}

/* ---- relaxed SIMD ------------------------------------------------------------
 * One deterministic choice each (see the comment at the top). */

static inline w_v128 w_i8x16_relaxed_swizzle(w_v128 a, w_v128 s) { return w_i8x16_swizzle(a, s); }
static inline w_v128 w_i32x4_relaxed_trunc_f32x4_s(w_v128 a) { return w_i32x4_trunc_sat_f32x4_s(a); }
static inline w_v128 w_i32x4_relaxed_trunc_f32x4_u(w_v128 a) { return w_i32x4_trunc_sat_f32x4_u(a); }
static inline w_v128 w_i32x4_relaxed_trunc_f64x2_s_zero(w_v128 a) { return w_i32x4_trunc_sat_f64x2_s_zero(a); }
static inline w_v128 w_i32x4_relaxed_trunc_f64x2_u_zero(w_v128 a) { return w_i32x4_trunc_sat_f64x2_u_zero(a); }

/* madd, nmadd: two roundings (generated code is compiled with
 * -ffp-contract=off, so the compiler does not fuse them either). */
static inline w_v128 w_f32x4_relaxed_madd(w_v128 a, w_v128 b, w_v128 c) {
  return (w_v128)((w_f32x4)a * (w_f32x4)b + (w_f32x4)c);
}
static inline w_v128 w_f32x4_relaxed_nmadd(w_v128 a, w_v128 b, w_v128 c) {
  return (w_v128)(-((w_f32x4)a * (w_f32x4)b) + (w_f32x4)c);
}
static inline w_v128 w_f64x2_relaxed_madd(w_v128 a, w_v128 b, w_v128 c) {
  return (w_v128)((w_f64x2)a * (w_f64x2)b + (w_f64x2)c);
}
static inline w_v128 w_f64x2_relaxed_nmadd(w_v128 a, w_v128 b, w_v128 c) {
  return (w_v128)(-((w_f64x2)a * (w_f64x2)b) + (w_f64x2)c);
}

static inline w_v128 w_i8x16_relaxed_laneselect(w_v128 a, w_v128 b, w_v128 m) { return w_v128_bitselect(a, b, m); }
static inline w_v128 w_i16x8_relaxed_laneselect(w_v128 a, w_v128 b, w_v128 m) { return w_v128_bitselect(a, b, m); }
static inline w_v128 w_i32x4_relaxed_laneselect(w_v128 a, w_v128 b, w_v128 m) { return w_v128_bitselect(a, b, m); }
static inline w_v128 w_i64x2_relaxed_laneselect(w_v128 a, w_v128 b, w_v128 m) { return w_v128_bitselect(a, b, m); }

static inline w_v128 w_f32x4_relaxed_min(w_v128 a, w_v128 b) { return w_f32x4_min(a, b); }
static inline w_v128 w_f32x4_relaxed_max(w_v128 a, w_v128 b) { return w_f32x4_max(a, b); }
static inline w_v128 w_f64x2_relaxed_min(w_v128 a, w_v128 b) { return w_f64x2_min(a, b); }
static inline w_v128 w_f64x2_relaxed_max(w_v128 a, w_v128 b) { return w_f64x2_max(a, b); }

static inline w_v128 w_i16x8_relaxed_q15mulr_s(w_v128 a, w_v128 b) { return w_i16x8_q15mulr_sat_s(a, b); }

/* relaxed_dot: signed bytes times signed bytes, adjacent products added
 * with 16-bit signed saturation; the _add form then adds adjacent 16-bit
 * sums (extended) and c's lanes, wrapping. */
static inline w_v128 w_i16x8_relaxed_dot_i8x16_i7x16_s(w_v128 a, w_v128 b) {
  w_s16x8 x = (w_s16x8)a, y = (w_s16x8)b;
  w_u16x8 even = (w_u16x8)((w_s16x8)(x << 8) >> 8) * (w_u16x8)((w_s16x8)(y << 8) >> 8);
  w_u16x8 odd = (w_u16x8)(x >> 8) * (w_u16x8)(y >> 8);
  return w_i16x8_add_sat_s((w_v128)even, (w_v128)odd);
}
static inline w_v128 w_i32x4_relaxed_dot_i8x16_i7x16_add_s(w_v128 a, w_v128 b, w_v128 c) {
  w_v128 d = w_i32x4_extadd_pairwise_i16x8_s(w_i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
  return (w_v128)((w_u32x4)d + (w_u32x4)c);
}

#endif
