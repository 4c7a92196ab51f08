/* harness.c -- runs the steps of a spec script (see harness.h).
 *
 * Each step runs guarded: a trap ends the step, not the script, and the
 * instances keep whatever state the trap left, as the spec says.  A step
 * that does not go as the script expects prints one line,
 *     FAIL <line>: <what happened>
 * and the last line is `RESULT <passed> <failed>` (steps, not commands).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "internal.h"

static int passed, failed;

__attribute__((format(printf, 2, 3))) static void fail(const w_step *s, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  printf("FAIL %d: ", s->line);
  vprintf(format, ap);
  putchar('\n');
  va_end(ap);
  failed++;
}

static uint64_t bits_of(char type, w_value v) {
  switch (type) {
  case 'i': return v.i32;
  case 'f': { uint32_t b; memcpy(&b, &v.f32, 4); return b; }
  case 'F': { uint64_t b; memcpy(&b, &v.f64, 8); return b; }
  case 'I': return v.i64;
  default: return (uint64_t)(uintptr_t)v.ref;
  }
}

static int is_nan(char type, uint64_t bits, int canonical) {
  uint64_t exponent = type == 'f' ? 0x7f800000u : 0x7ff0000000000000u;
  uint64_t quiet = type == 'f' ? 0x00400000u : 0x0008000000000000u;
  uint64_t payload = type == 'f' ? 0x007fffffu : 0x000fffffffffffffu;
  if ((bits & exponent) != exponent || !(bits & quiet)) return 0;
  return canonical ? (bits & payload) == quiet : 1;
}

static int matches(const w_expect *x, w_value v);

/* Lane `i` of a v128, `lane_bits` wide, as a value of the lane's type. */
static w_value lane_of(w_v128 v, int lane_bits, int i) {
  unsigned char bytes[16];
  memcpy(bytes, &v, 16);
  uint64_t bits = 0;
  memcpy(&bits, bytes + i * lane_bits / 8, lane_bits / 8);
  w_value lane = {0};
  memcpy(&lane, &bits, 8);
  return lane;
}

static int matches(const w_expect *x, w_value v) {
  if (x->kind == X_EITHER) {
    for (int i = 0; i < x->nparts; i++)
      if (matches(&x->parts[i], v)) return 1;
    return 0;
  }
  if (x->kind == X_LANES) {
    for (int i = 0; i < x->nparts; i++)
      if (!matches(&x->parts[i], lane_of(v.v128, x->lane_bits, i))) return 0;
    return 1;
  }
  if (x->type == 'V') return (uint64_t)v.v128[0] == x->bits && (uint64_t)v.v128[1] == x->high;
  uint64_t bits = bits_of(x->type, v);
  switch (x->kind) {
  case X_BITS: return bits == x->bits;
  case X_NAN_CANONICAL: return is_nan(x->type, bits, 1);
  case X_NAN_ARITHMETIC: return is_nan(x->type, bits, 0);
  case X_REF_NULL: return v.ref == NULL;
  case X_REF_NONNULL: return v.ref != NULL;
  case X_REF_EXTERN: return v.ref == W_HOST_REF(x->bits);
  case X_REF_ANY: return v.ref != NULL;
  case X_REF_EQ: return w_test_abstract(v.ref, 0, W_HEAP_EQ);
  case X_REF_I31: return w_test_abstract(v.ref, 0, W_HEAP_I31);
  case X_REF_STRUCT: return w_test_abstract(v.ref, 0, W_HEAP_STRUCT);
  case X_REF_ARRAY: return w_test_abstract(v.ref, 0, W_HEAP_ARRAY);
  default: return 0;
  }
}

/* ---- one step ------------------------------------------------------- */

typedef struct run {
  const w_step *step;
  const w_export *export;
  w_value results[16];
} run;

static int instantiate(void *arg) {
  ((run *)arg)->step->instantiate();
  return 0;
}

static int invoke(void *arg) {
  run *r = arg;
  r->export->thunk(r->step->args, r->results);
  return 0;
}

static void check_results(const w_step *s, const char *types, const w_value *values, int count) {
  if (s->outcome != O_RETURN) {
    passed++;
    return;
  }
  if (count != s->nresults) {
    fail(s, "%d results, expected %d", count, s->nresults);
    return;
  }
  for (int i = 0; i < count; i++) {
    if (matches(&s->results[i], values[i])) continue;
    if (types[i] == 'V')
      fail(s, "result %d is 0x%016" PRIx64 "%016" PRIx64 " (V), expected 0x%016" PRIx64 "%016" PRIx64 " (kind %d)", i,
           (uint64_t)values[i].v128[1], (uint64_t)values[i].v128[0], s->results[i].high, s->results[i].bits,
           (int)s->results[i].kind);
    else
      fail(s, "result %d is 0x%" PRIx64 " (%c), expected 0x%" PRIx64 " (kind %d)", i,
           bits_of(types[i], values[i]), types[i], s->results[i].bits, (int)s->results[i].kind);
    return;
  }
  passed++;
}

static void run_step(const w_step *s) {
  run r = {.step = s};
  if (s->kind == S_INSTANTIATE && (s->linkable || s->outcome == O_UNLINKABLE)) {
    int linkable = !s->linkable || s->linkable();
    if (s->outcome == O_UNLINKABLE) {
      if (linkable)
        fail(s, "linked, expected \"%s\"", s->trap);
      else
        passed++;
      return;
    }
    if (!linkable) {
      fail(s, "incompatible import type (a memory or table is too small)");
      return;
    }
  }
  int (*body)(void *) = instantiate;
  if (s->kind == S_GET) {
    const w_global_export *g = s->global;
    w_value v = {0};
    memcpy(&v, g->address, g->type == 'i' || g->type == 'f' ? 4 : g->type == 'V' ? 16 : 8);
    check_results(s, &g->type, &v, 1);
    return;
  }
  if (s->kind == S_INVOKE) {
    r.export = s->export;
    body = invoke;
  }
  w_trap_reason trap;
  w_try(body, &r, &trap);
  fflush(stdout);
  if ((int)trap != -1) {
    const char *message = w_trap_message(trap);
    if (s->outcome != O_TRAP)
      fail(s, "trapped: %s", message);
    else if (strncmp(message, s->trap, strlen(s->trap)) != 0 && strncmp(s->trap, message, strlen(message)) != 0)
      fail(s, "trapped with \"%s\", expected \"%s\"", message, s->trap);
    else
      passed++;
    return;
  }
  if (w_pending != NULL) { /* an uncaught exception */
    const char *tag = w_pending->tag->name;
    w_pending = NULL;
    if (s->outcome == O_EXCEPTION)
      passed++;
    else
      fail(s, "threw an exception (%s)", tag);
    return;
  }
  if (s->outcome == O_EXCEPTION) {
    fail(s, "returned, expected an exception");
    return;
  }
  if (s->outcome == O_TRAP) {
    fail(s, "returned, expected the trap \"%s\"", s->trap);
    return;
  }
  if (s->kind == S_INSTANTIATE)
    passed++;
  else
    check_results(s, r.export->results, r.results, (int)strlen(r.export->results));
}

static int run_all(void *unused) {
  (void)unused;
  w_spectest_instantiate();
  for (int i = 0; i < w_num_steps; i++) run_step(&w_steps[i]);
  return 0;
}

int main(void) {
  w_wasi_init_fds();
  int status = w_run_on_wasm_stack(run_all, NULL);
  printf("RESULT %d %d\n", passed, failed);
  return status;
}
