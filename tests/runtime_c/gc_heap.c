/* gc_heap.c -- the garbage collector (gc.c) on hand-made types: a list
 * node (a struct with a reference and an i32), an array of references and
 * an array of i32.  Each export checks its own results and returns them;
 * test_runtime.py runs them with and without WASTREL_GC_STRESS and under
 * a small WASTREL_GC_MAX_HEAP.  (--invoke runs exports on the Wasm stack,
 * whose every frame the collector scans.) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wastrel.h"

/* (struct (field (mut (ref null $node))) (field i32)) */
typedef struct node {
  const w_rtt *rtt;
  struct node *next;
  uint32_t value;
} node;

static const uint32_t node_display[1] = {0};
static const uint32_t node_refs[1] = {offsetof(node, next)};
static const w_rtt node_rtt = {.type_id = 0, .depth = 0, .display = node_display, .kind = W_RTT_STRUCT,
                               .size = sizeof(node), .nrefs = 1, .refs = node_refs};
static const uint32_t refs_display[1] = {1};
static const w_rtt refs_rtt = {.type_id = 1, .depth = 0, .display = refs_display, .kind = W_RTT_ARRAY,
                               .elem_size = sizeof(void *), .elem_is_ref = 1};
static const uint32_t ints_display[1] = {2};
static const w_rtt ints_rtt = {.type_id = 2, .depth = 0, .display = ints_display, .kind = W_RTT_ARRAY,
                               .elem_size = 4};

static const w_tag tag = {"payload"};

/* Roots: a global, an element segment, and a table. */
static void *global;
static void *segment[3];
static w_table table;

void w_program_instantiate(void) {
  w_gc_root(&global, 1);
  w_gc_root(segment, 3);
  w_table_init(&table, 2, 0, 0);
  w_gc_root_table(&table);
}

static node *cons(uint32_t value, node *next) {
  node *n = w_gc_alloc(&node_rtt, sizeof(node));
  n->next = next;
  n->value = value;
  return n;
}

/* n nodes holding seed ^ i, the last (i = n - 1) first. */
static node *make_list(uint32_t n, uint32_t seed) {
  node *head = NULL;
  for (uint32_t i = 0; i < n; i++) head = cons(seed ^ i, head);
  return head;
}

/* Whether `head` is exactly what make_list(n, seed) made. */
static int list_ok(const node *head, uint32_t n, uint32_t seed) {
  for (uint32_t i = n; i-- > 0; head = head->next)
    if (head == NULL || head->rtt != &node_rtt || head->value != (seed ^ i)) return 0;
  return head == NULL;
}

static w_array *make_ints(uint32_t n, uint32_t seed) {
  w_array *a = w_gc_alloc_array(&ints_rtt, n);
  for (uint32_t i = 0; i < n; i++) W_ARRAY_ELEMS(a, uint32_t)[i] = seed * 2654435761u + i;
  return a;
}

static int ints_ok(const w_array *a, uint32_t n, uint32_t seed) {
  if (a->rtt != &ints_rtt || a->length != n) return 0;
  for (uint32_t i = 0; i < n; i++)
    if (W_ARRAY_ELEMS(a, const uint32_t)[i] != seed * 2654435761u + i) return 0;
  return 1;
}

/* About `bytes` of garbage: short lists, and i32 arrays of up to 80 KB
 * (some large objects) now and then. */
static void churn(uint64_t bytes) {
  for (uint64_t done = 0, k = 0; done < bytes; k++) {
    if (k % 8 == 7) {
      uint32_t len = (uint32_t)(k * 7919 % 20000);
      w_array *a = w_gc_alloc_array(&ints_rtt, len);
      W_ARRAY_ELEMS(a, uint32_t)[len / 2] = (uint32_t)k;
      done += 16 + 4 * (uint64_t)len;
    } else {
      make_list(100, (uint32_t)k);
      done += 100 * 32;
    }
  }
}

