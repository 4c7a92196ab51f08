/* memory.c -- linear memories: reservation, growth, bulk operations.
 *
 * Each 32-bit memory reserves 8 GiB + 64 KiB of address space with
 * PROT_NONE and makes only its current pages readable and writable.
 * Generated code computes an effective address `(uint64_t)addr + offset`
 * below 2^33 and accesses at most 16 bytes there without a check; whatever
 * lies beyond the accessible pages is still inside the reservation and
 * faults.  trap.c asks w_memory_reserved whether a fault address is in some
 * reservation, and if so turns the fault into "out of bounds memory access".
 *
 * A memory64 cannot be guarded that way (its addresses are 64 bits): its
 * accesses check their bounds in the generated code (w_ea64), and its
 * reservation is only as large as it may grow, up to
 * W_MEMORY64_RESERVATION.
 *
 * The bulk operations (memory.fill, memory.copy, memory.init) check their
 * bounds explicitly before touching anything, so a trapping one writes
 * nothing, as the Wasm 2.0 spec requires.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PAGE_SIZE 65536u
#define MAX_PAGES 65536u /* 4 GiB: the limit of a 32-bit memory */
#define RESERVATION (((uint64_t)8 << 30) + PAGE_SIZE)
/* A memory64 grows to 64 GiB at most: memory.grow fails beyond that. */
#define W_MEMORY64_RESERVATION ((uint64_t)64 << 30)

/* The registry of reservations, read by the fault handler.  Nodes are only
 * ever prepended (published with a release store) and never freed, so the
 * handler can walk the list at any moment without a lock. */
typedef struct region {
  const uint8_t *base;
  uint64_t length;
  const struct region *next;
} region;

static const region *regions;

int w_memory_reserved(const void *addr) {
  const uint8_t *a = addr;
  for (const region *r = __atomic_load_n(&regions, __ATOMIC_ACQUIRE); r; r = r->next)
    if (a >= r->base && (uint64_t)(a - r->base) < r->length) return 1;
  return 0;
}

static void register_region(const uint8_t *base, uint64_t length) {
  region *r = malloc(sizeof *r);
  if (!r) {
    fputs("wastrel: out of memory\n", stderr);
    exit(1);
  }
  r->base = base;
  r->length = length;
  r->next = regions;
  __atomic_store_n(&regions, r, __ATOMIC_RELEASE);
}

/* Reserves `reservation` bytes and makes the first `initial_pages` usable. */
static void reserve(w_memory *mem, uint64_t reservation, uint64_t initial_pages, uint64_t max_pages) {
  void *base = mmap(NULL, reservation, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    perror("wastrel: cannot reserve address space for a linear memory");
    exit(1);
  }
  uint64_t size = initial_pages * PAGE_SIZE;
  if (size > 0 && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
    perror("wastrel: cannot allocate the initial linear memory");
    exit(1);
  }
  register_region(base, reservation);
  mem->base = base;
  mem->size = size;
  mem->max_pages = max_pages;
}

void w_memory_init(w_memory *mem, uint32_t initial_pages, uint32_t max_pages, int has_max) {
  reserve(mem, RESERVATION, initial_pages, has_max && max_pages < MAX_PAGES ? max_pages : MAX_PAGES);
}

void w_memory64_init(w_memory *mem, uint64_t initial_pages, uint64_t max_pages, int has_max) {
  uint64_t limit = W_MEMORY64_RESERVATION / PAGE_SIZE;
  if (initial_pages > limit) {
    fprintf(stderr, "wastrel: a memory64 of %" PRIu64 " pages is more than the %" PRIu64 " GiB wastrel reserves\n",
            initial_pages, W_MEMORY64_RESERVATION >> 30);
    exit(1);
  }
  if (has_max && max_pages < limit) limit = max_pages;
  reserve(mem, limit ? limit * PAGE_SIZE : PAGE_SIZE, initial_pages, limit);  /* mmap wants a length */
}

uint64_t w_memory64_grow(w_memory *mem, uint64_t delta_pages) {
  uint64_t old_pages = mem->size / PAGE_SIZE;
  if (delta_pages > mem->max_pages - old_pages) return (uint64_t)-1;
  uint64_t delta = delta_pages * PAGE_SIZE;
  if (delta > 0 && mprotect(mem->base + mem->size, delta, PROT_READ | PROT_WRITE) != 0)
    return (uint64_t)-1;
  mem->size += delta;
  return old_pages;
}

uint32_t w_memory_grow(w_memory *mem, uint32_t delta_pages) {
  return (uint32_t)w_memory64_grow(mem, delta_pages);
}

/* Whether [start, start + n) lies within `limit` bytes (no wrap-around;
 * n == 0 at exactly the end is in bounds). */
static int in_bounds(uint64_t start, uint64_t n, uint64_t limit) {
  return n <= limit && start <= limit - n;
}

void w_memory_fill(w_memory *mem, uint64_t dst, uint32_t value, uint64_t n) {
  if (!in_bounds(dst, n, mem->size)) w_trap(W_TRAP_MEMORY_OOB);
  memset(mem->base + dst, (int)(value & 0xff), n);
}

void w_memory_copy(w_memory *dst_mem, w_memory *src_mem, uint64_t dst, uint64_t src, uint64_t n) {
  if (!in_bounds(dst, n, dst_mem->size) || !in_bounds(src, n, src_mem->size))
    w_trap(W_TRAP_MEMORY_OOB);
  memmove(dst_mem->base + dst, src_mem->base + src, n);
}

void w_memory_init_segment(w_memory *mem, const uint8_t *seg, uint32_t seg_len,
                           uint64_t dst, uint32_t src, uint32_t n) {
  if (!in_bounds(dst, n, mem->size) || !in_bounds(src, n, seg_len))
    w_trap(W_TRAP_MEMORY_OOB);
  if (n > 0) memcpy(mem->base + dst, seg + src, n);
}
