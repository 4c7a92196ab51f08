/* printf_formats.c -- printf conversions of every common kind.
 *
 * Integers of each width (%d %u %x %X %o with h/hh/l/ll/j/z/t modifiers),
 * flags (- + space # 0), field widths and precisions (also via '*'),
 * doubles in %f/%e/%g/%F (including huge, tiny, subnormal and infinite
 * values), characters, strings, %% and %n.  Every line also prints
 * printf's return value.  longs are kept within 32 bits so that the output
 * is the same on wasm32 and on a 64-bit host.
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static const int ints[] = {0, 1, -1, 7, -42, 255, 4096, 65535, -100000,
                           1000000007, INT_MAX, INT_MIN};

static const long long longs[] = {0LL, 1LL, -1LL, 4294967296LL,
                                  -1234567890123LL, LLONG_MAX, LLONG_MIN};

static const double doubles[] = {
    0.0,   -0.0,         1.0,        0.1,     0.5,      1.5,   2.5,
    -3.75, 1e10,         1.0 / 3.0,  123456789.123456789, 1e-5,  6.02214076e23,
    1e300, 5e-324,       DBL_MAX,    DBL_MIN, 0.125,    999999.25, 9.9999995,
    -1e-300, 1e21, 1e22};

static void print_ints(void) {
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    int v = ints[i];
    int n = printf("[%d] [%5d] [%-6d] [%06d] [%+d] [% d] [%.3d] [%*d] [%-*d]\n",
                   v, v, v, v, v, v, v, 8, v, 8, v);
    n += printf("  [%u] [%x] [%X] [%#x] [%o] [%#o] [%08x] [%#010x]\n",
                (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v,
                (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v);
    n += printf("  [%hd] [%hu] [%hhd] [%hhu] [%hx] [%ld] [%lu]\n", (short)v,
                (unsigned short)v, (signed char)v, (unsigned char)v,
                (unsigned short)v, (long)v, (unsigned long)(unsigned)v);
    printf("  chars=%d\n", n);
  }
}

static void print_longs(void) {
  for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
    long long v = longs[i];
    int n = printf("[%lld] [%25lld] [%-22lld] [%llu] [%llx] [%#llo] [%+lld]\n",
                   v, v, v, (unsigned long long)v, (unsigned long long)v,
                   (unsigned long long)v, v);
    n += printf("  [%" PRId64 "] [%" PRIu64 "] [%016" PRIX64 "] [%jd]\n",
                (int64_t)v, (uint64_t)v, (uint64_t)v, (intmax_t)v);
    printf("  chars=%d\n", n);
  }
  size_t z = 123456;
  ptrdiff_t t = -98765;
  printf("size_t=%zu %zx ptrdiff=%td\n", z, z, t);
}

static void print_doubles(void) {
  for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
    double v = doubles[i];
    int n = printf("[%f] [%.0f] [%.2f] [%12.3f] [%-12.1f] [%+.1f] [%012.4f]\n",
                   v, v, v, v, v, v, v);
    n += printf("  [%e] [%.3e] [%E] [%.0e] [%#.0e]\n", v, v, v, v, v);
    n += printf("  [%g] [%.3g] [%G] [%#g] [%.17g] [%10.4g] [%-10g]\n", v, v,
                v, v, v, v, v);
    printf("  chars=%d\n", n);
  }
  printf("big: %.30f\n", 1.0 / 3.0);
  printf("exact: %.60f\n", 0.1);
  printf("max: %f\n", DBL_MAX);
  printf("inf: [%f] [%e] [%g] [%F] [%8.2f] [%-8g] [%+f]\n", INFINITY, -INFINITY,
         INFINITY, INFINITY, -INFINITY, INFINITY, INFINITY);
  printf("nan: [%f] [%g] [%F] [%6.1e]\n", NAN, NAN, NAN, NAN);
  printf("float: [%f] [%g] [%.9g]\n", 3.14159265f, 1e-7f, 0.1f);
}

static void print_strings(void) {
  const char *words[] = {"", "a", "wasm", "WebAssembly to C", "tab\there"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    const char *s = words[i];
    int n = printf("[%s] [%10s] [%-10s] [%.3s] [%*.*s] [%-*s]\n", s, s, s, s,
                   12, 2, s, 6, s);
    printf("  chars=%d\n", n);
  }
  printf("chars: [%c] [%3c] [%-3c] [%c%c%c]\n", 'x', 'y', 'z', 'a' + 1, '0' + 9,
         65);
  int pos = 0, pos2 = 0;
  printf("percent: 100%% done%n, then%n more\n", &pos, &pos2);
  printf("n: %d %d\n", pos, pos2);
}

int main(void) {
  print_ints();
  print_longs();
  print_doubles();
  print_strings();
  return 0;
}
