/* int64_arith.c -- 32-, 64- and 128-bit integer arithmetic.
 *
 * Runs pseudo-random operands (from a volatile seed, so the compiler cannot
 * fold them) through every integer operation: add/sub/mul with wrap-around,
 * signed and unsigned division and remainder, shifts and rotates, bit
 * counts, comparisons, widening/narrowing conversions, conversions to and
 * from floating point, and unsigned __int128 multiplication and division.
 * Each group of operations is folded into a checksum that is printed, and a
 * few edge cases are printed individually.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile uint64_t seed = 0x243f6a8885a308d3ull;
static uint64_t state;

static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1dull;
}

/* Operands biased towards interesting magnitudes and signs. */
static uint64_t operand(void) {
  uint64_t r = next();
  switch (r & 7) {
  case 0: return r >> (r >> 58);         /* random width */
  case 1: return (uint64_t)-(int64_t)(r >> 40); /* small negative */
  case 2: return r & 0xff;
  case 3: return 0x8000000000000000ull ^ (r & 3);
  default: return r;
  }
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static uint64_t double_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static uint64_t rotl64(uint64_t x, unsigned n) { return (x << (n & 63)) | (x >> (-n & 63)); }
static uint32_t rotr32(uint32_t x, unsigned n) { return (x >> (n & 31)) | (x << (-n & 31)); }

int main(void) {
  enum { ROUNDS = 20000 };
  uint64_t h_add = 0, h_mul = 0, h_udiv = 0, h_sdiv = 0, h_shift = 0,
           h_bits = 0, h_cmp = 0, h_conv = 0, h_i32 = 0, h_128 = 0, h_float = 0;
  state = seed;
  for (int i = 0; i < ROUNDS; i++) {
    uint64_t a = operand(), b = operand();
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    unsigned n = (unsigned)(b % 64);

    h_add = mix(h_add, a + b);
    h_add = mix(h_add, a - b);
    h_add = mix(h_add, -a);
    h_mul = mix(h_mul, a * b);
    h_mul = mix(h_mul, (uint64_t)((int64_t)(int32_t)a * (int16_t)b));
    if (b != 0) {
      h_udiv = mix(h_udiv, a / b);
      h_udiv = mix(h_udiv, a % b);
      if (!(sa == INT64_MIN && sb == -1)) {
        h_sdiv = mix(h_sdiv, (uint64_t)(sa / sb));
        h_sdiv = mix(h_sdiv, (uint64_t)(sa % sb));
      }
    }
    h_shift = mix(h_shift, a << n);
    h_shift = mix(h_shift, a >> n);
    h_shift = mix(h_shift, (uint64_t)(sa >> n));
    h_shift = mix(h_shift, rotl64(a, n));
    h_bits = mix(h_bits, (uint64_t)__builtin_popcountll(a));
    if (a) h_bits = mix(h_bits, (uint64_t)(__builtin_clzll(a) * 64 + __builtin_ctzll(a)));
    h_bits = mix(h_bits, a & b);
    h_bits = mix(h_bits, a | ~b);
    h_bits = mix(h_bits, __builtin_bswap64(a ^ b));
    h_cmp = mix(h_cmp, (uint64_t)((a < b) | (sa < sb) << 1 | (a == b) << 2 |
                                  (sa >= sb) << 3 | (a > b) << 4));
    h_conv = mix(h_conv, (uint64_t)(int64_t)(int32_t)a);
    h_conv = mix(h_conv, (uint64_t)(uint32_t)a);
    h_conv = mix(h_conv, (uint64_t)(int64_t)(int16_t)a);
    h_conv = mix(h_conv, (uint64_t)(int64_t)(int8_t)b);
    h_conv = mix(h_conv, (uint64_t)(uint8_t)b);

    uint32_t x = (uint32_t)a, y = (uint32_t)(b >> 32);
    int32_t sx = (int32_t)x, sy = (int32_t)y;
    h_i32 = mix(h_i32, x * y + (x ^ y) - (x >> (y & 31)) + rotr32(x, y));
    h_i32 = mix(h_i32, (uint32_t)(sx >> (y & 31)));
    if (y) h_i32 = mix(h_i32, x / y + (x % y) * 3u);
    if (sy && !(sx == INT32_MIN && sy == -1)) h_i32 = mix(h_i32, (uint32_t)(sx / sy) ^ (uint32_t)(sx % sy));
    h_i32 = mix(h_i32, (uint32_t)__builtin_popcount(x) + (x ? (uint32_t)__builtin_clz(x) : 99u));

    unsigned __int128 p = (unsigned __int128)a * b;
    h_128 = mix(h_128, (uint64_t)p);
    h_128 = mix(h_128, (uint64_t)(p >> 64));
    __int128 sp = (__int128)sa * sb;
    h_128 = mix(h_128, (uint64_t)(sp >> 64));
    if (b) h_128 = mix(h_128, (uint64_t)((p + a) / b) ^ (uint64_t)((p + a) % b));

    /* Float-to-int conversions stay in range: out-of-range ones are UB. */
    h_float = mix(h_float, double_bits((double)a));
    h_float = mix(h_float, double_bits((double)sa));
    h_float = mix(h_float, double_bits((float)a));
    h_float = mix(h_float, (uint64_t)(double)(a >> 1));
    h_float = mix(h_float, (uint64_t)(int64_t)(double)(sa >> 1));
    h_float = mix(h_float, (uint64_t)(int64_t)(float)(sa >> 2));
    h_float = mix(h_float, (uint64_t)(float)x);
    h_float = mix(h_float, (uint64_t)(int64_t)((double)sx / 3.0));
  }
  printf("add/sub  %016" PRIx64 "\n", h_add);
  printf("mul      %016" PRIx64 "\n", h_mul);
  printf("udiv/rem %016" PRIx64 "\n", h_udiv);
  printf("sdiv/rem %016" PRIx64 "\n", h_sdiv);
  printf("shifts   %016" PRIx64 "\n", h_shift);
  printf("bits     %016" PRIx64 "\n", h_bits);
  printf("compare  %016" PRIx64 "\n", h_cmp);
  printf("convert  %016" PRIx64 "\n", h_conv);
  printf("i32      %016" PRIx64 "\n", h_i32);
  printf("int128   %016" PRIx64 "\n", h_128);
  printf("float    %016" PRIx64 "\n", h_float);

  volatile int64_t min = INT64_MIN, minus_one = -1, seven = 7, minus_seven = -7;
  volatile uint64_t umax = UINT64_MAX;
  printf("INT64_MIN %% -1 is not computed; INT64_MIN / 2 = %" PRId64 "\n", min / 2);
  printf("-7 / 2 = %" PRId64 ", -7 %% 2 = %" PRId64 ", 7 / -2 = %" PRId64
         ", 7 %% -2 = %" PRId64 "\n", minus_seven / 2, minus_seven % 2, seven / -2, seven % -2);
  printf("UINT64_MAX + 1 = %" PRIu64 ", UINT64_MAX * UINT64_MAX = %" PRIu64 "\n",
         umax + 1, umax * umax);
  printf("(uint64_t)INT64_MIN = %" PRIu64 ", INT64_MIN >> 63 = %" PRId64
         ", -1 >> 1 (unsigned) = %" PRIx64 "\n",
         (uint64_t)min, min >> 63, (uint64_t)minus_one >> 1);
  unsigned __int128 big = (unsigned __int128)umax * umax;
  printf("UINT64_MAX^2 = 0x%016" PRIx64 "%016" PRIx64 "\n", (uint64_t)(big >> 64), (uint64_t)big);
  printf("2^64 / 3 = %" PRIu64 "\n", (uint64_t)(((unsigned __int128)1 << 64) / 3));
  printf("(double)UINT64_MAX = %.1f, (float)(2^53+1) = %.1f\n", (double)umax,
         (double)(float)((umax >> 11) + 2));
  return 0;
}
