/* SIMD intrinsics (wasm_simd128.h, clang -msimd128): a checksum over many
 * lane shapes and operations, printed lane by lane, so that a wrong lane,
 * saturation, rounding or NaN rule shows up as a different line.  Only for
 * wasm32 (the native oracle is wasmtime). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

static void show(const char *what, v128_t v) {
  uint8_t b[16];
  memcpy(b, &v, 16);
  printf("%-28s", what);
  for (int i = 15; i >= 0; i--) printf("%02x%s", b[i], i % 4 == 0 && i ? "_" : "");
  printf("\n");
}

/* A NaN's sign and payload are the engine's choice (the spec allows any
 * canonical NaN here): printed as plain "nan". */
static double shown(double x) { return isnan(x) ? NAN : x; }

static void show_f32(const char *what, v128_t v) {
  printf("%-28s %g %g %g %g\n", what, shown(wasm_f32x4_extract_lane(v, 0)), shown(wasm_f32x4_extract_lane(v, 1)),
         shown(wasm_f32x4_extract_lane(v, 2)), shown(wasm_f32x4_extract_lane(v, 3)));
}

/* Kept out of line so that clang cannot fold the operations away. */
__attribute__((noinline)) static v128_t load(const void *p) { return wasm_v128_load(p); }

int main(void) {
  static const int8_t bytes[32] = {-128, -1, 0, 1, 127, 100, -100, 50, 3, 7, 11, -13, 17, 19, -23, 29,
                                   5, -5, 120, -120, 64, -64, 2, -2, 90, -90, 33, -33, 1, 0, -1, 127};
  static const int16_t shorts[8] = {-32768, -1, 0, 1, 32767, 12345, -12345, 300};
  static const int32_t ints[4] = {INT32_MIN, -7, 7, INT32_MAX};
  static const float floats[4] = {1.5f, -2.5f, NAN, -0.0f};
  static const float floats2[4] = {0.5f, -2.5f, 3.0f, 0.0f};
  static const double doubles[2] = {2.5, -3.5};
  v128_t a = load(bytes), b = load(bytes + 16), s = load(shorts), n = load(ints);
  v128_t f = load(floats), g = load(floats2), d = load(doubles);

  show("i8x16.add", wasm_i8x16_add(a, b));
  show("i8x16.add_sat", wasm_i8x16_add_sat(a, b));
  show("u8x16.add_sat", wasm_u8x16_add_sat(a, b));
  show("i8x16.sub_sat", wasm_i8x16_sub_sat(a, b));
  show("u8x16.avgr", wasm_u8x16_avgr(a, b));
  show("i8x16.min/max", wasm_i8x16_max(wasm_i8x16_min(a, b), wasm_i8x16_splat(-50)));
  show("i8x16.abs", wasm_i8x16_abs(a));
  show("i8x16.popcnt", wasm_i8x16_popcnt(a));
  show("i8x16.shuffle", wasm_i8x16_shuffle(a, b, 0, 17, 2, 19, 4, 21, 6, 23, 31, 30, 29, 28, 3, 3, 3, 3));
  show("i8x16.swizzle", wasm_i8x16_swizzle(a, wasm_i8x16_make(0, 15, 16, -56, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)));
  show("i8x16.narrow_i16x8", wasm_i8x16_narrow_i16x8(s, s));
  show("u8x16.narrow_i16x8", wasm_u8x16_narrow_i16x8(s, s));
  show("i8x16.gt", wasm_i8x16_gt(a, b));
  show("u8x16.gt", wasm_u8x16_gt(a, b));
  show("i8x16.shr", wasm_i8x16_shr(a, 3));
  show("u8x16.shr", wasm_u8x16_shr(a, 11));
  printf("i8x16.bitmask %08x all_true %d any_true %d\n", wasm_i8x16_bitmask(a), wasm_i8x16_all_true(a),
         wasm_v128_any_true(a));

  show("i16x8.mul", wasm_i16x8_mul(s, s));
  show("i16x8.q15mulr_sat", wasm_i16x8_q15mulr_sat(s, wasm_i16x8_splat(-32768)));
  show("i16x8.extmul_low_i8x16", wasm_i16x8_extmul_low_i8x16(a, b));
  show("u16x8.extmul_high_u8x16", wasm_u16x8_extmul_high_u8x16(a, b));
  show("i16x8.extadd_pairwise", wasm_i16x8_extadd_pairwise_i8x16(a));
  show("i16x8.extend_high_i8x16", wasm_i16x8_extend_high_i8x16(a));
  show("u16x8.extend_low_u8x16", wasm_u16x8_extend_low_u8x16(a));
  show("i16x8.narrow_i32x4", wasm_i16x8_narrow_i32x4(n, n));
  show("i16x8.shl", wasm_i16x8_shl(s, 17));

  show("i32x4.dot_i16x8", wasm_i32x4_dot_i16x8(s, s));
  show("i32x4.mul", wasm_i32x4_mul(n, n));
  show("i32x4.abs/neg", wasm_i32x4_neg(wasm_i32x4_abs(n)));
  show("i32x4.trunc_sat_f32x4", wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(f, wasm_f32x4_splat(3e9f))));
  show("u32x4.trunc_sat_f32x4", wasm_u32x4_trunc_sat_f32x4(wasm_f32x4_mul(f, wasm_f32x4_splat(3e9f))));
  show("i32x4.trunc_sat_f64x2_zero", wasm_i32x4_trunc_sat_f64x2_zero(d));
  show("i64x2.extmul_low_i32x4", wasm_i64x2_extmul_low_i32x4(n, n));
  show("i64x2.shr", wasm_i64x2_shr(wasm_i64x2_extend_low_i32x4(n), 63));
  printf("i32x4.bitmask %x i64x2.bitmask %x\n", wasm_i32x4_bitmask(n), wasm_i64x2_bitmask(n));

  show_f32("f32x4.add", wasm_f32x4_add(f, g));
  show_f32("f32x4.min", wasm_f32x4_min(f, g));
  show_f32("f32x4.max", wasm_f32x4_max(f, g));
  show_f32("f32x4.pmin", wasm_f32x4_pmin(f, g));
  show_f32("f32x4.pmax", wasm_f32x4_pmax(f, g));
  show_f32("f32x4.nearest", wasm_f32x4_nearest(f));
  show_f32("f32x4.sqrt", wasm_f32x4_sqrt(wasm_f32x4_abs(f)));
  show_f32("f32x4.convert_u32x4", wasm_f32x4_convert_u32x4(n));
  show_f32("f32x4.demote_f64x2_zero", wasm_f32x4_demote_f64x2_zero(d));
  show("f32x4.lt", wasm_f32x4_lt(f, g));
  show("f32x4.ne", wasm_f32x4_ne(f, g));
  v128_t p = wasm_f64x2_promote_low_f32x4(f);
  printf("f64x2.promote_low %g %g\n", shown(wasm_f64x2_extract_lane(p, 0)), shown(wasm_f64x2_extract_lane(p, 1)));
  v128_t q = wasm_f64x2_floor(wasm_f64x2_div(d, wasm_f64x2_splat(0.75)));
  printf("f64x2.floor/div %g %g\n", wasm_f64x2_extract_lane(q, 0), wasm_f64x2_extract_lane(q, 1));

  /* Lanes in and out of memory. */
  int32_t out[8] = {0};
  wasm_v128_store32_lane(out + 1, n, 3);
  v128_t l = wasm_v128_load16_lane(shorts + 4, a, 7);
  v128_t z = wasm_v128_load64_zero(ints);
  wasm_v128_store(out + 4, wasm_v128_bitselect(l, z, wasm_i32x4_splat(0x0ff00ff0)));
  for (int i = 0; i < 8; i++) printf("%d%c", out[i], i == 7 ? '\n' : ' ');
  show("v128.load8x8_s", wasm_i16x8_load8x8(bytes + 3));
  show("v128.load32_splat", wasm_v128_load32_splat(bytes + 5));
  return 0;
}
