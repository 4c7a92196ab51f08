/* wastrel_ops.h -- the Wasm numeric and memory instructions that are not a
 * plain C operator, as static inline functions named `w_` + the instruction
 * name with `.` replaced by `_`.
 *
 * Included by wastrel.h (after w_trap is declared); not meant to be included
 * on its own.  i32 and i64 operands and results are uint32_t and uint64_t;
 * signed instructions reinterpret them explicitly (gcc defines out-of-range
 * unsigned-to-signed conversion as wrapping).
 *
 * Loads and stores take the memory's base and the effective address
 * `(uint64_t)addr + offset`; they do no bounds check because a linear memory
 * sits in a reservation that makes every out-of-bounds effective address
 * fault (see memory.c and trap.c).  They are memcpy's, which the compiler
 * turns into a single (unaligned-safe) move.
 */
#ifndef WASTREL_OPS_H
#define WASTREL_OPS_H

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "Wasm memory is little-endian; loads and stores assume the host is too");
_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE 754 binary32/binary64 required");

/* ---- integer division ------------------------------------------------ */

static inline uint32_t w_i32_div_s(uint32_t a, uint32_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  if (W_UNLIKELY(a == 0x80000000u && b == 0xffffffffu)) w_trap(W_TRAP_INT_OVERFLOW);
  return (uint32_t)((int32_t)a / (int32_t)b);
}
static inline uint32_t w_i32_div_u(uint32_t a, uint32_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  return a / b;
}
static inline uint32_t w_i32_rem_s(uint32_t a, uint32_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  if (W_UNLIKELY(b == 0xffffffffu)) return 0; /* INT_MIN % -1 would fault in C */
  return (uint32_t)((int32_t)a % (int32_t)b);
}
static inline uint32_t w_i32_rem_u(uint32_t a, uint32_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  return a % b;
}

