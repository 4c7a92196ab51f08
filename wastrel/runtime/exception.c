/* Exceptions (see wastrel.h): the pending exception, throw and throw_ref. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wastrel.h"

w_exnref w_pending = NULL;

void w_throw(const w_tag *tag, uint32_t count, const w_value *values) {
  w_exn *exn = malloc(sizeof(w_exn) + count * sizeof(w_value));
  if (exn == NULL) {
    fputs("wastrel: out of memory for an exception\n", stderr);
    abort();
  }
  exn->tag = tag;
  exn->count = count;
  if (count) memcpy(exn->values, values, count * sizeof(w_value));
  w_pending = exn;
}

void w_throw_ref(w_exnref exn) {
  if (W_UNLIKELY(exn == NULL)) w_trap(W_TRAP_NULL_EXCEPTION_REFERENCE);
  w_pending = exn;
}
