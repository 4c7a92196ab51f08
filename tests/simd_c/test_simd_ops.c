/* test_simd_ops.c -- checks runtime/wastrel_simd.h on its own, standing in
 * for generated code (tests/test_simd_runtime.py builds and runs it).
 *
 * Three kinds of check:
 *   - hand: chosen operands with results worked out by hand (saturation,
 *     INT_MIN, NaN, -0, ties, conversion bounds, out-of-range indices);
 *   - model: every lanewise instruction against a scalar model of it, lane
 *     by lane (floats through wastrel_ops.h's scalar operations where there
 *     is one), on operands mixing edge values and random bits;
 *   - memory: every load and store at every alignment, and the faults of
 *     an access that reaches one byte into a guard page -- also when the
 *     loaded value is unused (precise traps).
 * Prints each failure and a summary; exits 1 if anything failed. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wastrel.h"

typedef union lanes {
  w_v128 v;
  uint8_t u8[16];
  int8_t s8[16];
  uint16_t u16[8];
  int16_t s16[8];
  uint32_t u32[4];
  int32_t s32[4];
  uint64_t u64[2];
  int64_t s64[2];
  float f32[4];
  double f64[2];
} lanes;

static long checks, failures;

static void show(const char *label, w_v128 v) {
  lanes l = {v};
  printf("  %s %016llx%016llx\n", label, (unsigned long long)l.u64[1], (unsigned long long)l.u64[0]);
}

static void fail_v(const char *what, int line, w_v128 got, w_v128 want, const w_v128 *in, int n_in) {
  failures++;
  if (failures > 60) return;
  printf("FAIL %s (line %d)\n", what, line);
  for (int i = 0; i < n_in; i++) show("in  ", in[i]);
  show("got ", got);
  show("want", want);
}

/* ---- float lane comparison ---------------------------------------------
 * Where the wanted lane is a NaN, any quiet NaN will do -- a canonical one
 * (either sign) if every NaN among the inputs' same lanes is canonical;
 * elsewhere the bits must be equal. */

static int f32_is_nan(uint32_t b) { return (b & 0x7fffffffu) > 0x7f800000u; }
static int f64_is_nan(uint64_t b) { return (b & 0x7fffffffffffffffu) > 0x7ff0000000000000u; }
static int f32_quiet(uint32_t b) { return f32_is_nan(b) && (b & 0x00400000u); }
static int f64_quiet(uint64_t b) { return f64_is_nan(b) && (b & 0x0008000000000000u); }
static int f32_canon(uint32_t b) { return (b & 0x7fffffffu) == 0x7fc00000u; }
static int f64_canon(uint64_t b) { return (b & 0x7fffffffffffffffu) == 0x7ff8000000000000u; }

static int f32_lane_ok(uint32_t got, uint32_t want, int canon) {
  if (!f32_is_nan(want)) return got == want;
  return f32_quiet(got) && (!canon || f32_canon(got));
}
static int f64_lane_ok(uint64_t got, uint64_t want, int canon) {
  if (!f64_is_nan(want)) return got == want;
  return f64_quiet(got) && (!canon || f64_canon(got));
}

enum cmp { EXACT, F32, F64 };

/* Compares got with want; for F32/F64 the inputs decide where a canonical
 * NaN is required (their lane i for result lane i) -- without inputs, the
 * wanted lane does: a canonical NaN there requires one. */
static void compare(const char *what, int line, enum cmp how, w_v128 got, w_v128 want, const w_v128 *in, int n_in) {
  lanes g = {got}, w = {want};
  int ok = 1;
  checks++;
  if (how == EXACT) {
    ok = g.u64[0] == w.u64[0] && g.u64[1] == w.u64[1];
  } else if (how == F32) {
    for (int i = 0; i < 4; i++) {
      int canon = n_in ? 1 : f32_canon(w.u32[i]);
      for (int k = 0; k < n_in; k++) {
        lanes x = {in[k]};
        if (f32_is_nan(x.u32[i]) && !f32_canon(x.u32[i])) canon = 0;
      }
      ok &= f32_lane_ok(g.u32[i], w.u32[i], canon);
    }
  } else {
    for (int i = 0; i < 2; i++) {
      int canon = n_in ? 1 : f64_canon(w.u64[i]);
      for (int k = 0; k < n_in; k++) {
        lanes x = {in[k]};
        if (f64_is_nan(x.u64[i]) && !f64_canon(x.u64[i])) canon = 0;
      }
      ok &= f64_lane_ok(g.u64[i], w.u64[i], canon);
    }
  }
  if (!ok) fail_v(what, line, got, want, in, n_in);
}

static void check_u32(const char *what, int line, uint64_t got, uint64_t want) {
  checks++;
  if (got != want) {
    failures++;
    if (failures <= 60)
      printf("FAIL %s (line %d): got 0x%llx, want 0x%llx\n", what, line, (unsigned long long)got,
             (unsigned long long)want);
  }
}

/* Vector literals, lane 0 first. */
#define I8(...) ((w_v128)(w_s8x16){__VA_ARGS__})
#define I16(...) ((w_v128)(w_s16x8){__VA_ARGS__})
#define I32(...) ((w_v128)(w_s32x4){__VA_ARGS__})
#define I64(...) ((w_v128)(w_s64x2){__VA_ARGS__})
#define F32(...) ((w_v128)(w_f32x4){__VA_ARGS__})
#define F64(...) ((w_v128)(w_f64x2){__VA_ARGS__})
#define U32B(...) ((w_v128)(w_u32x4){__VA_ARGS__}) /* f32 lanes as bits */
#define U64B(...) ((w_v128)(w_u64x2){__VA_ARGS__}) /* f64 lanes as bits */

#define EQ(expr, want) compare(#expr, __LINE__, EXACT, (expr), (want), NULL, 0)
#define EQF32(expr, want) compare(#expr, __LINE__, F32, (expr), (want), NULL, 0)
#define EQF64(expr, want) compare(#expr, __LINE__, F64, (expr), (want), NULL, 0)
#define EQI(expr, want) check_u32(#expr, __LINE__, (expr), (want))

