/* Exceptions (see wastrel.h): the pending exception, throw and throw_ref.
 *
 * An exception is an opaque object of the GC heap (gc.c): the collector
 * scans all of it conservatively, payload included, and frees it once
 * neither w_pending nor the program refers to it. */

#include <string.h>

#include "wastrel.h"

w_exnref w_pending = NULL;

/* Not a type of the program: no cast tests an exception. */
static const uint32_t exn_display[1] = {UINT32_MAX};
static const w_rtt exn_rtt = {
    .type_id = UINT32_MAX, .depth = 0, .display = exn_display, .kind = W_RTT_OPAQUE,
};

void w_throw(const w_tag *tag, uint32_t count, const w_value *values) {
  /* (may collect: `values` is on the stack or in w_spill, both roots) */
  w_exn *exn = w_gc_alloc(&exn_rtt, sizeof(w_exn) + (size_t)count * sizeof(w_value));
  exn->tag = tag;
  exn->count = count;
  if (count) memcpy(exn->values, values, count * sizeof(w_value));
  w_pending = exn;
}

void w_throw_ref(w_exnref exn) {
  if (W_UNLIKELY(exn == NULL)) w_trap(W_TRAP_NULL_EXCEPTION_REFERENCE);
  w_pending = exn;
}
