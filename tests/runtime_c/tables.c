/* tables.c -- table growth, bulk operations and their bounds.  The table
 * `tab` starts as [f0, f1, f2, f3] (at most 6 elements); f<k> has type id 7
 * and returns k, so `ids` shows the table's contents. */
#include "wastrel.h"

static w_table tab;
static w_table unbounded;

static uint32_t f0(void) { return 0; }
static uint32_t f1(void) { return 1; }
static uint32_t f2(void) { return 2; }
static uint32_t f3(void) { return 3; }
static const w_func funcs[4] = {
    {7, (void (*)(void))f0, "f0"}, {7, (void (*)(void))f1, "f1"},
    {7, (void (*)(void))f2, "f2"}, {7, (void (*)(void))f3, "f3"},
};
static void *const segment[2] = {(void *)&funcs[3], (void *)&funcs[2]};

void w_program_instantiate(void) {
  w_table_init(&tab, 4, 6, 1);
  for (int i = 0; i < 4; i++) tab.elems[i] = (void *)&funcs[i];
  w_table_init(&unbounded, 0, 0, 0);
}

/* The id of each element of `tab` (-1 for null). */
static void ids(w_value *r) {
  for (uint32_t i = 0; i < tab.size; i++) {
    w_funcref f = w_table_get(&tab, i);
    r[i].i32 = f ? ((uint32_t (*)(void))f->code)() : (uint32_t)-1;
  }
}

static void t_grow(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_table_grow(&tab, NULL, 1);
  r[1].i32 = w_table_grow(&tab, (void *)&funcs[2], 2);
  r[2].i32 = w_table_grow(&tab, (void *)&funcs[2], 1);
  r[3].i32 = w_table_grow(&tab, NULL, 0);
  r[4].i32 = w_table_size(&tab);
  ids(r + 5);
}

static void t_grow_unbounded(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_table_grow(&unbounded, NULL, 0xffffffffu);
  r[1].i32 = w_table_grow(&unbounded, (void *)&funcs[1], 10);
  r[2].i32 = w_table_grow(&unbounded, NULL, 0);
  r[3].ref = w_table_get(&unbounded, 9);
}

static void t_fill(const w_value *a, w_value *r) {
  w_table_fill(&tab, a[0].i32, NULL, a[1].i32);
  ids(r);
}

static void t_copy(const w_value *a, w_value *r) {
  w_table_copy(&tab, &tab, a[0].i32, a[1].i32, a[2].i32);
  ids(r);
}

/* table.init(d, s, n) from [f3, f2] (or a dropped segment when a[3]). */
static void t_init(const w_value *a, w_value *r) {
  w_table_init_segment(&tab, a[3].i32 ? NULL : segment, a[3].i32 ? 0 : 2, a[0].i32, a[1].i32,
                       a[2].i32);
  ids(r);
}

static void t_set(const w_value *a, w_value *r) {
  (void)r;
  w_table_set(&tab, a[0].i32, NULL);
}

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(grow, "", "iiiiiiiiiii"), E(grow_unbounded, "", "iiir"), E(fill, "ii", "iiii"),
    E(copy, "iii", "iiii"), E(init, "iiii", "iiii"), E(set, "i", ""),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;