/* Bits of a float or double. */
static uint32_t fb(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }
static uint64_t db(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
static float bf(uint32_t b) { float x; memcpy(&x, &b, 4); return x; }
static double bd(uint64_t b) { double x; memcpy(&x, &b, 8); return x; }

/* In a wanted lane without inputs to compare: NAN32/NAN64 ask for a
 * canonical NaN, QNAN32/QNAN64 for any quiet NaN. */
#define NAN32 0x7fc00000u
#define NAN64 0x7ff8000000000000u
#define QNAN32 0x7fc00001u
#define QNAN64 0x7ff8000000000001u
#define SNAN32 0x7f800001u
#define SNAN64 0x7ff0000000000001u

/* A global v128 initialised with W_V128 (must compile as a constant). */
static w_v128 g_const = W_V128(0x0706050403020100u, 0xf0e0d0c0b0a09080u);
w_v128 g_array[2] = {W_V128(1, 2), W_V128(0xffffffffffffffffu, 0)};

/* =========================================================================
 * hand-computed cases
 * ========================================================================= */

static void hand(void) {
  /* constants and lanes */
  {
    lanes l = {g_const};
    check_u32("W_V128 lo", __LINE__, l.u64[0], 0x0706050403020100u);
    check_u32("W_V128 hi", __LINE__, l.u64[1], 0xf0e0d0c0b0a09080u);
    EQ(g_array[1], I32(-1, -1, 0, 0));
    EQI(w_i8x16_extract_lane_s(g_const, 15), 0xfffffff0u);
    EQI(w_i8x16_extract_lane_u(g_const, 15), 0xf0u);
    EQI(w_i8x16_extract_lane_u(g_const, 3), 3);
    EQI(w_i16x8_extract_lane_s(g_const, 7), 0xfffff0e0u);
    EQI(w_i16x8_extract_lane_u(g_const, 7), 0xf0e0u);
    EQI(w_i32x4_extract_lane(g_const, 1), 0x07060504u);
    EQI(w_i64x2_extract_lane(g_const, 1), 0xf0e0d0c0b0a09080u);
    EQI(fb(w_f32x4_extract_lane(U32B(0, 0, SNAN32, 0), 2)), SNAN32); /* payload kept */
    EQI(db(w_f64x2_extract_lane(U64B(0, SNAN64), 1)), SNAN64);
    EQ(w_i8x16_replace_lane(g_const, 0x1ff, 15), W_V128(0x0706050403020100u, 0xffe0d0c0b0a09080u));
    EQ(w_i16x8_replace_lane(g_const, 0xabcd1234u, 0), W_V128(0x0706050403021234u, 0xf0e0d0c0b0a09080u));
    EQ(w_i32x4_replace_lane(g_const, 0xdeadbeefu, 3), W_V128(0x0706050403020100u, 0xdeadbeefb0a09080u));
    EQ(w_i64x2_replace_lane(g_const, 42, 0), W_V128(42, 0xf0e0d0c0b0a09080u));
    EQ(w_f32x4_replace_lane(U32B(0, 0, 0, 0), bf(SNAN32), 1), U32B(0, SNAN32, 0, 0));
    EQ(w_f64x2_replace_lane(U64B(0, 0), bd(SNAN64), 0), U64B(SNAN64, 0));
    EQ(w_i8x16_splat(0x1234u), I8(0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34));
    EQ(w_i16x8_splat(0xffff8000u), I16(-32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768));
    EQ(w_i32x4_splat(7), I32(7, 7, 7, 7));
    EQ(w_i64x2_splat(0x8000000000000000u), W_V128(0x8000000000000000u, 0x8000000000000000u));
    EQ(w_f32x4_splat(bf(SNAN32)), U32B(SNAN32, SNAN32, SNAN32, SNAN32));
    EQ(w_f64x2_splat(-0.0), U64B(0x8000000000000000u, 0x8000000000000000u));
  }

  /* shuffle and swizzle */
  {
    w_v128 a = I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    w_v128 b = I8(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    EQ(w_i8x16_shuffle(a, b, 31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7),
       I8(31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7));
    EQ(w_i8x16_shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), a);
    EQ(w_i8x16_shuffle(a, b, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31), b);
    EQ(w_i8x16_shuffle(a, b, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5),
       I8(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5));
    EQ(w_i8x16_shuffle(a, b, 4, 5, 6, 7, 0, 1, 2, 3, 20, 21, 22, 23, 16, 17, 18, 19),
       I8(4, 5, 6, 7, 0, 1, 2, 3, 20, 21, 22, 23, 16, 17, 18, 19));
    w_v128 s = I8(15, 16, 0, -1, 127, -128, 31, 32, 1, 14, 2, 17, 3, 0x40, 4, 5);
    EQ(w_i8x16_swizzle(b, s), I8(31, 0, 16, 0, 0, 0, 0, 0, 17, 30, 18, 0, 19, 0, 20, 21));
    EQ(w_i8x16_relaxed_swizzle(b, s), I8(31, 0, 16, 0, 0, 0, 0, 0, 17, 30, 18, 0, 19, 0, 20, 21));
  }

  /* integer saturation, wrap, abs, neg, avgr, popcnt */
  {
    w_v128 a = I8(127, -128, 100, -100, 0, -1, 1, 127, -128, 50, -50, 127, -127, 0, 0, 1);
    w_v128 b = I8(1, -1, 100, -100, 0, -1, -1, -128, 127, 50, -79, 127, -1, -128, 127, -128);
    EQ(w_i8x16_add_sat_s(a, b), I8(127, -128, 127, -128, 0, -2, 0, -1, -1, 100, -128, 127, -128, -128, 127, -127));
    EQ(w_i8x16_sub_sat_s(a, b), I8(126, -127, 0, 0, 0, 0, 2, 127, -128, 0, 29, 0, -126, 127, -127, 127));
    EQ(w_i8x16_add(a, b), I8(-128, 127, -56, 56, 0, -2, 0, -1, -1, 100, -129 + 256, -2, -128, -128, 127, -127));
    EQ(w_i8x16_add_sat_u(I8(-1, -2, 100, 0), I8(1, 1, 100, 0)), I8(-1, -1, -56, 0));
    EQ(w_i8x16_sub_sat_u(I8(0, 5, -1, 100), I8(1, 5, 1, -1)), I8(0, 0, -2, 0));
    EQ(w_i16x8_add_sat_s(I16(32767, -32768, 1, -2), I16(1, -1, 2, -32767)), I16(32767, -32768, 3, -32768));
    EQ(w_i16x8_sub_sat_s(I16(-32768, 32767, 0, 0), I16(1, -1, -32768, 32767)), I16(-32768, 32767, 32767, -32767));
    EQ(w_i16x8_add_sat_u(I16(-1, 32767, -2), I16(1, 1, 1)), I16(-1, -32768, -1));
    EQ(w_i16x8_sub_sat_u(I16(0, -1, 1), I16(1, 1, -1)), I16(0, -2, 0));
    EQ(w_i8x16_abs(I8(-128, -127, -1, 0, 1, 127)), I8(-128, 127, 1, 0, 1, 127));
    EQ(w_i16x8_abs(I16(-32768, -1, 32767)), I16(-32768, 1, 32767));
    EQ(w_i32x4_abs(I32(INT32_MIN, -5, 5, 0)), I32(INT32_MIN, 5, 5, 0));
    EQ(w_i64x2_abs(I64(INT64_MIN, -3)), I64(INT64_MIN, 3));
    EQ(w_i64x2_neg(I64(INT64_MIN, 1)), I64(INT64_MIN, -1));
    EQ(w_i8x16_neg(I8(-128, 1, 0)), I8(-128, -1, 0));
    EQ(w_i8x16_avgr_u(I8(-1, 0, 1, 2, -1), I8(-1, 1, 1, 5, 0)), I8(-1, 1, 1, 4, -128));
    EQ(w_i16x8_avgr_u(I16(-1, 0, 3), I16(-1, 1, 4)), I16(-1, 1, 4));
    EQ(w_i8x16_popcnt(I8(0, 1, 3, 7, -1, -128, 0x55, 0x2a)), I8(0, 1, 2, 3, 8, 1, 4, 3));
    EQ(w_i8x16_min_s(I8(-128, 127), I8(127, -1)), I8(-128, -1));
    EQ(w_i8x16_min_u(I8(-128, 127), I8(127, -1)), I8(127, 127));
    EQ(w_i16x8_max_s(I16(-32768, 5), I16(-1, 7)), I16(-1, 7));
    EQ(w_i16x8_max_u(I16(-32768, 5), I16(-1, 7)), I16(-1, 7));
    EQ(w_i32x4_min_u(I32(-1, 0, 5, INT32_MIN), I32(1, -1, 5, 0)), I32(1, 0, 5, 0));
    EQ(w_i32x4_max_s(I32(-1, 0, 5, INT32_MIN), I32(1, -1, 5, 0)), I32(1, 0, 5, 0));
    EQ(w_i32x4_mul(I32(65536, -1, 3, INT32_MIN), I32(65536, -1, -5, 2)), I32(0, 1, -15, 0));
    EQ(w_i64x2_mul(I64(0x100000001, -1), I64(0x100000001, INT64_MIN)), I64(0x200000001, INT64_MIN));
  }

  /* q15mulr, dot, extadd, extmul, narrow, extend */
  {
    EQ(w_i16x8_q15mulr_sat_s(I16(-32768, -32768, 32767, 16384, -16384, 1, -1, 3),
                             I16(-32768, 32767, 32767, 16384, 16384, 16384, 16384, -16384)),
       I16(32767, -32767, 32766, 8192, -8192, 1, 0, -1));
    EQ(w_i16x8_relaxed_q15mulr_s(I16(-32768, 100), I16(-32768, 200)), I16(32767, 1));
    EQ(w_i32x4_dot_i16x8_s(I16(-32768, -32768, 32767, 32767, 1, 2, -3, 4), I16(-32768, -32768, 32767, 32767, 5, 6, 7, -8)),
       I32(INT32_MIN, 2147352578, 17, -53));
    EQ(w_i16x8_extadd_pairwise_i8x16_s(I8(-128, -128, 127, 127, -1, 1)), I16(-256, 254, 0, 0));
    EQ(w_i16x8_extadd_pairwise_i8x16_u(I8(-128, -128, 127, 127, -1, 1)), I16(256, 254, 256, 0));
    EQ(w_i32x4_extadd_pairwise_i16x8_s(I16(-32768, -32768, 32767, 32767)), I32(-65536, 65534, 0, 0));
    EQ(w_i32x4_extadd_pairwise_i16x8_u(I16(-32768, -32768, -1, -1)), I32(65536, 131070, 0, 0));
    w_v128 a = I8(-128, 127, -1, 2, 0, 0, 0, 0, -128, -1, 3, 0, 0, 0, 0, 100);
    w_v128 b = I8(-128, 127, 5, -2, 0, 0, 0, 0, -128, 127, 3, 0, 0, 0, 0, 100);
    EQ(w_i16x8_extmul_low_i8x16_s(a, b), I16(16384, 16129, -5, -4, 0, 0, 0, 0));
    EQ(w_i16x8_extmul_high_i8x16_s(a, b), I16(16384, -127, 9, 0, 0, 0, 0, 10000));
    EQ(w_i16x8_extmul_low_i8x16_u(a, b), I16(16384, 16129, 1275, 508, 0, 0, 0, 0));
    EQ(w_i16x8_extmul_high_i8x16_u(a, b), I16(16384, 32385, 9, 0, 0, 0, 0, 10000));
    w_v128 c = I16(-32768, -1, 2, 3, 32767, -32768, -1, 7);
    EQ(w_i32x4_extmul_low_i16x8_s(c, c), I32(1073741824, 1, 4, 9));
    EQ(w_i32x4_extmul_high_i16x8_u(c, c), I32(1073676289, 1073741824, -131071, 49));
    EQ(w_i32x4_extmul_high_i16x8_s(c, I16(0, 0, 0, 0, -32768, 32767, 2, -3)), I32(-1073709056, -1073709056, -2, -21));
    EQ(w_i32x4_extmul_low_i16x8_u(c, I16(-1, 2, 3, 4)), I32(2147450880, 131070, 6, 12));
    w_v128 d = I32(INT32_MIN, -1, 7, INT32_MAX);
    EQ(w_i64x2_extmul_low_i32x4_s(d, d), I64(0x4000000000000000, 1));
    EQ(w_i64x2_extmul_high_i32x4_s(d, I32(0, 0, -7, INT32_MIN)), I64(-49, (int64_t)INT32_MAX * INT32_MIN));
    EQ(w_i64x2_extmul_low_i32x4_u(d, d), I64(0x4000000000000000, (int64_t)0xfffffffe00000001u));
    EQ(w_i64x2_extmul_high_i32x4_u(d, I32(0, 0, -1, 2)), I64(7 * 0xffffffffll, 0xfffffffe));
    EQ(w_i8x16_narrow_i16x8_s(I16(-32768, -129, -128, 0, 127, 128, 32767, -1), I16(1, 2, 3, 4, 5, 6, 7, 300)),
       I8(-128, -128, -128, 0, 127, 127, 127, -1, 1, 2, 3, 4, 5, 6, 7, 127));
    EQ(w_i8x16_narrow_i16x8_u(I16(-32768, -1, 0, 1, 255, 256, 32767, 128), I16(9, 0, 0, 0, 0, 0, 0, -5)),
       I8(0, 0, 0, 1, -1, -1, -1, -128, 9, 0, 0, 0, 0, 0, 0, 0));
    EQ(w_i16x8_narrow_i32x4_s(I32(INT32_MIN, -32769, 32768, 5), I32(-32768, 32767, INT32_MAX, -5)),
       I16(-32768, -32768, 32767, 5, -32768, 32767, 32767, -5));
    EQ(w_i16x8_narrow_i32x4_u(I32(INT32_MIN, -1, 65535, 65536), I32(32768, 0, INT32_MAX, 1)),
       I16(0, 0, -1, -1, -32768, 0, -1, 1));
    w_v128 e = I8(-128, -1, 0, 127, 1, 2, 3, 4, -5, -6, -7, -8, 9, 10, 11, 12);
    EQ(w_i16x8_extend_low_i8x16_s(e), I16(-128, -1, 0, 127, 1, 2, 3, 4));
    EQ(w_i16x8_extend_high_i8x16_s(e), I16(-5, -6, -7, -8, 9, 10, 11, 12));
    EQ(w_i16x8_extend_low_i8x16_u(e), I16(128, 255, 0, 127, 1, 2, 3, 4));
    EQ(w_i16x8_extend_high_i8x16_u(e), I16(251, 250, 249, 248, 9, 10, 11, 12));
    EQ(w_i32x4_extend_low_i16x8_s(c), I32(-32768, -1, 2, 3));
    EQ(w_i32x4_extend_high_i16x8_u(c), I32(32767, 32768, 65535, 7));
    EQ(w_i64x2_extend_low_i32x4_s(d), I64(INT32_MIN, -1));
    EQ(w_i64x2_extend_high_i32x4_s(I32(0, 0, -2, 2)), I64(-2, 2));
    EQ(w_i64x2_extend_low_i32x4_u(d), I64(0x80000000, 0xffffffff));
    EQ(w_i64x2_extend_high_i32x4_u(d), I64(7, INT32_MAX));
  }

  /* shifts: count modulo the lane width */
  {
    w_v128 a = I8(-128, 1, -1, 64);
    EQ(w_i8x16_shl(a, 9), I8(0, 2, -2, -128));
    EQ(w_i8x16_shr_s(a, 7), I8(-1, 0, -1, 0));
    EQ(w_i8x16_shr_u(a, 0xffffffffu), I8(1, 0, 1, 0));
    EQ(w_i8x16_shr_u(a, 8), a);
    EQ(w_i16x8_shr_s(I16(-32768, 32767), 17), I16(-16384, 16383));
    EQ(w_i32x4_shl(I32(1, 3), 33), I32(2, 6));
    EQ(w_i32x4_shr_s(I32(INT32_MIN, -1), 31), I32(-1, -1));
    EQ(w_i64x2_shr_s(I64(INT64_MIN, 4), 65), I64(INT64_MIN / 2, 2));
    EQ(w_i64x2_shr_u(I64(INT64_MIN, 4), 127), I64(1, 0));
    EQ(w_i64x2_shl(I64(1, 1), 64), I64(1, 1));
  }

  /* bitwise, any_true, all_true, bitmask */
  {
    w_v128 a = W_V128(0xff00ff00f0f0f0f0u, 0x0123456789abcdefu), b = W_V128(0x0ff00ff00ff00ff0u, 0xffffffff00000000u);
    EQ(w_v128_not(a), W_V128(0x00ff00ff0f0f0f0fu, 0xfedcba9876543210u));
    EQ(w_v128_and(a, b), W_V128(0x0f000f0000f000f0u, 0x0123456700000000u));
    EQ(w_v128_andnot(a, b), W_V128(0xf000f000f000f000u, 0x0000000089abcdefu));
    EQ(w_v128_or(a, b), W_V128(0xfff0fff0fff0fff0u, 0xffffffff89abcdefu));
    EQ(w_v128_xor(a, b), W_V128(0xf0f0f0f0ff00ff00u, 0xfedcba9889abcdefu));
    EQ(w_v128_bitselect(a, W_V128(0, -1), b), W_V128(0x0f000f0000f000f0u, 0x01234567ffffffffu));
    EQ(w_i32x4_relaxed_laneselect(a, W_V128(0, -1), b), W_V128(0x0f000f0000f000f0u, 0x01234567ffffffffu));
    EQI(w_v128_any_true(W_V128(0, 0)), 0);
    EQI(w_v128_any_true(W_V128(0, 0x100)), 1);
    EQI(w_v128_any_true(W_V128(0x8000000000000000u, 0)), 1);
    EQI(w_i8x16_all_true(I8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -128)), 1);
    EQI(w_i8x16_all_true(I8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)), 0);
    EQI(w_i16x8_all_true(I16(256, 1, 1, 1, 1, 1, 1, 1)), 1);
    EQI(w_i16x8_all_true(I16(1, 1, 1, 0, 1, 1, 1, 1)), 0);
    EQI(w_i32x4_all_true(I32(0x10000, 1, 1, 1)), 1);
    EQI(w_i32x4_all_true(I32(1, 1, 0, 1)), 0);
    EQI(w_i64x2_all_true(I64(0x100000000, 1)), 1);
    EQI(w_i64x2_all_true(I64(0x100000000, 0)), 0);
    EQI(w_i64x2_all_true(I64(0, 1)), 0);
    EQI(w_i8x16_bitmask(I8(-1, 1, -128, 127, 0, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1)), 0x8025);
    EQI(w_i16x8_bitmask(I16(-1, 0x7fff, -32768, 0xff, 0, 0, 0, -1)), 0x85);
    EQI(w_i32x4_bitmask(I32(INT32_MIN, INT32_MAX, -1, 0)), 0x5);
    EQI(w_i64x2_bitmask(I64(1, -1)), 0x2);
  }

  /* comparisons */
  {
    EQ(w_i8x16_lt_s(I8(-1, 1, 0), I8(1, -1, 0)), I8(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    EQ(w_i8x16_lt_u(I8(-1, 1, 0), I8(1, -1, 0)), I8(0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    EQ(w_i64x2_lt_s(I64(-1, INT64_MAX), I64(0, INT64_MIN)), I64(-1, 0));
    EQ(w_i64x2_ge_s(I64(-1, INT64_MAX), I64(0, INT64_MIN)), I64(0, -1));
    EQ(w_i64x2_ne(I64(-1, 5), I64(-1, 6)), I64(0, -1));
    EQ(w_i32x4_ge_u(I32(-1, 0, 5, 5), I32(0, -1, 5, 6)), I32(-1, 0, -1, 0));
    EQ(w_f32x4_eq(F32(0.0f, NAN, 1.0f, -0.0f), F32(-0.0f, NAN, 2.0f, 0.0f)), I32(-1, 0, 0, -1));
    EQ(w_f32x4_ne(F32(0.0f, NAN, 1.0f, -0.0f), F32(-0.0f, NAN, 2.0f, 0.0f)), I32(0, -1, -1, 0));
    EQ(w_f32x4_le(F32(0.0f, NAN, 1.0f, 3.0f), F32(-0.0f, 1.0f, 2.0f, 2.0f)), I32(-1, 0, -1, 0));
    EQ(w_f64x2_gt(F64(NAN, 3.0), F64(1.0, 2.0)), I64(0, -1));
    EQ(w_f64x2_ge(F64(-0.0, -INFINITY), F64(0.0, -INFINITY)), I64(-1, -1));
  }

  /* float min/max/pmin/pmax: NaN, signed zeros */
  {
    w_v128 a = U32B(fb(-0.0f), fb(0.0f), NAN32, fb(1.0f));
    w_v128 b = U32B(fb(0.0f), fb(-0.0f), fb(1.25f), SNAN32);
    EQF32(w_f32x4_min(a, b), U32B(fb(-0.0f), fb(-0.0f), NAN32, 0x7fe00000));
    EQF32(w_f32x4_max(a, b), U32B(fb(0.0f), fb(0.0f), NAN32, 0x7fe00000));
    /* a canonical NaN and a number: canonical (compare asks that) */
    { w_v128 in[2] = {a, b}; compare("f32x4.min canon", __LINE__, F32, w_f32x4_min(a, b), U32B(fb(-0.0f), fb(-0.0f), NAN32, NAN32), in, 2); }
    EQ(w_f32x4_pmin(a, b), U32B(fb(-0.0f), fb(0.0f), NAN32, fb(1.0f)));
    EQ(w_f32x4_pmax(a, b), U32B(fb(-0.0f), fb(0.0f), NAN32, fb(1.0f)));
    EQ(w_f32x4_pmin(b, a), U32B(fb(0.0f), fb(-0.0f), fb(1.25f), SNAN32));
    EQ(w_f32x4_pmax(F32(1, 2, 3, 4), F32(2, 1, 3, -INFINITY)), F32(2, 2, 3, 4));
    w_v128 c = U64B(db(-0.0), SNAN64), d = U64B(db(0.0), db(-2.0));
    EQF64(w_f64x2_min(c, d), U64B(db(-0.0), 0x7ff8000000000001u));
    EQF64(w_f64x2_max(c, d), U64B(db(0.0), 0x7ff8000000000001u));
    EQF64(w_f64x2_max(d, c), U64B(db(0.0), 0x7ff8000000000001u));
    EQF64(w_f64x2_min(F64(1.0, -INFINITY), F64(2.0, 5.0)), F64(1.0, -INFINITY));
    EQ(w_f64x2_pmin(c, d), c);
    EQ(w_f64x2_pmax(c, d), c);
    EQ(w_f64x2_pmax(F64(1.0, 2.0), F64(3.0, NAN)), F64(3.0, 2.0));
    EQF32(w_f32x4_relaxed_min(F32(1, 2, -3, 4), F32(2, 1, 3, 4)), F32(1, 1, -3, 4));
    EQF64(w_f64x2_relaxed_max(F64(1, -2), F64(2, -3)), F64(2, -2));
  }

  /* float arithmetic: signalling NaNs come out quiet; neg/abs keep them */
  {
    w_v128 s = U32B(SNAN32, 0xff800001u, fb(4.0f), fb(-1.0f));
    EQF32(w_f32x4_add(s, F32(1, 1, 1, 1)), U32B(0x7fc00001u, 0xffc00001u, fb(5.0f), fb(0.0f)));
    EQF32(w_f32x4_sqrt(s), U32B(0x7fc00001u, 0xffc00001u, fb(2.0f), NAN32));
    EQF32(w_f32x4_mul(s, F32(1, 1, 0.5f, -0.0f)), U32B(0x7fc00001u, 0xffc00001u, fb(2.0f), fb(0.0f)));
    EQ(w_f32x4_neg(s), U32B(0xff800001u, 0x7f800001u, fb(-4.0f), fb(1.0f)));
    EQ(w_f32x4_abs(s), U32B(SNAN32, SNAN32, fb(4.0f), fb(1.0f)));
    EQ(w_f64x2_neg(U64B(SNAN64, 0)), U64B(0xfff0000000000001u, 0x8000000000000000u));
    EQ(w_f64x2_abs(U64B(0xfff0000000000001u, db(-3.5))), U64B(SNAN64, db(3.5)));
    EQF64(w_f64x2_div(F64(1.0, 0.0), F64(0.0, 0.0)), U64B(db(INFINITY), NAN64));
    EQF64(w_f64x2_sub(U64B(SNAN64, db(1.0)), F64(0.0, 3.0)), U64B(0x7ff8000000000001u, db(-2.0)));
  }

  /* rounding: ties to even, signed zeros, large values, NaN */
  {
    EQF32(w_f32x4_nearest(F32(0.5f, 1.5f, 2.5f, -0.5f)), F32(0.0f, 2.0f, 2.0f, -0.0f));
    EQF32(w_f32x4_nearest(F32(-2.5f, 0.49999997f, 8388607.5f, -8388609.0f)), F32(-2.0f, 0.0f, 8388608.0f, -8388609.0f));
    EQF32(w_f32x4_nearest(U32B(SNAN32, fb(INFINITY), fb(-0.0f), fb(3.5f))), U32B(0x7fc00001u, fb(INFINITY), fb(-0.0f), fb(4.0f)));
    EQF32(w_f32x4_ceil(F32(-0.5f, 0.5f, -1.5f, 1.0f)), F32(-0.0f, 1.0f, -1.0f, 1.0f));
    EQF32(w_f32x4_ceil(F32(-0.0f, 8388607.5f, -8388607.5f, 1e30f)), F32(-0.0f, 8388608.0f, -8388607.0f, 1e30f));
    EQF32(w_f32x4_floor(F32(-0.5f, 0.5f, -1.5f, -0.0f)), F32(-1.0f, 0.0f, -2.0f, -0.0f));
    EQF32(w_f32x4_floor(F32(8388607.5f, -8388607.5f, 1.0f, -1.0f)), F32(8388607.0f, -8388608.0f, 1.0f, -1.0f));
    EQF32(w_f32x4_trunc(F32(-0.5f, 0.9999999f, -1.5f, 2.0f)), F32(-0.0f, 0.0f, -1.0f, 2.0f));
    EQF32(w_f32x4_trunc(U32B(0xffc00000u, fb(-INFINITY), fb(-8388607.5f), fb(16777215.0f))),
          U32B(0xffc00000u, fb(-INFINITY), fb(-8388607.0f), fb(16777215.0f)));
    EQF64(w_f64x2_nearest(F64(2.5, -3.5)), F64(2.0, -4.0));
    EQF64(w_f64x2_nearest(F64(4503599627370495.5, -0.25)), F64(4503599627370496.0, -0.0));
    EQF64(w_f64x2_ceil(F64(-0.75, 4503599627370495.5)), F64(-0.0, 4503599627370496.0));
    EQF64(w_f64x2_floor(F64(-0.75, -4503599627370495.5)), F64(-1.0, -4503599627370496.0));
    EQF64(w_f64x2_trunc(U64B(SNAN64, db(-4503599627370495.5))), U64B(0x7ff8000000000001u, db(-4503599627370495.0)));
    EQF64(w_f64x2_floor(F64(0x1p60, -0x1p-1074)), F64(0x1p60, -1.0));
    EQF64(w_f64x2_ceil(F64(0x1p-1074, -0.0)), F64(1.0, -0.0));
  }

  /* conversions */
  {
    EQ(w_i32x4_trunc_sat_f32x4_s(F32(NAN, 2147483648.0f, -2147483904.0f, -1.9f)), I32(0, INT32_MAX, INT32_MIN, -1));
    EQ(w_i32x4_trunc_sat_f32x4_s(F32(INFINITY, -INFINITY, 2147483520.0f, -2147483648.0f)), I32(INT32_MAX, INT32_MIN, 2147483520, INT32_MIN));
    EQ(w_i32x4_trunc_sat_f32x4_u(F32(NAN, 4294967296.0f, -1.0f, -0.9f)), I32(0, -1, 0, 0));
    EQ(w_i32x4_trunc_sat_f32x4_u(F32(4294967040.0f, 2147483648.0f, 2147483520.0f, 1.9f)), I32((int32_t)4294967040u, INT32_MIN, 2147483520, 1));
    EQ(w_i32x4_trunc_sat_f32x4_u(F32(INFINITY, -INFINITY, 3e9f, 0.0f)), I32(-1, 0, (int32_t)3000000000u, 0));
    EQ(w_i32x4_trunc_sat_f64x2_s_zero(F64(2147483647.9, -2147483648.9)), I32(INT32_MAX, INT32_MIN, 0, 0));
    EQ(w_i32x4_trunc_sat_f64x2_s_zero(F64(NAN, -1e300)), I32(0, INT32_MIN, 0, 0));
    EQ(w_i32x4_trunc_sat_f64x2_s_zero(F64(2147483648.0, -0.99)), I32(INT32_MAX, 0, 0, 0));
    EQ(w_i32x4_trunc_sat_f64x2_u_zero(F64(4294967295.9, -0.9)), I32(-1, 0, 0, 0));
    EQ(w_i32x4_trunc_sat_f64x2_u_zero(F64(NAN, 4294967296.0)), I32(0, -1, 0, 0));
    EQ(w_i32x4_trunc_sat_f64x2_u_zero(F64(2147483648.5, 0.99999999999999989)), I32(INT32_MIN, 0, 0, 0));
    EQ(w_i32x4_relaxed_trunc_f32x4_s(F32(NAN, 1e10f, -1e10f, 5.5f)), I32(0, INT32_MAX, INT32_MIN, 5));
    EQ(w_i32x4_relaxed_trunc_f32x4_u(F32(NAN, 1e10f, -1e10f, 5.5f)), I32(0, -1, 0, 5));
    EQ(w_i32x4_relaxed_trunc_f64x2_s_zero(F64(NAN, -1e10)), I32(0, INT32_MIN, 0, 0));
    EQ(w_i32x4_relaxed_trunc_f64x2_u_zero(F64(1e10, 7.9)), I32(-1, 7, 0, 0));
    EQ(w_f32x4_convert_i32x4_s(I32(INT32_MIN, -1, 16777217, INT32_MAX)), F32(-2147483648.0f, -1.0f, 16777216.0f, 2147483648.0f));
    EQ(w_f32x4_convert_i32x4_u(I32(-1, INT32_MIN, 16777217, (int32_t)0x80000081u)), F32(4294967296.0f, 2147483648.0f, 16777216.0f, 2147483904.0f));
    EQ(w_f32x4_convert_i32x4_u(I32(0x7fffffbf, (int32_t)0xffffff7fu, 0, 1)), F32(2147483520.0f, 4294967040.0f, 0.0f, 1.0f));
    EQ(w_f32x4_convert_i32x4_u(I32(0x7fffffc0, (int32_t)0xffffff80u, 0x7fffff40, 0x7fffffc1)),
       F32(2147483648.0f, 4294967296.0f, 2147483392.0f, 2147483648.0f)); /* ties to even */
    EQ(w_f64x2_convert_low_i32x4_s(I32(INT32_MIN, -1, 5, 6)), F64(-2147483648.0, -1.0));
    EQ(w_f64x2_convert_low_i32x4_u(I32(INT32_MIN, -1, 5, 6)), F64(2147483648.0, 4294967295.0));
    EQ(w_f64x2_convert_low_i32x4_u(I32(0, 1, 5, 6)), F64(0.0, 1.0));
    EQF32(w_f32x4_demote_f64x2_zero(U64B(SNAN64, db(1e300))), U32B(QNAN32, fb(INFINITY), 0, 0));
    EQF32(w_f32x4_demote_f64x2_zero(F64(1.0000000596046448, -0.0)), F32(1.0f, -0.0f, 0.0f, 0.0f));
    EQF32(w_f32x4_demote_f64x2_zero(F64(0x1p-150, 0x1.000001p-126)), U32B(0, fb(0x1p-126f), 0, 0));
    EQF64(w_f64x2_promote_low_f32x4(U32B(SNAN32, fb(-0.0f), 1, 2)), U64B(0x7ff8000020000000u, db(-0.0)));
    EQF64(w_f64x2_promote_low_f32x4(F32(0x1p-149f, 3.4028234663852886e38f, NAN, NAN)), F64(0x1p-149, 3.4028234663852886e38));
    /* demote(promote(x)) must quiet a signalling NaN (no folding) */
    EQF32(w_f32x4_demote_f64x2_zero(w_f64x2_promote_low_f32x4(U32B(SNAN32, 0xff800002u, 0, 0))),
          U32B(0x7fc00001u, 0xffc00002u, 0, 0));
  }

  /* relaxed arithmetic */
  {
    EQF32(w_f32x4_relaxed_madd(F32(0x1.fffffep+127f, 2.0f, 1.0f, 3.0f), F32(2.0f, 3.0f, 1.0f, 0.5f), F32(-0x1.fffffep+127f, 1.0f, NAN, -1.5f)),
          F32(INFINITY, 7.0f, NAN, 0.0f));
    /* unfused: (1 + 2^-23)(1 - 2^-23) - 1 rounds the product to 1 first */
    EQF32(w_f32x4_relaxed_madd(F32(1.00000012f), F32(0.99999988f), F32(-1.0f)), F32(0.0f, 0.0f, 0.0f, 0.0f));
    EQF32(w_f32x4_relaxed_nmadd(F32(2.0f, 1.0f), F32(3.0f, 0.0f), F32(1.0f, -0.0f)), F32(-5.0f, -0.0f, 0.0f, 0.0f));
    EQF64(w_f64x2_relaxed_madd(F64(1.0000000000000002, 2.0), F64(0.99999999999999989, 3.0), F64(-1.0, 1.0)), F64(0.0, 7.0));
    EQF64(w_f64x2_relaxed_nmadd(F64(2.0, 1.0), F64(3.0, 0.0), F64(1.0, -0.0)), F64(-5.0, -0.0));
    EQ(w_i16x8_relaxed_dot_i8x16_i7x16_s(I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                         I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
       I16(1, 13, 41, 85, 145, 221, 313, 421));
    EQ(w_i16x8_relaxed_dot_i8x16_i7x16_s(I8(-128, -128, 127, 127), I8(127, 127, 127, 127)), I16(-32512, 32258));
    EQ(w_i16x8_relaxed_dot_i8x16_i7x16_s(I8(-128, -128, -128, -128), I8(-127, -127, -128, -128)), I16(32512, 32767));
    EQ(w_i32x4_relaxed_dot_i8x16_i7x16_add_s(I8(-128, -128, -128, -128, 127, 127, 127, 127),
                                             I8(127, 127, 127, 127, 127, 127, 127, 127), I32(1, 2, 3, 4)),
       I32(-65023, 64518, 3, 4));
    EQ(w_i32x4_relaxed_dot_i8x16_i7x16_add_s(I8(-128, -128, -128, -128), I8(-127, -127, -127, -127), I32(1, 2, 3, 4)),
       I32(65025, 2, 3, 4));
    EQ(w_i32x4_relaxed_dot_i8x16_i7x16_add_s(I8(1, 1, 1, 1), I8(1, 1, 1, 1), I32(INT32_MAX, 0, 0, 0)), I32(INT32_MIN + 3, 0, 0, 0));
  }
}

/* =========================================================================
 * model checks
 * ========================================================================= */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

enum shape { S8, S16, S32, S64, SF32, SF64 };

static const uint32_t f32_edges[] = {
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000,
  0x40200000, 0xc0200000, 0x3effffff, 0x3f7fffff, 0xbf7fffff, 0x4afffffe, 0x4affffff, 0x4b000000,
  0xcaffffff, 0x4b000001, 0x4b7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345,
  0x7f800001, 0xff800001, 0x7fa00000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x80000001,
  0x4f000000, 0x4effffff, 0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0x501502f9, 0xd01502f9,
  0x3f7ffffe, 0xbf7ffffe, 0x40400000, 0x40490fdb,
};
static const uint64_t f64_edges[] = {
  0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x3fe0000000000000,
  0xbfe0000000000000, 0x3ff8000000000000, 0xc004000000000000, 0x3fdfffffffffffff, 0x3fefffffffffffff,
  0x432fffffffffffff, 0x4330000000000000, 0xc32fffffffffffff, 0x4330000000000001, 0x433fffffffffffff,
  0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000012345,
  0x7ff0000000000001, 0xfff0000000000001, 0x7fefffffffffffff, 0xffefffffffffffff, 0x0010000000000000,
  0x0000000000000001, 0x8000000000000001, 0x41dfffffffffffff, 0x41e0000000000000, 0x41dfffffffc00000,
  0xc1e0000000000000, 0xc1e0000000200000, 0xc1e0000000100000, 0x41efffffffe00000, 0x41efffffffffffff,
  0x41f0000000000000, 0x36a0000000000000, 0x47efffffe0000000, 0x47efffffefffffff, 0x3810000000000000,
  0x380fffffffffffff, 0x3690000000000001, 0x4024000000000000,
};

static w_v128 gen(enum shape s) {
  lanes l;
  l.u64[0] = rnd();
  l.u64[1] = rnd();
  int mode = (int)(rnd() % 4); /* 0: random bits; else: lanes mixing edges and small values */
  if (mode == 0) return l.v;
  switch (s) {
  case S8:
    for (int i = 0; i < 16; i++) {
      static const uint8_t e[] = {0, 1, 0xff, 0x7f, 0x80, 0x81, 0x7e, 2, 0xfe, 0x40, 0xc0};
      uint64_t r = rnd() % 3;
      if (r == 0) l.u8[i] = e[rnd() % sizeof e];
      else if (r == 1) l.s8[i] = (int8_t)(rnd() % 33 - 16);
    }
    break;
  case S16:
    for (int i = 0; i < 8; i++) {
      static const uint16_t e[] = {0, 1, 0xffff, 0x7fff, 0x8000, 0x8001, 0x7ffe, 0x00ff, 0xff00, 0x0100, 0x4000, 0xc000, 0xff80, 0x007f, 0x0080};
      uint64_t r = rnd() % 3;
      if (r == 0) l.u16[i] = e[rnd() % (sizeof e / 2)];
      else if (r == 1) l.s16[i] = (int16_t)(rnd() % 513 - 256);
    }
    break;
  case S32:
    for (int i = 0; i < 4; i++) {
      static const uint32_t e[] = {0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001, 0x7ffffffe, 0xffff, 0x10000, 0xffff8000, 0x7fff, 0x8000, 0xffff0000};
      uint64_t r = rnd() % 3;
      if (r == 0) l.u32[i] = e[rnd() % (sizeof e / 4)];
      else if (r == 1) l.s32[i] = (int32_t)(rnd() % 131073) - 65536;
    }
    break;
  case S64:
    for (int i = 0; i < 2; i++) {
      static const uint64_t e[] = {0, 1, ~0ull, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffff, 0x100000000, 0xffffffff80000000, 0x7fffffff};
      uint64_t r = rnd() % 3;
      if (r == 0) l.u64[i] = e[rnd() % (sizeof e / 8)];
      else if (r == 1) l.s64[i] = (int64_t)(rnd() % 2001) - 1000;
    }
    break;
  case SF32:
    for (int i = 0; i < 4; i++) {
      uint64_t r = rnd() % 4;
      if (r == 0) l.u32[i] = f32_edges[rnd() % (sizeof f32_edges / 4)];
      else if (r == 1) l.f32[i] = (float)((int64_t)(rnd() % 4001) - 2000) / 8.0f;
      else if (r == 2) l.f32[i] = (float)(int64_t)rnd() / (float)(1u << (rnd() % 32));
    }
    break;
  case SF64:
    for (int i = 0; i < 2; i++) {
      uint64_t r = rnd() % 4;
      if (r == 0) l.u64[i] = f64_edges[rnd() % (sizeof f64_edges / 8)];
      else if (r == 1) l.f64[i] = (double)((int64_t)(rnd() % 4001) - 2000) / 8.0;
      else if (r == 2) l.f64[i] = (double)(int64_t)rnd() / (double)(1ull << (rnd() % 64));
    }
    break;
  }
  return l.v;
}

#define ROUNDS 3000

/* The model of one instruction: lane loops over the `lanes` views a, b, c
 * of the operands, writing r. */
#define MODEL(name, body)                                                     \
  static w_v128 model_##name(w_v128 va, w_v128 vb, w_v128 vc) {               \
    lanes a = {va}, b = {vb}, c = {vc}, r = {W_V128(0, 0)};                   \
    (void)a; (void)b; (void)c;                                                \
    body;                                                                     \
    return r.v;                                                               \
  }

/* A test of `name` (`w_name` with nin operands) against model_name. */
typedef struct model_test {
  const char *name;
  int nin;
  enum shape in_shape;
  enum cmp how;
  w_v128 (*model)(w_v128, w_v128, w_v128);
  w_v128 (*fn1)(w_v128);
  w_v128 (*fn2)(w_v128, w_v128);
  w_v128 (*fn3)(w_v128, w_v128, w_v128);
} model_test;

#define L(n, stmt) for (int i = 0; i < n; i++) { stmt; }
#define MASK(x) (-(int64_t)!!(x))

/* -- integer -- */
static int8_t sat8(int v) { return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v); }
static uint8_t satu8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }
static int16_t sat16(int v) { return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v); }
static uint16_t satu16(int64_t v) { return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v); }

