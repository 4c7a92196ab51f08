/* table.c -- tables of references: creation, growth and bulk operations.
 *
 * A table is a heap array of pointers (w_funcref or w_externref), NULL for
 * ref.null.  Element access and call_indirect are inline in wastrel.h; the
 * bulk operations here check their bounds before touching anything, so a
 * trapping one changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* The largest table table.grow makes, an implementation limit (V8 and
 * SpiderMonkey use the same): beyond it, table.grow returns -1. */
#define MAX_TABLE_ELEMS 10000000u

void w_table_init(w_table *t, uint32_t initial, uint32_t max, int has_max) {
  t->elems = NULL;
  if (initial > 0) {
    t->elems = calloc(initial, sizeof *t->elems);
    if (!t->elems) {
      fputs("wastrel: out of memory allocating a table\n", stderr);
      exit(1);
    }
  }
  t->size = initial;
  t->max = has_max ? max : 0xffffffffu;
}

uint32_t w_table_grow(w_table *t, void *init, uint64_t delta) {
  uint32_t old_size = t->size;
  if (delta > MAX_TABLE_ELEMS) return (uint32_t)-1;
  uint64_t new_size = (uint64_t)old_size + delta;
  if (new_size > t->max || new_size > MAX_TABLE_ELEMS) return (uint32_t)-1;
  if (delta == 0) return old_size;
  void **elems = realloc(t->elems, new_size * sizeof *elems);
  if (!elems) return (uint32_t)-1;
  for (uint64_t i = old_size; i < new_size; i++) elems[i] = init;
  t->elems = elems;
  t->size = (uint32_t)new_size;
  return old_size;
}

/* Whether [start, start + n) lies within `limit` elements (no wrap-around;
 * n == 0 at exactly the end is in bounds). */
static int in_bounds(uint64_t start, uint64_t n, uint64_t limit) {
  return n <= limit && start <= limit - n;
}

void w_table_fill(w_table *t, uint64_t i, void *v, uint64_t n) {
  if (!in_bounds(i, n, t->size)) w_trap(W_TRAP_TABLE_OOB);
  for (uint64_t k = 0; k < n; k++) t->elems[i + k] = v;
}

void w_table_copy(w_table *dst, w_table *src, uint64_t d, uint64_t s, uint64_t n) {
  if (!in_bounds(d, n, dst->size) || !in_bounds(s, n, src->size)) w_trap(W_TRAP_TABLE_OOB);
  if (n > 0) memmove(dst->elems + d, src->elems + s, (size_t)n * sizeof *dst->elems);
}

void w_table_init_segment(w_table *t, void *const *seg, uint32_t seg_len,
                          uint64_t d, uint32_t s, uint32_t n) {
  if (!in_bounds(d, n, t->size) || !in_bounds(s, n, seg_len)) w_trap(W_TRAP_TABLE_OOB);
  if (n > 0) memcpy(t->elems + d, seg + s, (size_t)n * sizeof *t->elems);
}