/* list(n, rounds): a list of n nodes, kept alive by a local only, through
 * `rounds` rounds of 64 MiB of garbage and a collection.  Returns whether
 * the list is intact, and the sum of its values. */
static void t_list(const w_value *a, w_value *r) {
  uint32_t n = a[0].i32;
  node *head = make_list(n, 0);
  for (uint32_t k = 0; k < a[1].i32; k++) {
    churn((uint64_t)64 << 20);
    w_gc_collect();
  }
  uint64_t sum = 0;
  for (const node *p = head; p; p = p->next) sum += p->value;
  r[0].i32 = list_ok(head, n, 0);
  r[1].i64 = sum;
}

/* The peak resident size of this program in KiB (VmHWM, the high-water
 * mark of its own address space: getrusage's ru_maxrss would also count
 * the process it was forked from before exec, as a test's Python). */
static uint32_t peak_resident_kib(void) {
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long kib = 0;
  while (status && fgets(line, sizeof line, status))
    if (sscanf(line, "VmHWM: %lu kB", &kib) == 1) break;
  if (status) fclose(status);
  return (uint32_t)kib;
}

/* garbage(mib, n): allocates `mib` MiB of garbage next to a live list of
 * n nodes; returns whether the list survived, the heap's size in MiB and
 * the program's peak resident size in MiB. */
static void t_garbage(const w_value *a, w_value *r) {
  node *live = make_list(a[1].i32, 7);
  churn((uint64_t)a[0].i32 << 20);
  r[0].i32 = list_ok(live, a[1].i32, 7);
  r[1].i32 = (uint32_t)(w_gc_heap_size >> 20);
  r[2].i32 = peak_resident_kib() >> 10;
}

/* Objects reachable only from a global, a segment, a table (grown after
 * it was registered), or an interior pointer. */
static __attribute__((noinline)) char *interior_of_ints(uint32_t n, uint32_t seed) {
  return (char *)make_ints(n, seed) + W_ARRAY_DATA + 4 * (n / 2) + 1;
}

static __attribute__((noinline)) char *interior_of_list(uint32_t n, uint32_t seed) {
  return (char *)&make_list(n, seed)->value;
}

/* roots(mib): returns a 1 per root kind that kept its object. */
static void t_roots(const w_value *a, w_value *r) {
  global = make_list(1000, 1);
  segment[2] = make_list(1000, 2);
  table.elems[1] = make_list(1000, 3);
  if (w_table_grow(&table, NULL, 100) != 2) w_trap(W_TRAP_UNREACHABLE);
  table.elems[101] = make_list(1000, 4);
  char *volatile small = interior_of_list(1000, 5);
  char *volatile large = interior_of_ints(1 << 20, 6); /* 4 MiB: a run of blocks, pointed into past its first */
  churn((uint64_t)a[0].i32 << 20);
  w_gc_collect();
  churn((uint64_t)a[0].i32 << 20);
  r[0].i32 = list_ok(global, 1000, 1);
  r[1].i32 = list_ok(segment[2], 1000, 2);
  r[2].i32 = list_ok(table.elems[1], 1000, 3);
  r[3].i32 = list_ok(table.elems[101], 1000, 4);
  r[4].i32 = list_ok((node *)(small - offsetof(node, value)), 1000, 5);
  r[5].i32 = ints_ok((w_array *)(large - W_ARRAY_DATA - 4 * ((1 << 20) / 2) - 1), 1 << 20, 6);
}

/* Objects whose addresses are kept only where the collector does not
 * look (static memory that is no registered root): how many of 100 are
 * freed by `mib` MiB of garbage and a collection (slot cleared or reused). */
static uintptr_t hidden[100];

static __attribute__((noinline)) void hide(void) {
  for (uint32_t i = 0; i < 100; i++) hidden[i] = (uintptr_t)cons(0xdead0000 + i, NULL);
}

static void t_freed(const w_value *a, w_value *r) {
  hide();
  churn((uint64_t)a[0].i32 << 20);
  w_gc_collect();
  uint32_t freed = 0;
  for (uint32_t i = 0; i < 100; i++) {
    const node *n = (const node *)hidden[i];
    freed += n->rtt != &node_rtt || n->value != 0xdead0000 + i;
  }
  r[0].i32 = freed;
}

