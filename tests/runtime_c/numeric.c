/* numeric.c -- exports one Wasm numeric instruction per export, named after
 * it with `_` for `.`, so that tests can run each on chosen operands through
 * --invoke.  Conversions to floats also come as `..._bits` exports that
 * return the result's bit pattern, for exact comparisons.  There is no
 * memory and no _start. */
#include "wastrel.h"

#define OP1(name, in, out)                                \
  static void t_##name(const w_value *a, w_value *r) { r[0].out = w_##name(a[0].in); }
#define OP2(name, in, out)                                               \
  static void t_##name(const w_value *a, w_value *r) { r[0].out = w_##name(a[0].in, a[1].in); }
#define BITS32(name, in)                                                 \
  static void t_##name##_bits(const w_value *a, w_value *r) {            \
    r[0].i32 = w_i32_reinterpret_f32(w_##name(a[0].in));                 \
  }
#define BITS64(name, in)                                                 \
  static void t_##name##_bits(const w_value *a, w_value *r) {            \
    r[0].i64 = w_i64_reinterpret_f64(w_##name(a[0].in));                 \
  }

OP2(i32_div_s, i32, i32) OP2(i32_div_u, i32, i32) OP2(i32_rem_s, i32, i32) OP2(i32_rem_u, i32, i32)
OP2(i64_div_s, i64, i64) OP2(i64_div_u, i64, i64) OP2(i64_rem_s, i64, i64) OP2(i64_rem_u, i64, i64)
OP2(i32_rotl, i32, i32) OP2(i32_rotr, i32, i32) OP2(i64_rotl, i64, i64) OP2(i64_rotr, i64, i64)
OP1(i32_clz, i32, i32) OP1(i32_ctz, i32, i32) OP1(i32_popcnt, i32, i32)
OP1(i64_clz, i64, i64) OP1(i64_ctz, i64, i64) OP1(i64_popcnt, i64, i64)
OP2(f32_min, f32, f32) OP2(f32_max, f32, f32) OP2(f64_min, f64, f64) OP2(f64_max, f64, f64)
OP2(f32_copysign, f32, f32) OP2(f64_copysign, f64, f64)
OP1(f32_nearest, f32, f32) OP1(f64_nearest, f64, f64)
OP1(f32_trunc, f32, f32) OP1(f32_ceil, f32, f32) OP1(f32_floor, f32, f32)
OP1(f32_sqrt, f32, f32) OP1(f32_abs, f32, f32) OP1(f32_neg, f32, f32)
OP1(f64_trunc, f64, f64) OP1(f64_ceil, f64, f64) OP1(f64_floor, f64, f64)
OP1(f64_sqrt, f64, f64) OP1(f64_abs, f64, f64) OP1(f64_neg, f64, f64)
OP1(i32_trunc_f32_s, f32, i32) OP1(i32_trunc_f32_u, f32, i32)
OP1(i32_trunc_f64_s, f64, i32) OP1(i32_trunc_f64_u, f64, i32)
OP1(i64_trunc_f32_s, f32, i64) OP1(i64_trunc_f32_u, f32, i64)
OP1(i64_trunc_f64_s, f64, i64) OP1(i64_trunc_f64_u, f64, i64)
OP1(i32_trunc_sat_f32_s, f32, i32) OP1(i32_trunc_sat_f32_u, f32, i32)
OP1(i32_trunc_sat_f64_s, f64, i32) OP1(i32_trunc_sat_f64_u, f64, i32)
OP1(i64_trunc_sat_f32_s, f32, i64) OP1(i64_trunc_sat_f32_u, f32, i64)
OP1(i64_trunc_sat_f64_s, f64, i64) OP1(i64_trunc_sat_f64_u, f64, i64)
BITS32(f32_convert_i32_s, i32) BITS32(f32_convert_i32_u, i32)
BITS32(f32_convert_i64_s, i64) BITS32(f32_convert_i64_u, i64)
BITS64(f64_convert_i32_s, i32) BITS64(f64_convert_i32_u, i32)
BITS64(f64_convert_i64_s, i64) BITS64(f64_convert_i64_u, i64)
BITS32(f32_demote_f64, f64) BITS64(f64_promote_f32, f32)
OP1(f32_convert_i64_u, i64, f32)
OP1(i32_reinterpret_f32, f32, i32) OP1(i64_reinterpret_f64, f64, i64)
OP1(f32_reinterpret_i32, i32, f32) OP1(f64_reinterpret_i64, i64, f64)
OP1(i32_extend8_s, i32, i32) OP1(i32_extend16_s, i32, i32)
OP1(i64_extend8_s, i64, i64) OP1(i64_extend16_s, i64, i64) OP1(i64_extend32_s, i64, i64)
OP1(i64_extend_i32_s, i32, i64) OP1(i64_extend_i32_u, i32, i64) OP1(i32_wrap_i64, i64, i32)

