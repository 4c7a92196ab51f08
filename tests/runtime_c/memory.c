/* memory.c -- linear memory growth and bulk operations.  Each export runs
 * a whole scenario and returns what it observed. */
#include "wastrel.h"

static w_memory small;     /* 1 page, at most 3 */
static w_memory unbounded; /* 1 page, no maximum */
static w_memory empty;     /* 0 pages, at most 0 */
static const uint8_t segment[4] = {'a', 'b', 'c', 'd'};

void w_program_instantiate(void) {
  w_memory_init(&small, 1, 3, 1);
  w_memory_init(&unbounded, 1, 0, 0);
  w_memory_init(&empty, 0, 0, 1);
}

static void t_grow_bounded(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_memory_grow(&small, 1);
  r[1].i32 = w_memory_grow(&small, 2);
  r[2].i32 = w_memory_grow(&small, 1);
  r[3].i32 = w_memory_grow(&small, 0);
  r[4].i32 = w_memory_grow(&small, 1);
  r[5].i32 = w_memory_size(&small);
  /* the new pages are zeroed and usable */
  w_i32_store(small.base, 3 * 65536 - 4, 0x12345678);
  r[6].i32 = w_i32_load(small.base, 3 * 65536 - 4) + w_i32_load(small.base, 2 * 65536);
}

/* Grows to the 65536-page limit and uses the last byte. */
static void t_grow_unbounded(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_memory_grow(&unbounded, 65536);
  r[1].i32 = w_memory_grow(&unbounded, 65535);
  r[2].i32 = w_memory_grow(&unbounded, 1);
  r[3].i32 = w_memory_grow(&unbounded, 0xffffffffu);
  w_i32_store8(unbounded.base, 0xffffffffu, 7);
  r[4].i32 = w_i32_load8_u(unbounded.base, (uint64_t)0xfffffff0u + 0xf);
}

static void t_grow_empty(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_memory_size(&empty);
  r[1].i32 = w_memory_grow(&empty, 0);
  r[2].i32 = w_memory_grow(&empty, 1);
}

static void t_load_empty(const w_value *a, w_value *r) {
  r[0].i32 = w_i32_load8_u(empty.base, a[0].i32);
}

/* memory.fill(dst, 0xab, n) on `small`; returns the sum of its bytes. */
static uint32_t sum(const w_memory *m) {
  uint32_t s = 0;
  for (uint64_t i = 0; i < m->size; i++) s += m->base[i];
  return s;
}
static void t_fill(const w_value *a, w_value *r) {
  w_memory_fill(&small, a[0].i32, 0x1ab, a[1].i32);
  r[0].i32 = sum(&small);
}

/* Bytes 0..15 = 0..15, then memory.copy(dst, src, n); returns bytes 0..15
 * as two i64s. */
static void t_copy(const w_value *a, w_value *r) {
  for (int i = 0; i < 16; i++) small.base[i] = (uint8_t)i;
  w_memory_copy(&small, &small, a[0].i32, a[1].i32, a[2].i32);
  r[0].i64 = w_i64_load(small.base, 0);
  r[1].i64 = w_i64_load(small.base, 8);
}

/* memory.copy from `unbounded` (bytes "wxyz" at 100) into `small` at 0. */
static void t_copy_between(const w_value *a, w_value *r) {
  (void)a;
  memcpy(unbounded.base + 100, "wxyz", 4);
  w_memory_copy(&small, &unbounded, 0, 100, 4);
  r[0].i32 = w_i32_load(small.base, 0);
}

/* memory.init(dst, src, n) from "abcd" (or from a dropped segment when
 * `dropped`); returns the first 8 bytes of `small`. */
static void t_init(const w_value *a, w_value *r) {
  w_memory_init_segment(&small, a[3].i32 ? NULL : segment, a[3].i32 ? 0 : 4, a[0].i32,
                        a[1].i32, a[2].i32);
  r[0].i64 = w_i64_load(small.base, 0);
}

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(grow_bounded, "", "iiiiiii"), E(grow_unbounded, "", "iiiii"), E(grow_empty, "", "iii"),
    E(load_empty, "i", "i"), E(fill, "ii", "i"), E(copy, "iii", "II"),
    E(copy_between, "", "i"), E(init, "iiii", "I"),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;