#define CMP_MODELS(sh, n, sf, uf)                                             \
  MODEL(sh##_eq, L(n, r.sf[i] = MASK(a.uf[i] == b.uf[i])))                    \
  MODEL(sh##_ne, L(n, r.sf[i] = MASK(a.uf[i] != b.uf[i])))                    \
  MODEL(sh##_lt_s, L(n, r.sf[i] = MASK(a.sf[i] < b.sf[i])))                   \
  MODEL(sh##_lt_u, L(n, r.sf[i] = MASK(a.uf[i] < b.uf[i])))                   \
  MODEL(sh##_gt_s, L(n, r.sf[i] = MASK(a.sf[i] > b.sf[i])))                   \
  MODEL(sh##_gt_u, L(n, r.sf[i] = MASK(a.uf[i] > b.uf[i])))                   \
  MODEL(sh##_le_s, L(n, r.sf[i] = MASK(a.sf[i] <= b.sf[i])))                  \
  MODEL(sh##_le_u, L(n, r.sf[i] = MASK(a.uf[i] <= b.uf[i])))                  \
  MODEL(sh##_ge_s, L(n, r.sf[i] = MASK(a.sf[i] >= b.sf[i])))                  \
  MODEL(sh##_ge_u, L(n, r.sf[i] = MASK(a.uf[i] >= b.uf[i])))                  \
  MODEL(sh##_add, L(n, r.uf[i] = a.uf[i] + b.uf[i]))                          \
  MODEL(sh##_sub, L(n, r.uf[i] = a.uf[i] - b.uf[i]))                          \
  MODEL(sh##_neg, L(n, r.uf[i] = -a.uf[i]))                                   \
  MODEL(sh##_abs, L(n, r.uf[i] = a.sf[i] < 0 ? -a.uf[i] : a.uf[i]))
CMP_MODELS(i8x16, 16, s8, u8)
CMP_MODELS(i16x8, 8, s16, u16)
CMP_MODELS(i32x4, 4, s32, u32)
MODEL(i64x2_eq, L(2, r.s64[i] = MASK(a.u64[i] == b.u64[i])))
MODEL(i64x2_ne, L(2, r.s64[i] = MASK(a.u64[i] != b.u64[i])))
MODEL(i64x2_lt_s, L(2, r.s64[i] = MASK(a.s64[i] < b.s64[i])))
MODEL(i64x2_gt_s, L(2, r.s64[i] = MASK(a.s64[i] > b.s64[i])))
MODEL(i64x2_le_s, L(2, r.s64[i] = MASK(a.s64[i] <= b.s64[i])))
MODEL(i64x2_ge_s, L(2, r.s64[i] = MASK(a.s64[i] >= b.s64[i])))
MODEL(i64x2_add, L(2, r.u64[i] = a.u64[i] + b.u64[i]))
MODEL(i64x2_sub, L(2, r.u64[i] = a.u64[i] - b.u64[i]))
MODEL(i64x2_mul, L(2, r.u64[i] = a.u64[i] * b.u64[i]))
MODEL(i64x2_neg, L(2, r.u64[i] = -a.u64[i]))
MODEL(i64x2_abs, L(2, r.u64[i] = a.s64[i] < 0 ? -a.u64[i] : a.u64[i]))
MODEL(i16x8_mul, L(8, r.u16[i] = (uint16_t)(a.u16[i] * b.u16[i])))
MODEL(i32x4_mul, L(4, r.u32[i] = a.u32[i] * b.u32[i]))

MODEL(i8x16_add_sat_s, L(16, r.s8[i] = sat8(a.s8[i] + b.s8[i])))
MODEL(i8x16_add_sat_u, L(16, r.u8[i] = satu8(a.u8[i] + b.u8[i])))
MODEL(i8x16_sub_sat_s, L(16, r.s8[i] = sat8(a.s8[i] - b.s8[i])))
MODEL(i8x16_sub_sat_u, L(16, r.u8[i] = satu8(a.u8[i] - b.u8[i])))
MODEL(i16x8_add_sat_s, L(8, r.s16[i] = sat16(a.s16[i] + b.s16[i])))
MODEL(i16x8_add_sat_u, L(8, r.u16[i] = satu16(a.u16[i] + b.u16[i])))
MODEL(i16x8_sub_sat_s, L(8, r.s16[i] = sat16(a.s16[i] - b.s16[i])))
MODEL(i16x8_sub_sat_u, L(8, r.u16[i] = satu16(a.u16[i] - b.u16[i])))

MODEL(i8x16_min_s, L(16, r.s8[i] = a.s8[i] < b.s8[i] ? a.s8[i] : b.s8[i]))
MODEL(i8x16_min_u, L(16, r.u8[i] = a.u8[i] < b.u8[i] ? a.u8[i] : b.u8[i]))
MODEL(i8x16_max_s, L(16, r.s8[i] = a.s8[i] > b.s8[i] ? a.s8[i] : b.s8[i]))
MODEL(i8x16_max_u, L(16, r.u8[i] = a.u8[i] > b.u8[i] ? a.u8[i] : b.u8[i]))
MODEL(i16x8_min_s, L(8, r.s16[i] = a.s16[i] < b.s16[i] ? a.s16[i] : b.s16[i]))
MODEL(i16x8_min_u, L(8, r.u16[i] = a.u16[i] < b.u16[i] ? a.u16[i] : b.u16[i]))
MODEL(i16x8_max_s, L(8, r.s16[i] = a.s16[i] > b.s16[i] ? a.s16[i] : b.s16[i]))
MODEL(i16x8_max_u, L(8, r.u16[i] = a.u16[i] > b.u16[i] ? a.u16[i] : b.u16[i]))
MODEL(i32x4_min_s, L(4, r.s32[i] = a.s32[i] < b.s32[i] ? a.s32[i] : b.s32[i]))
MODEL(i32x4_min_u, L(4, r.u32[i] = a.u32[i] < b.u32[i] ? a.u32[i] : b.u32[i]))
MODEL(i32x4_max_s, L(4, r.s32[i] = a.s32[i] > b.s32[i] ? a.s32[i] : b.s32[i]))
MODEL(i32x4_max_u, L(4, r.u32[i] = a.u32[i] > b.u32[i] ? a.u32[i] : b.u32[i]))
MODEL(i8x16_avgr_u, L(16, r.u8[i] = (uint8_t)((a.u8[i] + b.u8[i] + 1) >> 1)))
MODEL(i16x8_avgr_u, L(8, r.u16[i] = (uint16_t)((a.u16[i] + b.u16[i] + 1) >> 1)))
MODEL(i8x16_popcnt, L(16, r.u8[i] = (uint8_t)__builtin_popcount(a.u8[i])))
MODEL(i16x8_q15mulr_sat_s, L(8, r.s16[i] = sat16((a.s16[i] * b.s16[i] + 0x4000) >> 15)))
MODEL(i16x8_relaxed_q15mulr_s, L(8, r.s16[i] = sat16((a.s16[i] * b.s16[i] + 0x4000) >> 15)))
MODEL(i32x4_dot_i16x8_s,
      L(4, r.u32[i] = (uint32_t)(a.s16[2 * i] * b.s16[2 * i]) + (uint32_t)(a.s16[2 * i + 1] * b.s16[2 * i + 1])))
MODEL(i16x8_relaxed_dot_i8x16_i7x16_s,
      L(8, r.s16[i] = sat16(a.s8[2 * i] * b.s8[2 * i] + a.s8[2 * i + 1] * b.s8[2 * i + 1])))
MODEL(i32x4_relaxed_dot_i8x16_i7x16_add_s,
      L(4, r.u32[i] = c.u32[i] + (uint32_t)(sat16(a.s8[4 * i] * b.s8[4 * i] + a.s8[4 * i + 1] * b.s8[4 * i + 1]) +
                                            sat16(a.s8[4 * i + 2] * b.s8[4 * i + 2] + a.s8[4 * i + 3] * b.s8[4 * i + 3]))))
MODEL(i16x8_extadd_pairwise_i8x16_s, L(8, r.s16[i] = (int16_t)(a.s8[2 * i] + a.s8[2 * i + 1])))
MODEL(i16x8_extadd_pairwise_i8x16_u, L(8, r.u16[i] = (uint16_t)(a.u8[2 * i] + a.u8[2 * i + 1])))
MODEL(i32x4_extadd_pairwise_i16x8_s, L(4, r.s32[i] = a.s16[2 * i] + a.s16[2 * i + 1]))
MODEL(i32x4_extadd_pairwise_i16x8_u, L(4, r.u32[i] = (uint32_t)a.u16[2 * i] + a.u16[2 * i + 1]))
MODEL(i8x16_narrow_i16x8_s, L(16, r.s8[i] = sat8(i < 8 ? a.s16[i] : b.s16[i - 8])))
MODEL(i8x16_narrow_i16x8_u, L(16, r.u8[i] = satu8(i < 8 ? a.s16[i] : b.s16[i - 8])))
MODEL(i16x8_narrow_i32x4_s, L(8, r.s16[i] = sat16(i < 4 ? a.s32[i] : b.s32[i - 4])))
MODEL(i16x8_narrow_i32x4_u, L(8, r.u16[i] = satu16(i < 4 ? a.s32[i] : b.s32[i - 4])))

#define EXT_MODELS(sh, from, n, wf_s, wf_u, nf_s, nf_u, wt)                   \
  MODEL(sh##_extend_low_##from##_s, L(n, r.wf_s[i] = a.nf_s[i]))              \
  MODEL(sh##_extend_high_##from##_s, L(n, r.wf_s[i] = a.nf_s[i + n]))         \
  MODEL(sh##_extend_low_##from##_u, L(n, r.wf_u[i] = a.nf_u[i]))              \
  MODEL(sh##_extend_high_##from##_u, L(n, r.wf_u[i] = a.nf_u[i + n]))         \
  MODEL(sh##_extmul_low_##from##_s, L(n, r.wf_s[i] = (wt)a.nf_s[i] * b.nf_s[i])) \
  MODEL(sh##_extmul_high_##from##_s, L(n, r.wf_s[i] = (wt)a.nf_s[i + n] * b.nf_s[i + n])) \
  MODEL(sh##_extmul_low_##from##_u, L(n, r.wf_u[i] = (uint64_t)a.nf_u[i] * b.nf_u[i])) \
  MODEL(sh##_extmul_high_##from##_u, L(n, r.wf_u[i] = (uint64_t)a.nf_u[i + n] * b.nf_u[i + n]))
EXT_MODELS(i16x8, i8x16, 8, s16, u16, s8, u8, int32_t)
EXT_MODELS(i32x4, i16x8, 4, s32, u32, s16, u16, int64_t)
EXT_MODELS(i64x2, i32x4, 2, s64, u64, s32, u32, int64_t)

MODEL(v128_not, L(2, r.u64[i] = ~a.u64[i]))
MODEL(v128_and, L(2, r.u64[i] = a.u64[i] & b.u64[i]))
MODEL(v128_andnot, L(2, r.u64[i] = a.u64[i] & ~b.u64[i]))
MODEL(v128_or, L(2, r.u64[i] = a.u64[i] | b.u64[i]))
MODEL(v128_xor, L(2, r.u64[i] = a.u64[i] ^ b.u64[i]))
MODEL(v128_bitselect, L(2, r.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i])))
#define model_i8x16_relaxed_laneselect model_v128_bitselect
#define model_i16x8_relaxed_laneselect model_v128_bitselect
#define model_i32x4_relaxed_laneselect model_v128_bitselect
#define model_i64x2_relaxed_laneselect model_v128_bitselect
MODEL(i8x16_swizzle, L(16, r.u8[i] = b.u8[i] < 16 ? a.u8[b.u8[i]] : 0))
#define model_i8x16_relaxed_swizzle model_i8x16_swizzle

/* -- float: scalar wastrel_ops.h operations and C arithmetic -- */
#define FLOAT_MODELS(sh, n, f, t, mask)                                       \
  MODEL(sh##_eq, L(n, r.mask[i] = MASK(a.f[i] == b.f[i])))                    \
  MODEL(sh##_ne, L(n, r.mask[i] = MASK(a.f[i] != b.f[i])))                    \
  MODEL(sh##_lt, L(n, r.mask[i] = MASK(a.f[i] < b.f[i])))                     \
  MODEL(sh##_gt, L(n, r.mask[i] = MASK(a.f[i] > b.f[i])))                     \
  MODEL(sh##_le, L(n, r.mask[i] = MASK(a.f[i] <= b.f[i])))                    \
  MODEL(sh##_ge, L(n, r.mask[i] = MASK(a.f[i] >= b.f[i])))                    \
  MODEL(sh##_add, L(n, r.f[i] = a.f[i] + b.f[i]))                             \
  MODEL(sh##_sub, L(n, r.f[i] = a.f[i] - b.f[i]))                             \
  MODEL(sh##_mul, L(n, r.f[i] = a.f[i] * b.f[i]))                             \
  MODEL(sh##_div, L(n, r.f[i] = a.f[i] / b.f[i]))                             \
  MODEL(sh##_min, L(n, r.f[i] = w_##t##_min(a.f[i], b.f[i])))                 \
  MODEL(sh##_max, L(n, r.f[i] = w_##t##_max(a.f[i], b.f[i])))                 \
  MODEL(sh##_relaxed_min, L(n, r.f[i] = w_##t##_min(a.f[i], b.f[i])))         \
  MODEL(sh##_relaxed_max, L(n, r.f[i] = w_##t##_max(a.f[i], b.f[i])))         \
  MODEL(sh##_pmin, L(n, r.mask[i] = b.f[i] < a.f[i] ? b.mask[i] : a.mask[i])) \
  MODEL(sh##_pmax, L(n, r.mask[i] = a.f[i] < b.f[i] ? b.mask[i] : a.mask[i])) \
  MODEL(sh##_neg, L(n, r.f[i] = w_##t##_neg(a.f[i])))                         \
  MODEL(sh##_abs, L(n, r.f[i] = w_##t##_abs(a.f[i])))                         \
  MODEL(sh##_sqrt, L(n, r.f[i] = w_##t##_sqrt(a.f[i])))                       \
  MODEL(sh##_ceil, L(n, r.f[i] = w_##t##_ceil(a.f[i])))                       \
  MODEL(sh##_floor, L(n, r.f[i] = w_##t##_floor(a.f[i])))                     \
  MODEL(sh##_trunc, L(n, r.f[i] = w_##t##_trunc(a.f[i])))                     \
  MODEL(sh##_nearest, L(n, r.f[i] = w_##t##_nearest(a.f[i])))                 \
  MODEL(sh##_relaxed_madd, L(n, { volatile t##_type p = a.f[i] * b.f[i]; r.f[i] = p + c.f[i]; })) \
  MODEL(sh##_relaxed_nmadd, L(n, { volatile t##_type p = -(a.f[i] * b.f[i]); r.f[i] = p + c.f[i]; }))
typedef float f32_type;
typedef double f64_type;
FLOAT_MODELS(f32x4, 4, f32, f32, s32)
FLOAT_MODELS(f64x2, 2, f64, f64, s64)

MODEL(i32x4_trunc_sat_f32x4_s, L(4, r.u32[i] = w_i32_trunc_sat_f32_s(a.f32[i])))
MODEL(i32x4_trunc_sat_f32x4_u, L(4, r.u32[i] = w_i32_trunc_sat_f32_u(a.f32[i])))
MODEL(i32x4_trunc_sat_f64x2_s_zero, L(2, r.u32[i] = w_i32_trunc_sat_f64_s(a.f64[i])))
MODEL(i32x4_trunc_sat_f64x2_u_zero, L(2, r.u32[i] = w_i32_trunc_sat_f64_u(a.f64[i])))
#define model_i32x4_relaxed_trunc_f32x4_s model_i32x4_trunc_sat_f32x4_s
#define model_i32x4_relaxed_trunc_f32x4_u model_i32x4_trunc_sat_f32x4_u
#define model_i32x4_relaxed_trunc_f64x2_s_zero model_i32x4_trunc_sat_f64x2_s_zero
#define model_i32x4_relaxed_trunc_f64x2_u_zero model_i32x4_trunc_sat_f64x2_u_zero
MODEL(f32x4_convert_i32x4_s, L(4, r.f32[i] = w_f32_convert_i32_s(a.u32[i])))
MODEL(f32x4_convert_i32x4_u, L(4, r.f32[i] = w_f32_convert_i32_u(a.u32[i])))
MODEL(f64x2_convert_low_i32x4_s, L(2, r.f64[i] = w_f64_convert_i32_s(a.u32[i])))
MODEL(f64x2_convert_low_i32x4_u, L(2, r.f64[i] = w_f64_convert_i32_u(a.u32[i])))
MODEL(f32x4_demote_f64x2_zero, L(2, r.f32[i] = w_f32_demote_f64(a.f64[i])))
MODEL(f64x2_promote_low_f32x4, L(2, r.f64[i] = w_f64_promote_f32(a.f32[i])))

#define T1(nm, sh, how) {#nm, 1, sh, how, model_##nm, w_##nm, NULL, NULL}
#define T2(nm, sh, how) {#nm, 2, sh, how, model_##nm, NULL, w_##nm, NULL}
#define T3(nm, sh, how) {#nm, 3, sh, how, model_##nm, NULL, NULL, w_##nm}
#define INT_TESTS(sh, S)                                                      \
  T2(sh##_eq, S, EXACT), T2(sh##_ne, S, EXACT), T2(sh##_lt_s, S, EXACT), T2(sh##_lt_u, S, EXACT), \
  T2(sh##_gt_s, S, EXACT), T2(sh##_gt_u, S, EXACT), T2(sh##_le_s, S, EXACT), T2(sh##_le_u, S, EXACT), \
  T2(sh##_ge_s, S, EXACT), T2(sh##_ge_u, S, EXACT), T2(sh##_add, S, EXACT), T2(sh##_sub, S, EXACT), \
  T1(sh##_neg, S, EXACT), T1(sh##_abs, S, EXACT), T2(sh##_min_s, S, EXACT), T2(sh##_min_u, S, EXACT), \
  T2(sh##_max_s, S, EXACT), T2(sh##_max_u, S, EXACT)
#define EXT_TESTS(sh, from, S)                                                \
  T1(sh##_extend_low_##from##_s, S, EXACT), T1(sh##_extend_high_##from##_s, S, EXACT), \
  T1(sh##_extend_low_##from##_u, S, EXACT), T1(sh##_extend_high_##from##_u, S, EXACT), \
  T2(sh##_extmul_low_##from##_s, S, EXACT), T2(sh##_extmul_high_##from##_s, S, EXACT), \
  T2(sh##_extmul_low_##from##_u, S, EXACT), T2(sh##_extmul_high_##from##_u, S, EXACT)
#define FLOAT_TESTS(sh, S, F)                                                 \
  T2(sh##_eq, S, EXACT), T2(sh##_ne, S, EXACT), T2(sh##_lt, S, EXACT), T2(sh##_gt, S, EXACT), \
  T2(sh##_le, S, EXACT), T2(sh##_ge, S, EXACT), T2(sh##_add, S, F), T2(sh##_sub, S, F), \
  T2(sh##_mul, S, F), T2(sh##_div, S, F), T2(sh##_min, S, F), T2(sh##_max, S, F), \
  T2(sh##_relaxed_min, S, F), T2(sh##_relaxed_max, S, F), T2(sh##_pmin, S, EXACT), \
  T2(sh##_pmax, S, EXACT), T1(sh##_neg, S, EXACT), T1(sh##_abs, S, EXACT), T1(sh##_sqrt, S, F), \
  T1(sh##_ceil, S, F), T1(sh##_floor, S, F), T1(sh##_trunc, S, F), T1(sh##_nearest, S, F), \
  T3(sh##_relaxed_madd, S, F), T3(sh##_relaxed_nmadd, S, F)

static const model_test model_tests[] = {
  INT_TESTS(i8x16, S8), INT_TESTS(i16x8, S16), INT_TESTS(i32x4, S32),
  T2(i64x2_eq, S64, EXACT), T2(i64x2_ne, S64, EXACT), T2(i64x2_lt_s, S64, EXACT), T2(i64x2_gt_s, S64, EXACT),
  T2(i64x2_le_s, S64, EXACT), T2(i64x2_ge_s, S64, EXACT), T2(i64x2_add, S64, EXACT), T2(i64x2_sub, S64, EXACT),
  T2(i64x2_mul, S64, EXACT), T1(i64x2_neg, S64, EXACT), T1(i64x2_abs, S64, EXACT),
  T2(i16x8_mul, S16, EXACT), T2(i32x4_mul, S32, EXACT),
  T2(i8x16_add_sat_s, S8, EXACT), T2(i8x16_add_sat_u, S8, EXACT), T2(i8x16_sub_sat_s, S8, EXACT),
  T2(i8x16_sub_sat_u, S8, EXACT), T2(i16x8_add_sat_s, S16, EXACT), T2(i16x8_add_sat_u, S16, EXACT),
  T2(i16x8_sub_sat_s, S16, EXACT), T2(i16x8_sub_sat_u, S16, EXACT),
  T2(i8x16_avgr_u, S8, EXACT), T2(i16x8_avgr_u, S16, EXACT), T1(i8x16_popcnt, S8, EXACT),
  T2(i16x8_q15mulr_sat_s, S16, EXACT), T2(i16x8_relaxed_q15mulr_s, S16, EXACT), T2(i32x4_dot_i16x8_s, S16, EXACT),
  T2(i16x8_relaxed_dot_i8x16_i7x16_s, S8, EXACT), T3(i32x4_relaxed_dot_i8x16_i7x16_add_s, S8, EXACT),
  T1(i16x8_extadd_pairwise_i8x16_s, S8, EXACT), T1(i16x8_extadd_pairwise_i8x16_u, S8, EXACT),
  T1(i32x4_extadd_pairwise_i16x8_s, S16, EXACT), T1(i32x4_extadd_pairwise_i16x8_u, S16, EXACT),
  T2(i8x16_narrow_i16x8_s, S16, EXACT), T2(i8x16_narrow_i16x8_u, S16, EXACT),
  T2(i16x8_narrow_i32x4_s, S32, EXACT), T2(i16x8_narrow_i32x4_u, S32, EXACT),
  EXT_TESTS(i16x8, i8x16, S8), EXT_TESTS(i32x4, i16x8, S16), EXT_TESTS(i64x2, i32x4, S32),
  T1(v128_not, S64, EXACT), T2(v128_and, S64, EXACT), T2(v128_andnot, S64, EXACT), T2(v128_or, S64, EXACT),
  T2(v128_xor, S64, EXACT), T3(v128_bitselect, S64, EXACT), T3(i8x16_relaxed_laneselect, S8, EXACT),
  T3(i16x8_relaxed_laneselect, S16, EXACT), T3(i32x4_relaxed_laneselect, S32, EXACT),
  T3(i64x2_relaxed_laneselect, S64, EXACT), T2(i8x16_swizzle, S8, EXACT), T2(i8x16_relaxed_swizzle, S8, EXACT),
  FLOAT_TESTS(f32x4, SF32, F32), FLOAT_TESTS(f64x2, SF64, F64),
  T1(i32x4_trunc_sat_f32x4_s, SF32, EXACT), T1(i32x4_trunc_sat_f32x4_u, SF32, EXACT),
  T1(i32x4_trunc_sat_f64x2_s_zero, SF64, EXACT), T1(i32x4_trunc_sat_f64x2_u_zero, SF64, EXACT),
  T1(i32x4_relaxed_trunc_f32x4_s, SF32, EXACT), T1(i32x4_relaxed_trunc_f32x4_u, SF32, EXACT),
  T1(i32x4_relaxed_trunc_f64x2_s_zero, SF64, EXACT), T1(i32x4_relaxed_trunc_f64x2_u_zero, SF64, EXACT),
  T1(f32x4_convert_i32x4_s, S32, EXACT), T1(f32x4_convert_i32x4_u, S32, EXACT),
  T1(f64x2_convert_low_i32x4_s, S32, EXACT), T1(f64x2_convert_low_i32x4_u, S32, EXACT),
};

/* demote and promote change lane width: NaN lanes are checked here. */
static void conversions_nan(void) {
  for (int k = 0; k < ROUNDS; k++) {
    lanes a = {gen(SF64)}, g = {w_f32x4_demote_f64x2_zero(a.v)}, w = {model_f32x4_demote_f64x2_zero(a.v, a.v, a.v)};
    int ok = g.u64[1] == 0;
    for (int i = 0; i < 2; i++) ok &= f32_lane_ok(g.u32[i], w.u32[i], !f64_is_nan(a.u64[i]) || f64_canon(a.u64[i]));
    checks++;
    if (!ok) fail_v("f32x4.demote_f64x2_zero", __LINE__, g.v, w.v, &a.v, 1);
    lanes b = {gen(SF32)}, h = {w_f64x2_promote_low_f32x4(b.v)}, x = {model_f64x2_promote_low_f32x4(b.v, b.v, b.v)};
    ok = 1;
    for (int i = 0; i < 2; i++) ok &= f64_lane_ok(h.u64[i], x.u64[i], !f32_is_nan(b.u32[i]) || f32_canon(b.u32[i]));
    checks++;
    if (!ok) fail_v("f64x2.promote_low_f32x4", __LINE__, h.v, x.v, &b.v, 1);
  }
}

static void models(void) {
  for (size_t t = 0; t < sizeof model_tests / sizeof model_tests[0]; t++) {
    const model_test *m = &model_tests[t];
    for (int k = 0; k < ROUNDS; k++) {
      w_v128 in[3] = {gen(m->in_shape), gen(m->in_shape), gen(m->in_shape)};
      if (k % 7 == 0) in[1] = in[0]; /* equal operands */
      w_v128 got = m->nin == 1 ? m->fn1(in[0]) : m->nin == 2 ? m->fn2(in[0], in[1]) : m->fn3(in[0], in[1], in[2]);
      compare(m->name, k, m->how, got, m->model(in[0], in[1], in[2]), in, m->nin);
    }
  }
  conversions_nan();
}

/* shifts, reductions, lanes, shuffles */
static void lanewise_rest(void) {
  static const uint32_t counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 0x80000001u, 0xffffffffu};
  for (int k = 0; k < ROUNDS; k++) {
    uint32_t n = k < 19 ? counts[k] : (uint32_t)rnd();
    lanes a = {gen((enum shape)(k % 4))}, r;
#define SHIFT_CHECK(fn, nl, f, expr)                                          \
    L(nl, r.f[i] = (expr));                                                   \
    compare(#fn, k, EXACT, w_##fn(a.v, n), r.v, &a.v, 1);
    SHIFT_CHECK(i8x16_shl, 16, u8, (uint8_t)(a.u8[i] << (n % 8)))
    SHIFT_CHECK(i8x16_shr_s, 16, s8, (int8_t)(a.s8[i] >> (n % 8)))
    SHIFT_CHECK(i8x16_shr_u, 16, u8, (uint8_t)(a.u8[i] >> (n % 8)))
    SHIFT_CHECK(i16x8_shl, 8, u16, (uint16_t)(a.u16[i] << (n % 16)))
    SHIFT_CHECK(i16x8_shr_s, 8, s16, (int16_t)(a.s16[i] >> (n % 16)))
    SHIFT_CHECK(i16x8_shr_u, 8, u16, (uint16_t)(a.u16[i] >> (n % 16)))
    SHIFT_CHECK(i32x4_shl, 4, u32, a.u32[i] << (n % 32))
    SHIFT_CHECK(i32x4_shr_s, 4, s32, a.s32[i] >> (n % 32))
    SHIFT_CHECK(i32x4_shr_u, 4, u32, a.u32[i] >> (n % 32))
    SHIFT_CHECK(i64x2_shl, 2, u64, a.u64[i] << (n % 64))
    SHIFT_CHECK(i64x2_shr_s, 2, s64, a.s64[i] >> (n % 64))
    SHIFT_CHECK(i64x2_shr_u, 2, u64, a.u64[i] >> (n % 64))
#undef SHIFT_CHECK

    /* reductions: sparse vectors, so that all_true and any_true vary */
    lanes z = {gen((enum shape)(k % 4))};
    if (k % 3) z.u64[rnd() % 2] = 0;
    if (k % 5 == 1) z.v = W_V128(0, 0);
    if (k % 4 == 2) z.u8[rnd() % 16] = 0;
    uint32_t any = z.u64[0] || z.u64[1], all8 = 1, all16 = 1, all32 = 1, all64 = 1, m8 = 0, m16 = 0, m32 = 0, m64 = 0;
    L(16, { all8 &= z.u8[i] != 0; m8 |= (uint32_t)(z.u8[i] >> 7) << i; })
    L(8, { all16 &= z.u16[i] != 0; m16 |= (uint32_t)(z.u16[i] >> 15) << i; })
    L(4, { all32 &= z.u32[i] != 0; m32 |= (z.u32[i] >> 31) << i; })
    L(2, { all64 &= z.u64[i] != 0; m64 |= (uint32_t)(z.u64[i] >> 63) << i; })
    EQI(w_v128_any_true(z.v), any);
    EQI(w_i8x16_all_true(z.v), all8);
    EQI(w_i16x8_all_true(z.v), all16);
    EQI(w_i32x4_all_true(z.v), all32);
    EQI(w_i64x2_all_true(z.v), all64);
    EQI(w_i8x16_bitmask(z.v), m8);
    EQI(w_i16x8_bitmask(z.v), m16);
    EQI(w_i32x4_bitmask(z.v), m32);
    EQI(w_i64x2_bitmask(z.v), m64);

    /* lanes, by a variable index */
    uint64_t x = rnd();
    float xf = bf((uint32_t)x);
    double xd = bd(x);
    for (int i = 0; i < 16; i++) {
      EQI(w_i8x16_extract_lane_s(a.v, i), (uint32_t)(int32_t)a.s8[i]);
      EQI(w_i8x16_extract_lane_u(a.v, i), a.u8[i]);
      r = a; r.u8[i] = (uint8_t)x;
      EQ(w_i8x16_replace_lane(a.v, (uint32_t)x, i), r.v);
    }
    for (int i = 0; i < 8; i++) {
      EQI(w_i16x8_extract_lane_s(a.v, i), (uint32_t)(int32_t)a.s16[i]);
      EQI(w_i16x8_extract_lane_u(a.v, i), a.u16[i]);
      r = a; r.u16[i] = (uint16_t)x;
      EQ(w_i16x8_replace_lane(a.v, (uint32_t)x, i), r.v);
    }
    for (int i = 0; i < 4; i++) {
      EQI(w_i32x4_extract_lane(a.v, i), a.u32[i]);
      EQI(fb(w_f32x4_extract_lane(a.v, i)), a.u32[i]);
      r = a; r.u32[i] = (uint32_t)x;
      EQ(w_i32x4_replace_lane(a.v, (uint32_t)x, i), r.v);
      EQ(w_f32x4_replace_lane(a.v, xf, i), r.v);
    }
    for (int i = 0; i < 2; i++) {
      EQI(w_i64x2_extract_lane(a.v, i), a.u64[i]);
      EQI(db(w_f64x2_extract_lane(a.v, i)), a.u64[i]);
      r = a; r.u64[i] = x;
      EQ(w_i64x2_replace_lane(a.v, x, i), r.v);
      EQ(w_f64x2_replace_lane(a.v, xd, i), r.v);
    }
    L(16, r.u8[i] = (uint8_t)x) EQ(w_i8x16_splat((uint32_t)x), r.v);
    L(8, r.u16[i] = (uint16_t)x) EQ(w_i16x8_splat((uint32_t)x), r.v);
    L(4, r.u32[i] = (uint32_t)x) EQ(w_i32x4_splat((uint32_t)x), r.v);
    EQ(w_f32x4_splat(xf), r.v);
    L(2, r.u64[i] = x) EQ(w_i64x2_splat(x), r.v);
    EQ(w_f64x2_splat(xd), r.v);

    /* shuffles: constant patterns, the model by the same indices */
    lanes b = {gen(S8)};
#define SHUFFLE_CHECK(...)                                                    \
    {                                                                         \
      static const int idx[16] = {__VA_ARGS__};                               \
      L(16, r.u8[i] = idx[i] < 16 ? a.u8[idx[i]] : b.u8[idx[i] - 16])         \
      EQ(w_i8x16_shuffle(a.v, b.v, __VA_ARGS__), r.v);                        \
    }
    SHUFFLE_CHECK(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    SHUFFLE_CHECK(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
    SHUFFLE_CHECK(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
    SHUFFLE_CHECK(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
    SHUFFLE_CHECK(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    SHUFFLE_CHECK(31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31)
    SHUFFLE_CHECK(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)
    SHUFFLE_CHECK(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11)
    SHUFFLE_CHECK(3, 29, 17, 0, 30, 12, 7, 7, 21, 9, 16, 31, 2, 25, 11, 4)
    SHUFFLE_CHECK(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
    SHUFFLE_CHECK(16, 0, 16, 0, 16, 0, 16, 0, 16, 0, 16, 0, 16, 0, 16, 0)
#undef SHUFFLE_CHECK
  }
}

/* =========================================================================
 * memory
 * ========================================================================= */

static void memory_ops(void) {
  uint8_t buf[64], *base = buf;
  for (int k = 0; k < 200; k++) {
    for (int i = 0; i < 64; i++) buf[i] = (uint8_t)rnd();
    uint64_t ea = (uint64_t)(k % 41);
    lanes m, v = {gen(S8)}, r;
    memcpy(&m, buf + ea, 16);
    EQ(w_v128_load(base, ea), m.v);
    L(8, r.s16[i] = m.s8[i]) EQ(w_v128_load8x8_s(base, ea), r.v);
    L(8, r.u16[i] = m.u8[i]) EQ(w_v128_load8x8_u(base, ea), r.v);
    L(4, r.s32[i] = m.s16[i]) EQ(w_v128_load16x4_s(base, ea), r.v);
    L(4, r.u32[i] = m.u16[i]) EQ(w_v128_load16x4_u(base, ea), r.v);
    L(2, r.s64[i] = m.s32[i]) EQ(w_v128_load32x2_s(base, ea), r.v);
    L(2, r.u64[i] = m.u32[i]) EQ(w_v128_load32x2_u(base, ea), r.v);
    L(16, r.u8[i] = m.u8[0]) EQ(w_v128_load8_splat(base, ea), r.v);
    L(8, r.u16[i] = m.u16[0]) EQ(w_v128_load16_splat(base, ea), r.v);
    L(4, r.u32[i] = m.u32[0]) EQ(w_v128_load32_splat(base, ea), r.v);
    L(2, r.u64[i] = m.u64[0]) EQ(w_v128_load64_splat(base, ea), r.v);
    EQ(w_v128_load32_zero(base, ea), W_V128(m.u32[0], 0));
    EQ(w_v128_load64_zero(base, ea), W_V128(m.u64[0], 0));
    int lane = k % 16;
    r = v; r.u8[lane] = m.u8[0]; EQ(w_v128_load8_lane(base, ea, v.v, lane), r.v);
    r = v; r.u16[lane % 8] = m.u16[0]; EQ(w_v128_load16_lane(base, ea, v.v, lane % 8), r.v);
    r = v; r.u32[lane % 4] = m.u32[0]; EQ(w_v128_load32_lane(base, ea, v.v, lane % 4), r.v);
    r = v; r.u64[lane % 2] = m.u64[0]; EQ(w_v128_load64_lane(base, ea, v.v, lane % 2), r.v);

    /* stores: exactly the instruction's bytes change */
    uint8_t want[64];
#define STORE_CHECK(call, nbytes, src)                                        \
    memcpy(want, buf, 64);                                                    \
    memcpy(want + ea, (src), nbytes);                                         \
    call;                                                                     \
    checks++;                                                                 \
    if (memcmp(want, buf, 64) != 0) {                                         \
      failures++;                                                             \
      printf("FAIL %s at %d\n", #call, (int)ea);                              \
    }
    STORE_CHECK(w_v128_store(base, ea, v.v), 16, v.u8)
    STORE_CHECK(w_v128_store8_lane(base, ea, v.v, lane), 1, &v.u8[lane])
    STORE_CHECK(w_v128_store16_lane(base, ea, v.v, lane % 8), 2, &v.u16[lane % 8])
    STORE_CHECK(w_v128_store32_lane(base, ea, v.v, lane % 4), 4, &v.u32[lane % 4])
    STORE_CHECK(w_v128_store64_lane(base, ea, v.v, lane % 2), 8, &v.u64[lane % 2])
#undef STORE_CHECK
  }
}

/* Accesses that reach one byte past a readable page fault; those that end
 * at its last byte do not.  In precise mode a load faults even when its
 * value is unused. */
static sigjmp_buf fault_jump;
static void on_fault(int sig) {
  (void)sig;
  siglongjmp(fault_jump, 1);
}

static volatile w_v128 sink;

#define FAULTS(expect, stmt)                                                  \
  do {                                                                        \
    volatile int faulted = 0;                                                 \
    if (sigsetjmp(fault_jump, 1) == 0) {                                      \
      stmt;                                                                   \
    } else {                                                                  \
      faulted = 1;                                                            \
    }                                                                         \
    checks++;                                                                 \
    if (faulted != (expect)) {                                                \
      failures++;                                                             \
      printf("FAIL %s: %s\n", #stmt, faulted ? "faulted" : "did not fault");  \
    }                                                                         \
  } while (0)

static void faults(void) {
  long page = sysconf(_SC_PAGESIZE);
  uint8_t *mem = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED || mprotect(mem + page, (size_t)page, PROT_NONE) != 0) {
    printf("FAIL mmap\n");
    failures++;
    return;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  uint8_t *base = mem;
  volatile uint64_t end = (uint64_t)page; /* volatile: no constant folding */
  w_v128 v = W_V128(0x1122334455667788u, 0x99aabbccddeeff00u);

  FAULTS(0, sink = w_v128_load(base, end - 16));
  FAULTS(1, sink = w_v128_load(base, end - 15));
  FAULTS(1, sink = w_v128_load(base, end - 1));
  FAULTS(0, sink = w_v128_load64_zero(base, end - 8));
  FAULTS(1, sink = w_v128_load64_zero(base, end - 7));
  FAULTS(0, sink = w_v128_load32_zero(base, end - 4));
  FAULTS(1, sink = w_v128_load32_zero(base, end - 3));
  FAULTS(0, sink = w_v128_load8x8_s(base, end - 8));
  FAULTS(1, sink = w_v128_load16x4_u(base, end - 7));
  FAULTS(0, sink = w_v128_load16_splat(base, end - 2));
  FAULTS(1, sink = w_v128_load16_splat(base, end - 1));
  FAULTS(0, sink = w_v128_load8_splat(base, end - 1));
  FAULTS(1, sink = w_v128_load8_splat(base, end));
  FAULTS(1, sink = w_v128_load64_lane(base, end - 4, v, 1));
  FAULTS(1, sink = w_v128_load8_lane(base, end, v, 3));

  /* the stores: a faulting store writes nothing */
  memset(mem + page - 32, 0, 32);
  FAULTS(0, w_v128_store(base, end - 16, v));
  FAULTS(1, w_v128_store(base, end - 15, v));
  FAULTS(1, w_v128_store64_lane(base, end - 7, v, 0));
  FAULTS(0, w_v128_store32_lane(base, end - 4, v, 3));
  FAULTS(1, w_v128_store16_lane(base, end - 1, v, 3));
  FAULTS(0, w_v128_store8_lane(base, end - 1, v, 15));
  {
    uint8_t want[32] = {0};
    memcpy(want + 16, &v, 16);
    memcpy(want + 28, (uint8_t *)&v + 12, 4);
    want[31] = 0x99;
    checks++;
    if (memcmp(mem + page - 32, want, 32) != 0) {
      failures++;
      printf("FAIL bytes after faulting stores\n");
    }
  }

#if W_PRECISE_TRAPS
  /* unused results: the load still happens */
  FAULTS(1, (void)w_v128_load(base, end - 15));
  FAULTS(1, (void)w_v128_load64_splat(base, end - 4));
  FAULTS(1, (void)w_v128_load32x2_s(base, end - 4));
  FAULTS(1, (void)w_v128_load16_lane(base, end - 1, v, 0));
  FAULTS(1, (void)w_v128_load32_zero(base, end - 2));
#endif

  signal(SIGSEGV, SIG_DFL);
  signal(SIGBUS, SIG_DFL);
  munmap(mem, 2 * (size_t)page);
}

int main(void) {
  hand();
  models();
  lanewise_rest();
  memory_ops();
  faults();
  printf("%ld checks, %ld failures (%s)\n", checks, failures, W_SIMD_SSE2 ? "SSE2" : "generic");
  return failures != 0;
}
