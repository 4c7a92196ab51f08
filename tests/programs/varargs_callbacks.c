/* varargs_callbacks.c -- variadic functions and calls through pointers.
 *
 * A variadic sum over a type-tagged argument list (int, long long, double,
 * string), va_list forwarding to vsnprintf and va_copy, higher-order
 * map/fold/filter over arrays, a function that returns function pointers,
 * and shapes dispatched through per-type tables of function pointers
 * (vtables) with different signatures.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Sums arguments described by `types`: i=int, L=long long, d=double, s=string length. */
static double sum(const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  double total = 0;
  for (const char *t = types; *t; t++) {
    switch (*t) {
    case 'i': total += va_arg(ap, int); break;
    case 'L': total += (double)va_arg(ap, long long); break;
    case 'd': total += va_arg(ap, double); break;
    case 's': total += (double)strlen(va_arg(ap, const char *)); break;
    }
  }
  va_end(ap);
  return total;
}

/* Formats twice from one argument list (va_copy) and returns the length. */
static int format_twice(char *out, size_t size, const char *fmt, ...) {
  va_list ap, again;
  va_start(ap, fmt);
  va_copy(again, ap);
  int n = vsnprintf(out, size, fmt, ap);
  size_t used = strlen(out);
  vsnprintf(out + used, size - used, fmt, again);
  va_end(again);
  va_end(ap);
  return n;
}

typedef int64_t (*unary)(int64_t);
typedef int64_t (*binary)(int64_t, int64_t);
typedef int (*predicate)(int64_t);

static int64_t square(int64_t x) { return x * x; }
static int64_t negate(int64_t x) { return -x; }
static int64_t collatz_step(int64_t x) { return x % 2 ? 3 * x + 1 : x / 2; }
static int64_t add(int64_t a, int64_t b) { return a + b; }
static int64_t max(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t mix(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * 31 + (uint64_t)b); }
static int is_even(int64_t x) { return x % 2 == 0; }
static int is_big(int64_t x) { return x > 50 || x < -50; }

static void map(int64_t *xs, int n, unary f) {
  for (int i = 0; i < n; i++) xs[i] = f(xs[i]);
}

static int64_t fold(const int64_t *xs, int n, int64_t init, binary f) {
  for (int i = 0; i < n; i++) init = f(init, xs[i]);
  return init;
}

static int filter(int64_t *xs, int n, predicate keep) {
  int kept = 0;
  for (int i = 0; i < n; i++)
    if (keep(xs[i])) xs[kept++] = xs[i];
  return kept;
}

static unary pick(int which) {
  static const unary table[] = {square, negate, collatz_step};
  return table[which % 3];
}

typedef struct shape shape;
typedef struct {
  const char *name;
  double (*area)(const shape *);
  void (*grow)(shape *, double);
  int (*corners)(void);
} shape_type;

struct shape {
  const shape_type *type;
  double a, b;
};

static double rect_area(const shape *s) { return s->a * s->b; }
static double tri_area(const shape *s) { return 0.5 * s->a * s->b; }
static double circle_area(const shape *s) { return 3.0 * s->a * s->a; }
static void grow_both(shape *s, double k) { s->a *= k; s->b *= k; }
static void grow_first(shape *s, double k) { s->a += k; }
static int four(void) { return 4; }
static int three(void) { return 3; }
static int zero(void) { return 0; }

static const shape_type rect = {"rect", rect_area, grow_both, four};
static const shape_type tri = {"triangle", tri_area, grow_both, three};
static const shape_type circle = {"circle", circle_area, grow_first, zero};

int main(void) {
  printf("sum=%.17g\n", sum("iLdsi", 1, 10000000000LL, 0.25, "hello", -3));
  printf("sum=%.17g\n", sum(""));
  printf("sum=%.17g\n", sum("dddiii", 1.5, 2.5, -1.0, 7, 8, 9));
  char buf[64];
  int n = format_twice(buf, sizeof buf, "[%d|%s|%.1f]", 42, "va", 0.5);
  printf("format_twice=%s n=%d\n", buf, n);

  int64_t xs[20];
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 20; i++) xs[i] = i * 7 - 30;
    map(xs, 20, pick(round));
    int kept = filter(xs, 20, round == 1 ? is_big : is_even);
    printf("round %d: kept=%d sum=%lld max=%lld mix=%lld\n", round, kept,
           (long long)fold(xs, kept, 0, add), (long long)fold(xs, kept, INT64_MIN, max),
           (long long)fold(xs, kept, 17, mix));
  }

  shape shapes[] = {{&rect, 2, 3}, {&tri, 4, 5}, {&circle, 1, 0}, {&rect, 0.5, 8}};
  double total = 0;
  int corners = 0;
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    shape *s = &shapes[i];
    s->type->grow(s, 1.5);
    total += s->type->area(s);
    corners += s->type->corners();
    printf("%s: area=%g\n", s->type->name, s->type->area(s));
  }
  printf("total area=%g corners=%d\n", total, corners);
  return 0;
}