static inline uint64_t w_i64_div_s(uint64_t a, uint64_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  if (W_UNLIKELY(a == 0x8000000000000000u && b == 0xffffffffffffffffu)) w_trap(W_TRAP_INT_OVERFLOW);
  return (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t w_i64_div_u(uint64_t a, uint64_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  return a / b;
}
static inline uint64_t w_i64_rem_s(uint64_t a, uint64_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  if (W_UNLIKELY(b == 0xffffffffffffffffu)) return 0;
  return (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t w_i64_rem_u(uint64_t a, uint64_t b) {
  if (W_UNLIKELY(b == 0)) w_trap(W_TRAP_INT_DIV_ZERO);
  return a % b;
}

/* i64.mul_high_u: the high half of the unsigned 128-bit product.  Not a
 * Wasm instruction: the pass recognize-helpers writes a recognised __multi3
 * (compiler-rt's 128-bit multiplication) with it. */
static inline uint64_t w_i64_mul_high_u(uint64_t a, uint64_t b) {
  return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* ---- bit operations -------------------------------------------------- */

static inline uint32_t w_i32_rotl(uint32_t x, uint32_t n) { return (x << (n & 31)) | (x >> (-n & 31)); }
static inline uint32_t w_i32_rotr(uint32_t x, uint32_t n) { return (x >> (n & 31)) | (x << (-n & 31)); }
static inline uint32_t w_i32_clz(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t w_i32_ctz(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint32_t w_i32_popcnt(uint32_t x) { return (uint32_t)__builtin_popcount(x); }

static inline uint64_t w_i64_rotl(uint64_t x, uint64_t n) { return (x << (n & 63)) | (x >> (-n & 63)); }
static inline uint64_t w_i64_rotr(uint64_t x, uint64_t n) { return (x >> (n & 63)) | (x << (-n & 63)); }
static inline uint64_t w_i64_clz(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t w_i64_ctz(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }
static inline uint64_t w_i64_popcnt(uint64_t x) { return (uint64_t)__builtin_popcountll(x); }

/* ---- float operations ------------------------------------------------ */

/* min/max: a NaN operand gives NaN (`a + b` propagates it, quieted), and
 * -0 is less than +0 (when a == b only the sign can differ). */
static inline float w_f32_min(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static inline float w_f32_max(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}
static inline double w_f64_min(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}
static inline double w_f64_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return signbit(a) ? b : a;
  return a > b ? a : b;
}

/* The rounding operations are arithmetic: a NaN comes out quiet (`x + x`
 * quiets a signalling NaN; libm may hand it back unchanged).  nearest is
 * rint in the default rounding mode, which Wasm code cannot change (and
 * the inexact flag it may raise is invisible). */
static inline float w_f32_nearest(float x) { return x != x ? x + x : rintf(x); }
static inline double w_f64_nearest(double x) { return x != x ? x + x : rint(x); }

static inline float w_f32_trunc(float x) { return x != x ? x + x : truncf(x); }
static inline float w_f32_ceil(float x) { return x != x ? x + x : ceilf(x); }
static inline float w_f32_floor(float x) { return x != x ? x + x : floorf(x); }
static inline float w_f32_sqrt(float x) { return sqrtf(x); }
static inline float w_f32_abs(float x) { return fabsf(x); }
static inline float w_f32_neg(float x) { return -x; }
static inline float w_f32_copysign(float x, float y) { return copysignf(x, y); }

static inline double w_f64_trunc(double x) { return x != x ? x + x : trunc(x); }
static inline double w_f64_ceil(double x) { return x != x ? x + x : ceil(x); }
static inline double w_f64_floor(double x) { return x != x ? x + x : floor(x); }
static inline double w_f64_sqrt(double x) { return sqrt(x); }
static inline double w_f64_abs(double x) { return fabs(x); }
static inline double w_f64_neg(double x) { return -x; }
static inline double w_f64_copysign(double x, double y) { return copysign(x, y); }

/* ---- trapping float-to-int conversions --------------------------------
 * Valid iff trunc(x) is representable: lo < x < hi with lo = MIN - 1 and
 * hi = MAX + 1.  Where MIN - 1 is not representable in the source type
 * (it rounds to MIN), the test is x >= MIN instead.  NaN fails every
 * comparison, so it is checked first. */

#define W_TRUNC_CHECK(x, lo_ok, hi)                                  \
  do {                                                               \
    if (W_UNLIKELY((x) != (x))) w_trap(W_TRAP_INVALID_CONVERSION);   \
    if (W_UNLIKELY(!((lo_ok) && (x) < (hi)))) w_trap(W_TRAP_INT_OVERFLOW); \
  } while (0)

static inline uint32_t w_i32_trunc_f32_s(float x) {
  W_TRUNC_CHECK(x, x >= -2147483648.0f, 2147483648.0f);
  return (uint32_t)(int32_t)x;
}
static inline uint32_t w_i32_trunc_f32_u(float x) {
  W_TRUNC_CHECK(x, x > -1.0f, 4294967296.0f);
  return (uint32_t)x;
}
static inline uint32_t w_i32_trunc_f64_s(double x) {
  W_TRUNC_CHECK(x, x > -2147483649.0, 2147483648.0);
  return (uint32_t)(int32_t)x;
}
static inline uint32_t w_i32_trunc_f64_u(double x) {
  W_TRUNC_CHECK(x, x > -1.0, 4294967296.0);
  return (uint32_t)x;
}
static inline uint64_t w_i64_trunc_f32_s(float x) {
  W_TRUNC_CHECK(x, x >= -9223372036854775808.0f, 9223372036854775808.0f);
  return (uint64_t)(int64_t)x;
}
static inline uint64_t w_i64_trunc_f32_u(float x) {
  W_TRUNC_CHECK(x, x > -1.0f, 18446744073709551616.0f);
  return (uint64_t)x;
}
static inline uint64_t w_i64_trunc_f64_s(double x) {
  W_TRUNC_CHECK(x, x >= -9223372036854775808.0, 9223372036854775808.0);
  return (uint64_t)(int64_t)x;
}
static inline uint64_t w_i64_trunc_f64_u(double x) {
  W_TRUNC_CHECK(x, x > -1.0, 18446744073709551616.0);
  return (uint64_t)x;
}

#undef W_TRUNC_CHECK

/* ---- saturating float-to-int conversions ------------------------------
 * NaN gives 0; values beyond either end clamp to it. */

static inline uint32_t w_i32_trunc_sat_f32_s(float x) {
  if (x != x) return 0;
  if (x < -2147483648.0f) return 0x80000000u;
  if (x >= 2147483648.0f) return 0x7fffffffu;
  return (uint32_t)(int32_t)x;
}
static inline uint32_t w_i32_trunc_sat_f32_u(float x) {
  if (!(x > -1.0f)) return 0; /* also NaN */
  if (x >= 4294967296.0f) return 0xffffffffu;
  return (uint32_t)x;
}
static inline uint32_t w_i32_trunc_sat_f64_s(double x) {
  if (x != x) return 0;
  if (x <= -2147483649.0) return 0x80000000u;
  if (x >= 2147483648.0) return 0x7fffffffu;
  return (uint32_t)(int32_t)x;
}
static inline uint32_t w_i32_trunc_sat_f64_u(double x) {
  if (!(x > -1.0)) return 0;
  if (x >= 4294967296.0) return 0xffffffffu;
  return (uint32_t)x;
}
static inline uint64_t w_i64_trunc_sat_f32_s(float x) {
  if (x != x) return 0;
  if (x < -9223372036854775808.0f) return 0x8000000000000000u;
  if (x >= 9223372036854775808.0f) return 0x7fffffffffffffffu;
  return (uint64_t)(int64_t)x;
}
static inline uint64_t w_i64_trunc_sat_f32_u(float x) {
  if (!(x > -1.0f)) return 0;
  if (x >= 18446744073709551616.0f) return 0xffffffffffffffffu;
  return (uint64_t)x;
}
static inline uint64_t w_i64_trunc_sat_f64_s(double x) {
  if (x != x) return 0;
  if (x < -9223372036854775808.0) return 0x8000000000000000u;
  if (x >= 9223372036854775808.0) return 0x7fffffffffffffffu;
  return (uint64_t)(int64_t)x;
}
static inline uint64_t w_i64_trunc_sat_f64_u(double x) {
  if (!(x > -1.0)) return 0;
  if (x >= 18446744073709551616.0) return 0xffffffffffffffffu;
  return (uint64_t)x;
}

/* ---- other conversions ----------------------------------------------- */

/* gcc converts each integer type directly with one correctly rounded
 * operation (uint64_t included: no double rounding through double). */
static inline float w_f32_convert_i32_s(uint32_t x) { return (float)(int32_t)x; }
static inline float w_f32_convert_i32_u(uint32_t x) { return (float)x; }
static inline float w_f32_convert_i64_s(uint64_t x) { return (float)(int64_t)x; }
static inline float w_f32_convert_i64_u(uint64_t x) { return (float)x; }
static inline double w_f64_convert_i32_s(uint32_t x) { return (double)(int32_t)x; }
static inline double w_f64_convert_i32_u(uint32_t x) { return (double)x; }
static inline double w_f64_convert_i64_s(uint64_t x) { return (double)(int64_t)x; }
static inline double w_f64_convert_i64_u(uint64_t x) { return (double)x; }

/* The empty asm keeps the C compiler from folding demote(promote(x)) to x,
 * which would let a signalling NaN through unquieted. */
static inline float w_f32_demote_f64(double x) {
  float f = (float)x;
  __asm__("" : "+x"(f));
  return f;
}
static inline double w_f64_promote_f32(float x) {
  double d = (double)x;
  __asm__("" : "+x"(d));
  return d;
}

static inline uint32_t w_i32_reinterpret_f32(float x) { uint32_t r; memcpy(&r, &x, 4); return r; }
static inline uint64_t w_i64_reinterpret_f64(double x) { uint64_t r; memcpy(&r, &x, 8); return r; }
static inline float w_f32_reinterpret_i32(uint32_t x) { float r; memcpy(&r, &x, 4); return r; }
static inline double w_f64_reinterpret_i64(uint64_t x) { double r; memcpy(&r, &x, 8); return r; }

static inline uint32_t w_i32_extend8_s(uint32_t x) { return (uint32_t)(int32_t)(int8_t)x; }
static inline uint32_t w_i32_extend16_s(uint32_t x) { return (uint32_t)(int32_t)(int16_t)x; }
static inline uint64_t w_i64_extend8_s(uint64_t x) { return (uint64_t)(int64_t)(int8_t)x; }
static inline uint64_t w_i64_extend16_s(uint64_t x) { return (uint64_t)(int64_t)(int16_t)x; }
static inline uint64_t w_i64_extend32_s(uint64_t x) { return (uint64_t)(int64_t)(int32_t)x; }
static inline uint64_t w_i64_extend_i32_s(uint32_t x) { return (uint64_t)(int64_t)(int32_t)x; }
static inline uint64_t w_i64_extend_i32_u(uint32_t x) { return (uint64_t)x; }
static inline uint32_t w_i32_wrap_i64(uint64_t x) { return (uint32_t)x; }

/* ---- precise and fast traps -----------------------------------------
 * A memory access may fault, and the fault is a trap.  The C compiler
 * believes accesses cannot fault, so left alone it deletes a load whose
 * value is unused (and the trap with it), and deletes, sinks or hoists
 * stores across an access that faults.  How much of that must be stopped
 * depends on whether anyone looks at the instance after a trap:
 *
 * W_PRECISE_TRAPS 1 (the default): precise traps, for instances that
 *   outlive a trap -- the spec harness (wast/harness.c), a module called
 *   export by export (`--invoke-lines` goes on after a trapping call).
 *   Every load happens, even with its value unused (an empty asm "uses"
 *   it), and every access is a compiler barrier on both sides, so that
 *   after a trap exactly the stores (to memory or to a global) that come
 *   before it in the Wasm code have happened.  The price: the C compiler
 *   cannot keep memory in registers across accesses, merge, vectorise or
 *   fold loads into other instructions.
 *
 * W_PRECISE_TRAPS 0: fast traps, for a WASI command (a module exporting
 *   `_start`), whose instance never outlives a trap: `run` and `--invoke`
 *   end the process, `--invoke-lines` stops there (main.c).  Nobody reads
 *   memory after a trap, so the order of stores around it does not matter,
 *   and accesses are plain C reads and writes.  The trap itself must still
 *   happen before anything that follows it is printed.  The C compiler
 *   keeps a load whose value a store, call, branch, return or other access
 *   in the same C statement consumes; the C printer keeps the rest of what
 *   may fault (backend_c/kept.py) with W_KEEP_INT/W_KEEP: a value assigned
 *   to a global, or to a local that is not surely read afterwards
 *   (overwritten first, read on one branch only), and a dropped call
 *   result.  What may differ from precise traps, besides memory: a load
 *   whose value is used only after the program has certainly ended anyway
 *   (`x = load; ... 1 / 0 ... x`, or an exit or a panic on the way) may be
 *   dropped, and the program then ends that other way: with the other
 *   trap's reason, or with the exit (and what was printed before it).  A
 *   program that traps still traps or exits; one that does not, never
 *   does.  Left to the C compiler: a load that a consumer
 *   in the same statement folds away (`x * 0`), that feeds a store it
 *   deletes as overwritten or a call to a function without result or
 *   effect -- shapes that code compiled from C does not have, its own
 *   compiler having removed them first.
 *
 * The C printer defines W_PRECISE_TRAPS 0 at the top of a command's C
 * (backend_c/linking.py decides); a spec script's C never does. */
#ifndef W_PRECISE_TRAPS
#define W_PRECISE_TRAPS 1
#endif

#if W_PRECISE_TRAPS
#define W_ACCESS_BARRIER() __asm__ volatile("" : : : "memory")
#define W_LOADED(v, reg) __asm__ volatile("" : : reg(v) : "memory")
#else
#define W_ACCESS_BARRIER() ((void)0)
#define W_LOADED(v, reg) ((void)0)
#endif

/* Evaluates the integer x (in a general register: with a float register
 * allowed, gcc may move it there and back) even though its value is unused.
 * W_KEEP (defined by the generated C) is the same for any value. */
#define W_KEEP_INT(x) __asm__ volatile("" : : "r"(x))
/* The same for a v128, in a vector register (clang cannot take "rx" for it). */
#define W_KEEP_V128(x) __asm__ volatile("" : : "x"(x))

/* ---- loads ----------------------------------------------------------- */

/* In precise mode the empty asm (integers in a general register, "r";
 * floats wherever is cheapest, "rx") "uses" the loaded value. */
#define W_LOAD(name, ctype, rtype, cast, reg)                            \
  static inline rtype name(uint8_t *base, uint64_t ea) {                 \
    ctype v;                                                             \
    W_ACCESS_BARRIER();                                                  \
    memcpy(&v, base + ea, sizeof v);                                     \
    W_LOADED(v, reg);                                                    \
    return (rtype)cast v;                                                \
  }

W_LOAD(w_i32_load, uint32_t, uint32_t, , "r")
W_LOAD(w_i64_load, uint64_t, uint64_t, , "r")
W_LOAD(w_f32_load, float, float, , "rx")
W_LOAD(w_f64_load, double, double, , "rx")
W_LOAD(w_i32_load8_s, int8_t, uint32_t, (int32_t), "r")
W_LOAD(w_i32_load8_u, uint8_t, uint32_t, , "r")
W_LOAD(w_i32_load16_s, int16_t, uint32_t, (int32_t), "r")
W_LOAD(w_i32_load16_u, uint16_t, uint32_t, , "r")
W_LOAD(w_i64_load8_s, int8_t, uint64_t, (int64_t), "r")
W_LOAD(w_i64_load8_u, uint8_t, uint64_t, , "r")
W_LOAD(w_i64_load16_s, int16_t, uint64_t, (int64_t), "r")
W_LOAD(w_i64_load16_u, uint16_t, uint64_t, , "r")
W_LOAD(w_i64_load32_s, int32_t, uint64_t, (int64_t), "r")
W_LOAD(w_i64_load32_u, uint32_t, uint64_t, , "r")

#undef W_LOAD

/* ---- stores ---------------------------------------------------------- */

#define W_STORE(name, vtype, ctype)                                      \
  static inline void name(uint8_t *base, uint64_t ea, vtype v) {         \
    ctype c = (ctype)v;                                                  \
    W_ACCESS_BARRIER();                                                  \
    memcpy(base + ea, &c, sizeof c);                                     \
    W_ACCESS_BARRIER();                                                  \
  }

W_STORE(w_i32_store, uint32_t, uint32_t)
W_STORE(w_i32_store8, uint32_t, uint8_t)
W_STORE(w_i32_store16, uint32_t, uint16_t)
W_STORE(w_i64_store, uint64_t, uint64_t)
W_STORE(w_i64_store8, uint64_t, uint8_t)
W_STORE(w_i64_store16, uint64_t, uint16_t)
W_STORE(w_i64_store32, uint64_t, uint32_t)
W_STORE(w_f32_store, float, float)
W_STORE(w_f64_store, double, double)

#undef W_STORE

#endif
