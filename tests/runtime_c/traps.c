/* traps.c -- one export per way to trap (and one real crash), for checking
 * the message and exit status of each.  Memory: 1 page; table: [null,
 * callee] where callee has type id 7. */
#include "wastrel.h"

static w_memory mem;
static w_table tab;

static uint32_t callee(void) { return 42; }
static const w_func callee_ref = {.type_id = 7, .code = (void (*)(void))callee, .name = "callee"};

void w_program_instantiate(void) {
  w_memory_init(&mem, 1, 0, 0);
  w_table_init(&tab, 2, 0, 0);
  tab.elems[1] = (void *)&callee_ref;
}

static void t_unreachable(const w_value *a, w_value *r) {
  (void)a; (void)r;
  w_trap(W_TRAP_UNREACHABLE);
}
static void t_div_s(const w_value *a, w_value *r) { r[0].i32 = w_i32_div_s(a[0].i32, a[1].i32); }
static void t_trunc(const w_value *a, w_value *r) { r[0].i32 = w_i32_trunc_f32_s(a[0].f32); }

/* Loads and stores at (addr, offset), as generated code computes them. */
static void t_load(const w_value *a, w_value *r) {
  r[0].i32 = w_i32_load(mem.base, (uint64_t)a[0].i32 + a[1].i32);
}
static void t_load8(const w_value *a, w_value *r) {
  r[0].i32 = w_i32_load8_u(mem.base, (uint64_t)a[0].i32 + a[1].i32);
}
static void t_load64(const w_value *a, w_value *r) {
  r[0].i64 = w_i64_load(mem.base, (uint64_t)a[0].i32 + a[1].i32);
}
static void t_store(const w_value *a, w_value *r) {
  (void)r;
  w_i32_store(mem.base, (uint64_t)a[0].i32 + a[1].i32, 1);
}
static void t_fill(const w_value *a, w_value *r) {
  (void)r;
  w_memory_fill(&mem, a[0].i32, 0xab, a[1].i32);
}

static void t_table_get(const w_value *a, w_value *r) { r[0].ref = w_table_get(&tab, a[0].i32); }
static void t_call_indirect(const w_value *a, w_value *r) {
  w_funcref f = w_table_func(&tab, a[0].i32, a[1].i32);
  r[0].i32 = ((uint32_t (*)(void))f->code)();
}

/* Unbounded recursion that no compiler can turn into a loop: each frame's
 * local is passed down by address, so every frame stays alive.  (The depth
 * never wraps around before the stack runs out.) */
static uint32_t recurse(volatile uint32_t *parent) {
  volatile uint32_t depth = *parent + 1;
  return depth == 0 ? 0 : recurse(&depth) + 1;
}
static void t_recurse(const w_value *a, w_value *r) {
  (void)a;
  volatile uint32_t zero = 0;
  r[0].i32 = recurse(&zero);
}

/* Recursion `n` deep, which must fit on the Wasm stack. */
static uint32_t descend(volatile uint32_t *parent, uint32_t n) {
  volatile uint32_t depth = *parent + 1;
  return n == 0 ? depth : descend(&depth, n - 1);
}
static void t_deep(const w_value *a, w_value *r) {
  volatile uint32_t zero = 0;
  r[0].i32 = descend(&zero, a[0].i32);
}

/* Bugs in the runtime or the generated code, not traps: a wild load, and
 * a division without the checks of w_i32_div_s. */
static void t_crash(const w_value *a, w_value *r) {
  r[0].i32 = *(volatile uint32_t *)(uintptr_t)a[0].i32;
}
static void t_unchecked_div(const w_value *a, w_value *r) {
  volatile int32_t divisor = (int32_t)a[1].i32;
  r[0].i32 = (uint32_t)((int32_t)a[0].i32 / divisor);
}

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(unreachable, "", ""), E(div_s, "ii", "i"), E(trunc, "f", "i"),
    E(load, "ii", "i"), E(load8, "ii", "i"), E(load64, "ii", "I"), E(store, "ii", ""),
    E(fill, "ii", ""), E(table_get, "i", "r"), E(call_indirect, "ii", "i"),
    E(recurse, "", "i"), E(deep, "i", "i"), E(crash, "i", "i"), E(unchecked_div, "ii", "i"),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;