/* large(rounds, nrefs): three live 4 MiB arrays, one replaced each round,
 * and an array of `nrefs` references to short lists; returns whether all
 * survived, and the heap's size in MiB (the dropped arrays' space is
 * reused). */
static void t_large(const w_value *a, w_value *r) {
  const uint32_t n = 1 << 20, nrefs = a[1].i32;
  w_array *keep[3];
  for (uint32_t i = 0; i < 3; i++) keep[i] = make_ints(n, i);
  w_array *refs = w_gc_alloc_array(&refs_rtt, nrefs);
  for (uint32_t i = 0; i < nrefs; i++) W_ARRAY_ELEMS(refs, node *)[i] = make_list(i % 3, i);
  int ok = 1;
  for (uint32_t k = 3; k < 3 + a[0].i32; k++) {
    keep[k % 3] = make_ints(n, k);
    for (uint32_t i = 0; i < 3; i++) ok &= ints_ok(keep[i], n, k - (k - i) % 3);
  }
  for (uint32_t i = 0; i < nrefs; i++) ok &= list_ok(W_ARRAY_ELEMS(refs, node *)[i], i % 3, i);
  r[0].i32 = ok;
  r[1].i32 = (uint32_t)(w_gc_heap_size >> 20);
}

/* oom(kind): 0, a list that grows until the heap is full; 1, an array
 * beyond the limit; 2, an array beyond any size. */
static void t_oom(const w_value *a, w_value *r) {
  node *head = NULL;
  switch (a[0].i32) {
  case 0:
    for (;;) head = cons(0, head);
  case 1:
    w_gc_alloc_array(&ints_rtt, 0x7fffffff);
    break;
  case 2:
    w_gc_alloc_array(&refs_rtt, UINT64_MAX / 4);
    break;
  }
  r[0].i32 = head != NULL;
}

/* exception(mib, n): throws an exception whose payload is a list (and an
 * i32), and drops the list; the pending exception keeps it through `mib`
 * MiB of garbage, a collection and `mib` MiB more.  Then n exceptions
 * thrown and caught one after the other, which the collector frees.
 * Returns whether the payload survived, and the heap's size in MiB. */
static __attribute__((noinline)) void throw_list(void) {
  w_value payload[2];
  payload[0].ref = make_list(1000, 9);
  payload[1].i32 = 42;
  w_throw(&tag, 2, payload);
}

/* Clears the stack below the caller's frame, where stale copies of
 * references would be read as roots (the collector is conservative there). */
static __attribute__((noinline)) void scrub_stack(void) {
  uintptr_t words[2048];
  memset(words, 0, sizeof words);
  __asm__ volatile("" : : "r"(words) : "memory"); /* the stores happen */
}

static void t_exception(const w_value *a, w_value *r) {
  throw_list();
  scrub_stack();
  churn((uint64_t)a[0].i32 << 20);
  w_gc_collect();
  churn((uint64_t)a[0].i32 << 20); /* reuses what the collection freed */
  w_exnref e = w_pending;
  r[0].i32 = e->rtt->kind == W_RTT_OPAQUE && e->tag == &tag && e->count == 2 && e->values[1].i32 == 42 &&
             list_ok(e->values[0].ref, 1000, 9);
  w_pending = NULL;
  for (uint32_t i = 0; i < a[1].i32; i++) {
    w_value payload[2] = {{.ref = NULL}, {.i32 = i}};
    w_throw(&tag, 2, payload);
    w_pending = NULL;
  }
  r[1].i32 = (uint32_t)(w_gc_heap_size >> 20);
}

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(list, "ii", "iI"), E(garbage, "ii", "iii"), E(roots, "i", "iiiiii"), E(freed, "i", "i"),
    E(large, "ii", "ii"), E(oom, "i", "i"), E(exception, "ii", "ii"),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;
