/* memory.c -- 32-bit linear memories: reservation, growth, bulk operations.
 *
 * Each memory reserves 8 GiB + 64 KiB of address space with PROT_NONE and
 * makes only its current pages readable and writable.  Generated code
 * computes an effective address `(uint64_t)addr + offset` below 2^33 and
 * accesses at most 8 bytes there without a check; whatever lies beyond the
 * accessible pages is still inside the reservation and faults.  trap.c asks
 * w_memory_reserved whether a fault address is in some reservation, and if
 * so turns the fault into "out of bounds memory access".
 *
 * The bulk operations (memory.fill, memory.copy, memory.init) check their
 * bounds explicitly before touching anything, so a trapping one writes
 * nothing, as the Wasm 2.0 spec requires.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PAGE_SIZE 65536u
#define MAX_PAGES 65536u /* 4 GiB: the limit of a 32-bit memory */
#define RESERVATION (((uint64_t)8 << 30) + PAGE_SIZE)

/* The registry of reservations, read by the fault handler.  Nodes are only
 * ever prepended (published with a release store) and never freed, so the
 * handler can walk the list at any moment without a lock. */
typedef struct region {
  const uint8_t *base;
  const struct region *next;
} region;

static const region *regions;

int w_memory_reserved(const void *addr) {
  const uint8_t *a = addr;
  for (const region *r = __atomic_load_n(&regions, __ATOMIC_ACQUIRE); r; r = r->next)
    if (a >= r->base && (uint64_t)(a - r->base) < RESERVATION) return 1;
  return 0;
}

static void register_region(const uint8_t *base) {
  region *r = malloc(sizeof *r);
  if (!r) {
    fputs("wastrel: out of memory\n", stderr);
    exit(1);
  }
  r->base = base;
  r->next = regions;
  __atomic_store_n(&regions, r, __ATOMIC_RELEASE);
}

void w_memory_init(w_memory *mem, uint32_t initial_pages, uint32_t max_pages, int has_max) {
  void *base = mmap(NULL, RESERVATION, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    perror("wastrel: cannot reserve address space for a linear memory");
    exit(1);
  }
  uint64_t size = (uint64_t)initial_pages * PAGE_SIZE;
  if (size > 0 && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
    perror("wastrel: cannot allocate the initial linear memory");
    exit(1);
  }
  register_region(base);
  mem->base = base;
  mem->size = size;
  mem->max_pages = has_max && max_pages < MAX_PAGES ? max_pages : MAX_PAGES;
}

uint32_t w_memory_grow(w_memory *mem, uint32_t delta_pages) {
  uint64_t old_pages = mem->size / PAGE_SIZE;
  if (delta_pages > mem->max_pages - old_pages) return (uint32_t)-1;
  uint64_t delta = (uint64_t)delta_pages * PAGE_SIZE;
  if (delta > 0 && mprotect(mem->base + mem->size, delta, PROT_READ | PROT_WRITE) != 0)
    return (uint32_t)-1;
  mem->size += delta;
  return (uint32_t)old_pages;
}

/* Whether [start, start + n) lies within `limit` bytes (64-bit arithmetic:
 * no wrap-around; n == 0 at exactly the end is in bounds). */
static int in_bounds(uint32_t start, uint32_t n, uint64_t limit) {
  return (uint64_t)start + n <= limit;
}

void w_memory_fill(w_memory *mem, uint32_t dst, uint32_t value, uint32_t n) {
  if (!in_bounds(dst, n, mem->size)) w_trap(W_TRAP_MEMORY_OOB);
  memset(mem->base + dst, (int)(value & 0xff), n);
}

void w_memory_copy(w_memory *dst_mem, w_memory *src_mem, uint32_t dst, uint32_t src, uint32_t n) {
  if (!in_bounds(dst, n, dst_mem->size) || !in_bounds(src, n, src_mem->size))
    w_trap(W_TRAP_MEMORY_OOB);
  memmove(dst_mem->base + dst, src_mem->base + src, n);
}

void w_memory_init_segment(w_memory *mem, const uint8_t *seg, uint32_t seg_len,
                           uint32_t dst, uint32_t src, uint32_t n) {
  if (!in_bounds(dst, n, mem->size) || !in_bounds(src, n, seg_len))
    w_trap(W_TRAP_MEMORY_OOB);
  if (n > 0) memcpy(mem->base + dst, seg + src, n);
}
