/* gc_arrays.c -- the array instructions that copy whole ranges (WasmGC):
 * array.new_fixed, array.new_data, array.new_elem, array.copy,
 * array.init_data, array.init_elem (see wastrel.h).  Each checks what the
 * spec checks, in its order: the array (null, then its range), then the
 * segment's range. */

#include "wastrel.h"

w_anyref w_array_new_fixed(const w_rtt *rtt, uint32_t n, const void *elems) {
  w_array *a = w_gc_alloc_array(rtt, n);
  if (n) memcpy(W_ARRAY_ELEMS(a, uint8_t), elems, (size_t)n * rtt->elem_size);
  return a;
}

w_anyref w_array_new_data(const w_rtt *rtt, const uint8_t *seg, uint32_t seg_len, uint32_t s, uint32_t n) {
  if (W_UNLIKELY((uint64_t)s + (uint64_t)n * rtt->elem_size > seg_len)) w_trap(W_TRAP_MEMORY_OOB);
  w_array *a = w_gc_alloc_array(rtt, n);
  if (n) memcpy(W_ARRAY_ELEMS(a, uint8_t), seg + s, (size_t)n * rtt->elem_size);
  return a;
}

w_anyref w_array_new_elem(const w_rtt *rtt, void *const *seg, uint32_t seg_len, uint32_t s, uint32_t n) {
  if (W_UNLIKELY((uint64_t)s + n > seg_len)) w_trap(W_TRAP_TABLE_OOB);
  w_array *a = w_gc_alloc_array(rtt, n);
  if (n) memcpy(W_ARRAY_ELEMS(a, void *), seg + s, (size_t)n * sizeof(void *));
  return a;
}

void w_array_copy(w_anyref dst, uint32_t d, w_anyref src, uint32_t s, uint32_t n) {
  w_array *to = w_array_of(dst), *from = w_array_of(src);
  w_array_range(to, d, n);
  w_array_range(from, s, n);
  size_t size = to->rtt->elem_size;
  if (n) memmove(W_ARRAY_ELEMS(to, uint8_t) + d * size, W_ARRAY_ELEMS(from, uint8_t) + s * size, (size_t)n * size);
}

void w_array_init_data(w_anyref r, uint32_t d, uint32_t s, uint32_t n, const uint8_t *seg, uint32_t seg_len) {
  w_array *a = w_array_range(r, d, n);
  size_t size = a->rtt->elem_size;
  if (W_UNLIKELY((uint64_t)s + (uint64_t)n * size > seg_len)) w_trap(W_TRAP_MEMORY_OOB);
  if (n) memcpy(W_ARRAY_ELEMS(a, uint8_t) + d * size, seg + s, (size_t)n * size);
}

void w_array_init_elem(w_anyref r, uint32_t d, uint32_t s, uint32_t n, void *const *seg, uint32_t seg_len) {
  w_array *a = w_array_range(r, d, n);
  if (W_UNLIKELY((uint64_t)s + n > seg_len)) w_trap(W_TRAP_TABLE_OOB);
  if (n) memcpy(W_ARRAY_ELEMS(a, void *) + d, seg + s, (size_t)n * sizeof(void *));
}