/* Identities, for argument parsing and result printing. */
static void t_id_i32(const w_value *a, w_value *r) { r[0] = a[0]; }
static void t_id_i64(const w_value *a, w_value *r) { r[0] = a[0]; }
static void t_id_f32(const w_value *a, w_value *r) { r[0] = a[0]; }
static void t_id_f64(const w_value *a, w_value *r) { r[0] = a[0]; }
static void t_id_ref(const w_value *a, w_value *r) { r[0] = a[0]; }
static void t_some_ref(const w_value *a, w_value *r) { (void)a; r[0].ref = (void *)&r; }
static void t_swap3(const w_value *a, w_value *r) { r[0] = a[2]; r[1] = a[1]; r[2] = a[0]; }
static void t_nothing(const w_value *a, w_value *r) { (void)a; (void)r; }

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(i32_div_s, "ii", "i"), E(i32_div_u, "ii", "i"), E(i32_rem_s, "ii", "i"), E(i32_rem_u, "ii", "i"),
    E(i64_div_s, "II", "I"), E(i64_div_u, "II", "I"), E(i64_rem_s, "II", "I"), E(i64_rem_u, "II", "I"),
    E(i32_rotl, "ii", "i"), E(i32_rotr, "ii", "i"), E(i64_rotl, "II", "I"), E(i64_rotr, "II", "I"),
    E(i32_clz, "i", "i"), E(i32_ctz, "i", "i"), E(i32_popcnt, "i", "i"),
    E(i64_clz, "I", "I"), E(i64_ctz, "I", "I"), E(i64_popcnt, "I", "I"),
    E(f32_min, "ff", "f"), E(f32_max, "ff", "f"), E(f64_min, "FF", "F"), E(f64_max, "FF", "F"),
    E(f32_copysign, "ff", "f"), E(f64_copysign, "FF", "F"),
    E(f32_nearest, "f", "f"), E(f64_nearest, "F", "F"),
    E(f32_trunc, "f", "f"), E(f32_ceil, "f", "f"), E(f32_floor, "f", "f"),
    E(f32_sqrt, "f", "f"), E(f32_abs, "f", "f"), E(f32_neg, "f", "f"),
    E(f64_trunc, "F", "F"), E(f64_ceil, "F", "F"), E(f64_floor, "F", "F"),
    E(f64_sqrt, "F", "F"), E(f64_abs, "F", "F"), E(f64_neg, "F", "F"),
    E(i32_trunc_f32_s, "f", "i"), E(i32_trunc_f32_u, "f", "i"),
    E(i32_trunc_f64_s, "F", "i"), E(i32_trunc_f64_u, "F", "i"),
    E(i64_trunc_f32_s, "f", "I"), E(i64_trunc_f32_u, "f", "I"),
    E(i64_trunc_f64_s, "F", "I"), E(i64_trunc_f64_u, "F", "I"),
    E(i32_trunc_sat_f32_s, "f", "i"), E(i32_trunc_sat_f32_u, "f", "i"),
    E(i32_trunc_sat_f64_s, "F", "i"), E(i32_trunc_sat_f64_u, "F", "i"),
    E(i64_trunc_sat_f32_s, "f", "I"), E(i64_trunc_sat_f32_u, "f", "I"),
    E(i64_trunc_sat_f64_s, "F", "I"), E(i64_trunc_sat_f64_u, "F", "I"),
    E(f32_convert_i32_s_bits, "i", "i"), E(f32_convert_i32_u_bits, "i", "i"),
    E(f32_convert_i64_s_bits, "I", "i"), E(f32_convert_i64_u_bits, "I", "i"),
    E(f64_convert_i32_s_bits, "i", "I"), E(f64_convert_i32_u_bits, "i", "I"),
    E(f64_convert_i64_s_bits, "I", "I"), E(f64_convert_i64_u_bits, "I", "I"),
    E(f32_demote_f64_bits, "F", "i"), E(f64_promote_f32_bits, "f", "I"),
    E(f32_convert_i64_u, "I", "f"),
    E(i32_reinterpret_f32, "f", "i"), E(i64_reinterpret_f64, "F", "I"),
    E(f32_reinterpret_i32, "i", "f"), E(f64_reinterpret_i64, "I", "F"),
    E(i32_extend8_s, "i", "i"), E(i32_extend16_s, "i", "i"),
    E(i64_extend8_s, "I", "I"), E(i64_extend16_s, "I", "I"), E(i64_extend32_s, "I", "I"),
    E(i64_extend_i32_s, "i", "I"), E(i64_extend_i32_u, "i", "I"), E(i32_wrap_i64, "I", "i"),
    E(id_i32, "i", "i"), E(id_i64, "I", "I"), E(id_f32, "f", "f"), E(id_f64, "F", "F"),
    E(id_ref, "r", "r"), E(some_ref, "", "r"), E(swap3, "iIF", "FIi"), E(nothing, "", ""),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;

void w_program_instantiate(void) {}
