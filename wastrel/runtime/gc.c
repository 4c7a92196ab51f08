/* gc.c -- the garbage collector of WasmGC objects (see wastrel.h,
 * "garbage-collected objects").
 *
 * A non-moving mark-sweep collector with precise tracing of objects and
 * conservative scanning of the stack.  The program's single Wasm thread is
 * the only mutator; nothing here locks.
 *
 * Layout.  The heap is one contiguous reservation of address space
 * (64 GiB, or twice the heap's limit if that is more), mapped PROT_NONE
 * and made accessible as it is first used, so that "is this word an
 * object?" starts with a range check (w_is_object); `w_gc_heap_size` is
 * the part handed out so far, the frontier.  Nothing is reserved until
 * the first allocation: a program without GC pays nothing.  The heap is cut
 * into 64 KiB blocks, described by a block table (one entry per block):
 *   - a small block holds objects of one of 45 size classes (16 bytes to
 *     32 KiB, multiples of 8; an object with a v128 field, whose size is a
 *     multiple of 16, gets a class of its size or above 128, all multiples
 *     of 16: its slot is 16-byte aligned), in slots that start at the
 *     block's beginning;
 *   - an object over 32 KiB gets a run of whole blocks: the table marks
 *     its first block (with the run's length) and the others, which point
 *     back to the first;
 *   - a free block is in no use; consecutive free blocks form free runs,
 *     kept in a list in address order (allocation takes the lowest first).
 * So any address in the heap -- interior pointers included -- maps to the
 * start of the slot or run holding it in O(1): block index, then (small)
 * a multiplication by the class's reciprocal.  A slot holds an object iff
 * its first word, the object's rtt, is non-NULL: a free slot has rtt NULL
 * (and, in its second word, the link of its block's free list); a block
 * is given to a size class only after every slot header in it is cleared.
 * Mark bits live on the side, in a bitmap with one bit per 8-byte granule
 * of the heap (an object's bit is that of its first granule).
 *
 * Allocation.  Each size class has a free list (the free slots of one
 * block) that the fast path pops; the object is zeroed and its rtt set.
 * When the list is empty the class takes its next block still to sweep
 * (lazy sweeping: see below), or else a free block, whose free list is
 * then built; large objects take the first free run long enough, else
 * extend the frontier.  Runs are zeroed when handed out unless their
 * memory is known to be zero (never used, or decommitted).
 *
 * Roots.  (1) Slots the program registers (w_gc_root: globals, element
 * segments) and (2) registered tables (w_gc_root_table), read at
 * collection time since their elements move when they grow, both
 * precisely; (3) the stack of the
 * calling thread (the Wasm thread) from the collector's frame to its top,
 * found with pthread_getattr_np, after the callee-saved registers are
 * spilled onto it (__builtin_unwind_init), read conservatively: every
 * aligned word that points anywhere into an object counts; (4) w_spill
 * and w_pending, read conservatively too (w_spill holds w_value unions).
 * Only the calling thread's stack is read: a reference held only on
 * another thread's stack is not seen.
 *
 * Marking.  Each word found conservatively is checked: in the heap's
 * range, in a used block; then the bit of the slot it points into is set
 * and the slot pushed on an explicit mark stack (a malloc'd array: no recursion, so a
 * list of millions of nodes is no deeper than one).  Popped slots go
 * through a small FIFO that prefetches them; a slot whose rtt turns out
 * NULL (free) is unmarked again, an object is traced precisely by its
 * rtt: a struct's `nrefs` fields at byte offsets `refs[]`, the `length`
 * elements of an array of references; an opaque object (an exception,
 * exception.c) has every word of its slot read conservatively.  Words
 * that are not objects (i31s, function references, host references) are
 * ignored wherever they are found.  A word read
 * precisely -- a field or element of a reference type, a registered
 * global, segment or table -- is a reference: in the heap, it is an
 * object's start, so it is marked without the block table (half the
 * marking time of a long list).
 *
 * Sweeping.  Right after marking, one pass over the block table counts the
 * live bytes (the mark bits of each block), frees every small block
 * without a mark and every large run whose object is unmarked, rebuilds
 * the free runs, and queues each class's small blocks that have free
 * slots for sweeping.  A queued block is swept only when its class
 * needs room (lazy sweeping: the work is spread over allocation and done
 * while the block is about to be used): unmarked slots get rtt NULL and
 * are linked into the class's free list.  A collection just drops the
 * queues and free lists: an unswept dead object looks like an object but
 * is judged again, and freed slots are found again by the next sweep.
 * Free blocks beyond what the next cycle will allocate are returned to the
 * system (madvise MADV_DONTNEED), so the resident size follows the heap.
 *
 * Policy.  A collection runs when a class or a large object needs a new
 * block and the bytes handed out since the last collection exceed 5/4 of
 * the bytes live after it (at least 16 MiB), so the heap is about 2.25
 * times the live data (bench/gc.py: V8 takes 2 to 6 times as much memory
 * on the same programs, and collecting more often slows the programs with
 * much live data); and whenever the heap's limit would be exceeded.  The limit
 * is WASTREL_GC_MAX_HEAP (bytes; suffixes K, M, G), by default 3/4 of the
 * physical memory (or of the cgroup's limit): if a collection cannot make
 * room within it, the allocation traps "out of memory".
 * WASTREL_GC_STRESS=1 collects at every allocation; WASTREL_GC_VERBOSE=1
 * prints a line per collection on stderr.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

uintptr_t w_gc_heap_start, w_gc_heap_size;

#define BLOCK_SHIFT 16
#define BLOCK_SIZE ((size_t)1 << BLOCK_SHIFT)
#define GRANULE_SHIFT 3 /* 8 bytes: the alignment of every object (16 if it holds a v128) */
#define GRANULES_PER_BLOCK (BLOCK_SIZE >> GRANULE_SHIFT)
#define MARK_WORDS_PER_BLOCK (GRANULES_PER_BLOCK / 64)
#define MAX_SMALL 32768
#define MIN_ALLOCATION ((size_t)16 << 20)      /* between collections, at least */
#define RESERVATION ((size_t)64 << 30)        /* the heap's address space, at least */
#define MAX_RESERVATION ((size_t)1 << 46)
#define COMMIT_STEP ((size_t)1 << 20)         /* the heap becomes accessible by MiBs */
#define NONE UINT32_MAX

/* ---- size classes ------------------------------------------------------ */

/* 8-byte steps to 128, then four steps per power of two to 8 KiB, then
 * 7, 6, 5, 4, 3 and 2 slots per block.  Every class of a multiple of 16
 * bytes has a slot for each such size, and every class above 128 bytes is
 * a multiple of 16: an object with a v128 (whose C size is a multiple of
 * 16) gets a 16-byte aligned slot. */
static const uint32_t class_size[] = {
    16,   24,   32,   40,   48,   56,    64,    72,    80,    88,    96,    104,   112,   120,   128,
    160,  192,  224,  256,  320,
    384,  448,  512,  640,  768,  896,   1024,  1280,  1536,  1792,  2048,  2560,  3072,
    3584, 4096, 5120, 6144, 7168, 8192,  9360,  10912, 13104, 16384, 21840, 32768,
};
#define NCLASSES (sizeof class_size / sizeof *class_size)

static uint32_t class_slots[NCLASSES]; /* slots per block */
/* ceil(2^32 / size): (offset * magic) >> 32 is offset / size exactly for
 * every offset in a block (offset < 2^16, size <= 2^15). */
static uint64_t class_magic[NCLASSES];
static uint8_t class_of[MAX_SMALL / 8 + 1]; /* by size in granules, rounded up */

/* ---- state ------------------------------------------------------------- */

enum { B_FREE, B_SMALL, B_LARGE, B_LARGE_TAIL };

typedef struct block {
  uint8_t kind;
  uint8_t cls;   /* B_SMALL: its size class */
  uint8_t dirty; /* its memory may be non-zero (else never used, or decommitted) */
  uint32_t run;  /* B_LARGE: the run's length; B_LARGE_TAIL: the run's first block;
                    the first block of a free run: the free run's length */
  uint32_t next; /* the first block of a free run: the next free run;
                    B_SMALL: the next block of its class to sweep */
} block;

typedef w_free_slot free_slot; /* (wastrel.h) */

/* Each size class's free list (the free slots of one block), popped by
 * w_gc_alloc and, for the small classes, inline by w_gc_new (wastrel.h). */
w_free_slot *w_gc_free_lists[NCLASSES];
#define FREE_LIST(c) w_gc_free_lists[c]

typedef struct root {
  void *const *slot;
  size_t count;
} root;

/* A region reserved PROT_NONE, made accessible from its start as needed. */
typedef struct region {
  uint8_t *base;
  size_t reserved, committed;
} region;

static struct {
  int initialized, stress, verbose;
  region heap;               /* base: w_gc_heap_start, 64 KiB-aligned */
  region table_region;       /* the block table */
  region marks_region;       /* the mark bits */
  block *blocks;
  uint64_t *marks;
  size_t reserved_blocks;    /* the reservation's blocks */
  size_t frontier;           /* blocks [0, frontier) have been used */
  size_t in_use;             /* blocks not free */
  size_t limit_blocks;       /* in_use never exceeds this */
  uint32_t free_runs;        /* the first free run, NONE if none */
  size_t max_free_run;       /* no free run is longer */
  uint32_t to_sweep[NCLASSES]; /* each class's blocks still to sweep */
  size_t allocated;          /* bytes handed out since the last collection */
  size_t threshold;          /* collect when `allocated` reaches this */
  size_t live;               /* bytes marked by the last collection */
  unsigned long collections;
  root *roots;
  size_t nroots, roots_cap;
  const w_table **tables;
  size_t ntables, tables_cap;
  void **mark_stack;         /* kept from one collection to the next */
  size_t mark_cap;
} gc;

/* The top of the calling thread's stack (each thread finds its own). */
static __thread uintptr_t stack_top;

/* ---- memory ------------------------------------------------------------ */

static int region_reserve(region *r, size_t size, size_t align) {
  void *p = mmap(NULL, size + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return 0;
  uintptr_t base = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
  r->base = (uint8_t *)base;
  r->reserved = size;
  r->committed = 0;
  return 1;
}

/* Makes [0, size) of the region accessible. */
static int region_commit(region *r, size_t size) {
  if (size <= r->committed) return 1;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size = (size + page - 1) & ~(page - 1);
  if (size > r->reserved) size = r->reserved;
  if (mprotect(r->base + r->committed, size - r->committed, PROT_READ | PROT_WRITE) != 0) return 0;
  r->committed = size;
  return 1;
}

/* "64M", "2G", "1048576": bytes, or 0 if malformed. */
static size_t parse_size(const char *s) {
  char *end;
  if (!isdigit((unsigned char)*s)) return 0;
  unsigned long long n = strtoull(s, &end, 10);
  int shift = 0;
  switch (toupper((unsigned char)*end)) {
  case 'K': shift = 10; end++; break;
  case 'M': shift = 20; end++; break;
  case 'G': shift = 30; end++; break;
  case 'T': shift = 40; end++; break;
  }
  if (*end == 'i' && shift) end++;
  if ((*end == 'B' || *end == 'b') && shift) end++;
  if (*end || n > (MAX_RESERVATION >> shift)) return 0;
  return (size_t)n << shift;
}

/* 3/4 of the physical memory, or of the cgroup's memory limit if lower. */
static size_t default_limit(void) {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t memory = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : (size_t)4 << 30;
  FILE *f = fopen("/sys/fs/cgroup/memory.max", "r");
  if (f) {
    unsigned long long max;
    if (fscanf(f, "%llu", &max) == 1 && max < memory) memory = (size_t)max;
    fclose(f);
  }
  return memory / 4 * 3;
}

static int env_flag(const char *name) {
  const char *v = getenv(name);
  return v && *v && strcmp(v, "0") != 0;
}

static void gc_init(void) {
  for (size_t c = 0; c < NCLASSES; c++) {
    class_slots[c] = (uint32_t)(BLOCK_SIZE / class_size[c]);
    class_magic[c] = (((uint64_t)1 << 32) + class_size[c] - 1) / class_size[c];
  }
  for (size_t g = 0, c = 0; g <= MAX_SMALL / 8; g++) {
    while (class_size[c] < g * 8) c++;
    class_of[g] = (uint8_t)c;
  }
  gc.stress = env_flag("WASTREL_GC_STRESS");
  gc.verbose = env_flag("WASTREL_GC_VERBOSE");
  size_t limit = 0;
  const char *max = getenv("WASTREL_GC_MAX_HEAP");
  if (max && *max && !(limit = parse_size(max)))
    fprintf(stderr, "wastrel: ignoring WASTREL_GC_MAX_HEAP=%s (not a size such as 512M)\n", max);
  if (!limit) limit = default_limit();
  limit = (limit + BLOCK_SIZE - 1) & ~(BLOCK_SIZE - 1);

  /* Twice the limit, for fragmentation of the free runs; less if the
   * address space is limited (ulimit -v). */
  size_t size = limit < RESERVATION / 2 ? RESERVATION : limit <= MAX_RESERVATION / 2 ? 2 * limit : MAX_RESERVATION;
  for (;; size /= 2) {
    size_t nblocks = size >> BLOCK_SHIFT;
    if (region_reserve(&gc.heap, size, BLOCK_SIZE)) {
      if (region_reserve(&gc.table_region, nblocks * sizeof(block), 1) &&
          region_reserve(&gc.marks_region, nblocks * MARK_WORDS_PER_BLOCK * 8, 1))
        break;
      munmap(gc.heap.base, size); /* (leaks the alignment slack) */
      if (gc.table_region.base) munmap(gc.table_region.base, gc.table_region.reserved);
      gc.table_region.base = NULL;
    }
    if (size < ((size_t)16 << 20)) w_trap(W_TRAP_OUT_OF_MEMORY);
  }
  gc.blocks = (block *)gc.table_region.base;
  gc.marks = (uint64_t *)gc.marks_region.base;
  gc.reserved_blocks = size >> BLOCK_SHIFT;
  if (limit > size) limit = size;
  gc.limit_blocks = limit >> BLOCK_SHIFT;
  gc.free_runs = NONE;
  for (size_t c = 0; c < NCLASSES; c++) gc.to_sweep[c] = NONE;
  gc.threshold = MIN_ALLOCATION;
  w_gc_heap_start = (uintptr_t)gc.heap.base;
  w_gc_heap_size = 0;
  gc.initialized = 1;
}

static inline uint8_t *block_addr(size_t b) { return gc.heap.base + (b << BLOCK_SHIFT); }

/* Blocks [frontier, frontier + n), made accessible, or NONE. */
static uint32_t extend(size_t n) {
  if (n > gc.reserved_blocks - gc.frontier) return NONE;
  size_t end = gc.frontier + n;
  size_t bytes = end << BLOCK_SHIFT;
  if (bytes > gc.heap.committed) {
    bytes = (bytes + COMMIT_STEP - 1) & ~(COMMIT_STEP - 1);
    size_t nblocks = bytes >> BLOCK_SHIFT;
    /* The new table entries read as free, clean blocks. */
    if (!region_commit(&gc.table_region, nblocks * sizeof(block)) ||
        !region_commit(&gc.marks_region, nblocks * MARK_WORDS_PER_BLOCK * 8) ||
        !region_commit(&gc.heap, bytes))
      return NONE;
  }
  uint32_t first = (uint32_t)gc.frontier;
  gc.frontier = end;
  w_gc_heap_size = end << BLOCK_SHIFT;
  return first;
}

/* A run of n free blocks (the first fit, in address order), or NONE if
 * that would exceed the limit or the reservation. */
static uint32_t take_blocks(size_t n) {
  if (n > gc.limit_blocks - gc.in_use) return NONE;
  uint32_t found = NONE;
  if (n <= gc.max_free_run) {
    size_t longest = 0;
    for (uint32_t *link = &gc.free_runs, r; (r = *link) != NONE; link = &gc.blocks[r].next) {
      size_t len = gc.blocks[r].run;
      if (len >= n) {
        if (len > n) { /* the rest stays in place in the list */
          uint32_t rest = r + (uint32_t)n;
          gc.blocks[rest].run = (uint32_t)(len - n);
          gc.blocks[rest].next = gc.blocks[r].next;
          *link = rest;
        } else {
          *link = gc.blocks[r].next;
        }
        found = r;
        break;
      }
      if (len > longest) longest = len;
    }
    if (found == NONE) gc.max_free_run = longest; /* walked them all */
  }
  if (found == NONE) found = extend(n);
  if (found != NONE) gc.in_use += n;
  return found;
}

/* Returns the dirty blocks among [first, end) to the system: they then
 * read as zeros. */
static void decommit(size_t first, size_t end) {
  size_t i = first;
  while (i < end) {
    if (!gc.blocks[i].dirty) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < end && gc.blocks[j].dirty) gc.blocks[j++].dirty = 0;
    madvise(block_addr(i), (j - i) << BLOCK_SHIFT, MADV_DONTNEED);
    i = j;
  }
}

/* ---- marking ------------------------------------------------------------- */

static W_NORETURN void out_of_memory(void) { w_trap(W_TRAP_OUT_OF_MEMORY); }

/* The marker's state, copied into locals while it runs (the compiler then
 * keeps it in registers: a global's fields would be reloaded after every
 * store to a mark word or to the mark stack). */
typedef struct marker {
  uint8_t *base;         /* the heap's start */
  uintptr_t extent;      /* its used bytes: [base, base + extent) */
  const block *blocks;
  uint64_t *marks;
  void **stack;          /* the mark stack: slots marked, not yet scanned */
  size_t sp, cap;
} marker;

static __attribute__((noinline)) void **grow_mark_stack(void **stack, size_t cap) {
  stack = realloc(stack, 2 * cap * sizeof *stack);
  if (!stack) out_of_memory();
  return stack;
}

/* The offset of the slot (or run) that holds heap offset `off`, or
 * NONE_OFFSET if it is in no used block; the slot may be free. */
#define NONE_OFFSET UINTPTR_MAX
static inline uintptr_t slot_of(const block *blocks, uintptr_t off) {
  size_t b = off >> BLOCK_SHIFT;
  const block *blk = &blocks[b];
  switch (blk->kind) {
  case B_SMALL: {
    unsigned c = blk->cls;
    uint32_t slot = (uint32_t)(((off & (BLOCK_SIZE - 1)) * class_magic[c]) >> 32);
    if (slot >= class_slots[c]) return NONE_OFFSET; /* the block's unused tail */
    return (b << BLOCK_SHIFT) + (uintptr_t)slot * class_size[c];
  }
  case B_LARGE_TAIL:
    return (uintptr_t)blk->run << BLOCK_SHIFT;
  case B_LARGE:
    return b << BLOCK_SHIFT;
  default:
    return NONE_OFFSET;
  }
}

/* The size of the slot (or run) at heap offset `off`. */
static inline size_t slot_size(const block *blocks, uintptr_t off) {
  const block *blk = &blocks[off >> BLOCK_SHIFT];
  return blk->kind == B_SMALL ? class_size[blk->cls] : (size_t)blk->run << BLOCK_SHIFT;
}

/* Marks the slot at heap offset `start` and pushes it, unless marked. */
static inline void mark_slot(marker *m, uintptr_t start) {
  size_t g = start >> GRANULE_SHIFT;
  uint64_t bit = (uint64_t)1 << (g & 63);
  if (m->marks[g >> 6] & bit) return;
  m->marks[g >> 6] |= bit;
  if (W_UNLIKELY(m->sp == m->cap)) {
    m->stack = grow_mark_stack(m->stack, m->cap);
    m->cap *= 2;
  }
  m->stack[m->sp++] = m->base + start;
}

/* Marks the slot that the word `w` points into, if it points into a used
 * block, and pushes it.  Whether the slot holds an object (rtt non-NULL)
 * is seen only when it is popped (scan): reading the slot now would wait
 * for memory at every word, while by then it has been prefetched. */
static inline void mark_word(marker *m, uintptr_t w) {
  uintptr_t off = w - (uintptr_t)m->base;
  if (off >= m->extent) return;
  uintptr_t start = slot_of(m->blocks, off);
  if (start != NONE_OFFSET) mark_slot(m, start);
}

/* A word of a precise field (or a global, a table element): a reference,
 * so if it is in the heap it is an object's start -- no slot to look up.
 * i31s (odd), host and function references are not in the heap. */
static inline void mark_field(marker *m, uintptr_t w) {
  uintptr_t off = w - (uintptr_t)m->base;
  if (off < m->extent && !(w & 1)) mark_slot(m, off);
}

static inline void mark_range(marker *m, const void *lo, const void *hi) {
  for (const uintptr_t *p = lo; (const void *)(p + 1) <= hi; p++) mark_word(m, *p);
}

/* A marked slot: if it is free, unmarks it; else marks what its object
 * refers to. */
static inline void scan(marker *m, w_object *obj) {
  const w_rtt *rtt = obj->rtt;
  uintptr_t off = (uintptr_t)obj - (uintptr_t)m->base;
  if (!rtt) {
    m->marks[off >> (GRANULE_SHIFT + 6)] &= ~((uint64_t)1 << ((off >> GRANULE_SHIFT) & 63));
    return;
  }
  switch (rtt->kind) {
  case W_RTT_STRUCT:
    for (uint32_t i = 0; i < rtt->nrefs; i++)
      mark_field(m, *(const uintptr_t *)((const char *)obj + rtt->refs[i]));
    break;
  case W_RTT_ARRAY:
    if (rtt->elem_is_ref) {
      const uintptr_t *elems = W_ARRAY_ELEMS(obj, const uintptr_t);
      for (uint32_t i = 0, n = ((const w_array *)obj)->length; i < n; i++) mark_field(m, elems[i]);
    }
    break;
  case W_RTT_OPAQUE:
    mark_range(m, (const uintptr_t *)obj + 1, (const char *)obj + slot_size(m->blocks, off));
    break;
  }
}

/* Scans the marked slots until none is left.  Slots pass through a small
 * FIFO between the mark stack and scan, prefetched as they enter it, so
 * that several of them are on their way from memory at once. */
#define PREFETCH_DEPTH 16
static void drain(marker *state) {
  marker m = *state;
  w_object *fifo[PREFETCH_DEPTH];
  unsigned head = 0, n = 0;
  for (;;) {
    while (n < PREFETCH_DEPTH && m.sp) {
      w_object *obj = m.stack[--m.sp];
      __builtin_prefetch(obj);
      fifo[(head + n++) % PREFETCH_DEPTH] = obj;
    }
    if (n == 0) break;
    w_object *obj = fifo[head];
    head = (head + 1) % PREFETCH_DEPTH;
    n--;
    scan(&m, obj);
  }
  *state = m;
}

void w_gc_set_stack_top(uintptr_t top) { stack_top = top; }

static uintptr_t thread_stack_top(void) {
  if (!stack_top) {
    pthread_attr_t attr;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0 || pthread_attr_getstack(&attr, &addr, &size) != 0) {
      fputs("wastrel: internal error: the garbage collector cannot find the stack\n", stderr);
      _exit(1);
    }
    pthread_attr_destroy(&attr);
    stack_top = (uintptr_t)addr + size;
  }
  return stack_top;
}

/* Marks everything reachable from the roots. */
static void mark(const void *stack_lo) {
  marker m = {
      .base = gc.heap.base, .extent = gc.frontier << BLOCK_SHIFT, .blocks = gc.blocks, .marks = gc.marks,
      .stack = gc.mark_stack, .sp = 0, .cap = gc.mark_cap,
  };
  if (!m.stack) {
    m.stack = grow_mark_stack(NULL, 2048);
    m.cap = 4096;
  }
  memset(m.marks, 0, gc.frontier * MARK_WORDS_PER_BLOCK * 8);
  for (size_t i = 0; i < gc.nroots; i++)
    for (size_t k = 0; k < gc.roots[i].count; k++) mark_field(&m, (uintptr_t)gc.roots[i].slot[k]);
  for (size_t i = 0; i < gc.ntables; i++)
    for (uint32_t k = 0; k < gc.tables[i]->size; k++) mark_field(&m, (uintptr_t)gc.tables[i]->elems[k]);
  mark_range(&m, w_spill, w_spill + W_SPILL_MAX);
  mark_word(&m, (uintptr_t)w_pending);
  uintptr_t lo = (uintptr_t)stack_lo & ~(uintptr_t)7;
  mark_range(&m, (const void *)lo, (const void *)thread_stack_top());
  drain(&m);
  gc.mark_stack = m.stack;
  gc.mark_cap = m.cap;
}

/* ---- sweeping ------------------------------------------------------------ */

/* How many objects of small block b are marked. */
static size_t block_marked(size_t b) {
  const uint64_t *m = gc.marks + b * MARK_WORDS_PER_BLOCK;
  size_t n = 0;
  for (size_t i = 0; i < MARK_WORDS_PER_BLOCK; i++) n += (size_t)__builtin_popcountll(m[i]);
  return n;
}

/* After marking: frees unmarked large runs and small blocks without a
 * mark, rebuilds the free runs (address order) and each class's list of
 * blocks to sweep, and counts the live bytes. */
static void sweep_blocks(void) {
  uint32_t *run_link = &gc.free_runs;
  uint32_t *sweep_link[NCLASSES];
  for (size_t c = 0; c < NCLASSES; c++) sweep_link[c] = &gc.to_sweep[c];
  size_t run_start = NONE, longest = 0;
  gc.in_use = 0;
  gc.live = 0;
  for (size_t b = 0; b <= gc.frontier;) {
    block *blk = &gc.blocks[b];
    size_t n = 1;
    int is_free = 1;
    if (b == gc.frontier) {
      /* the end: closes the last run */
    } else if (blk->kind == B_SMALL) {
      size_t marked = block_marked(b);
      if (marked) {
        is_free = 0;
        gc.live += marked * class_size[blk->cls];
        if (marked < class_slots[blk->cls]) { /* else full: nothing to sweep */
          *sweep_link[blk->cls] = (uint32_t)b;
          sweep_link[blk->cls] = &blk->next;
        }
      } else {
        blk->kind = B_FREE;
      }
    } else if (blk->kind == B_LARGE) {
      n = blk->run;
      size_t g = b * GRANULES_PER_BLOCK;
      if (gc.marks[g >> 6] & 1) {
        is_free = 0;
        gc.live += n << BLOCK_SHIFT;
      } else
        for (size_t k = 0; k < n; k++) gc.blocks[b + k].kind = B_FREE;
    }
    if (is_free && run_start == NONE && b < gc.frontier) run_start = b;
    if ((!is_free || b == gc.frontier) && run_start != NONE) {
      size_t len = b - run_start;
      gc.blocks[run_start].run = (uint32_t)len;
      *run_link = (uint32_t)run_start;
      run_link = &gc.blocks[run_start].next;
      if (len > longest) longest = len;
      run_start = NONE;
    }
    if (!is_free) gc.in_use += n;
    b += n;
  }
  *run_link = NONE;
  for (size_t c = 0; c < NCLASSES; c++) *sweep_link[c] = NONE;
  gc.max_free_run = longest;
}

/* Keeps twice as many free blocks as the next cycle will take (the lowest,
 * which allocation takes first; twice: the live data changes from one
 * cycle to the next, and a block given back costs page faults when it is
 * used again), within the limit, and decommits the others. */
static void release_free_blocks(void) {
  size_t keep = (2 * gc.threshold) >> BLOCK_SHIFT;
  if (keep > gc.limit_blocks - gc.in_use) keep = gc.limit_blocks - gc.in_use;
  for (uint32_t r = gc.free_runs; r != NONE; r = gc.blocks[r].next) {
    size_t len = gc.blocks[r].run;
    if (keep >= len) {
      keep -= len;
    } else {
      decommit(r + keep, r + len);
      keep = 0;
    }
  }
}

/* Sweeps small block b: its unmarked slots become its class's free list.
 * Returns how many. */
static size_t sweep_block(size_t b) {
  unsigned c = gc.blocks[b].cls;
  size_t size = class_size[c], step = size >> GRANULE_SHIFT;
  uint8_t *base = block_addr(b);
  size_t g0 = b * GRANULES_PER_BLOCK;
  free_slot *head = NULL;
  size_t nfree = 0;
  for (size_t i = class_slots[c]; i-- > 0;) {
    size_t g = g0 + i * step;
    if (!(gc.marks[g >> 6] & ((uint64_t)1 << (g & 63)))) {
      free_slot *s = (free_slot *)(base + i * size);
      s->rtt = NULL;
      s->next = head;
      head = s;
      nfree++;
    }
  }
  FREE_LIST(c) = head;
  return nfree;
}

/* Gives free block b to class c: all its slots are free. */
static void init_block(size_t b, unsigned c) {
  block *blk = &gc.blocks[b];
  blk->kind = B_SMALL;
  blk->cls = (uint8_t)c;
  blk->dirty = 1;
  size_t size = class_size[c];
  uint8_t *base = block_addr(b);
  free_slot *head = NULL;
  for (size_t i = class_slots[c]; i-- > 0;) {
    free_slot *s = (free_slot *)(base + i * size);
    s->rtt = NULL;
    s->next = head;
    head = s;
  }
  FREE_LIST(c) = head;
}

/* ---- collection ---------------------------------------------------------- */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static __attribute__((noinline)) void collect_spilled(void) {
  double start = gc.verbose ? now() : 0;
  /* Allocation starts afresh after the collection. */
  for (size_t c = 0; c < NCLASSES; c++) {
    FREE_LIST(c) = NULL;
    gc.to_sweep[c] = NONE;
  }
  mark(__builtin_frame_address(0));
  sweep_blocks();
  gc.threshold = gc.live * 5 / 4 > MIN_ALLOCATION ? gc.live * 5 / 4 : MIN_ALLOCATION;
  gc.allocated = 0;
  release_free_blocks();
  gc.collections++;
  if (gc.verbose)
    fprintf(stderr, "wastrel gc %lu: %zu KiB live, %zu KiB in use, %zu KiB heap, %.3f ms\n", gc.collections,
            gc.live >> 10, gc.in_use << (BLOCK_SHIFT - 10), gc.frontier << (BLOCK_SHIFT - 10),
            (now() - start) * 1e3);
}

static __attribute__((noinline)) void collect(void) {
  /* The caller's callee-saved registers go onto the stack here, above
   * collect_spilled's frame, where the stack scan starts. */
  __builtin_unwind_init();
  collect_spilled();
  __asm__ volatile("" ::: "memory"); /* not a tail call: this frame stays */
}

void w_gc_collect(void) {
  if (gc.initialized) collect();
}

/* ---- allocation ---------------------------------------------------------- */

/* Zeroes a free slot's first `size` bytes (rounded up to 8) but the
 * header; small objects without a call to memset. */
static inline void clear(free_slot *s, size_t size) {
  uint64_t *w = (uint64_t *)s;
  size_t words = (size + 7) >> 3;
  if (words <= 8) { /* (words >= 2: sizes start at 16) */
    for (size_t i = 1; i < words; i++) w[i] = 0;
    return;
  }
  memset(w + 1, 0, (words - 1) * 8);
}

static void *alloc_large(const w_rtt *rtt, size_t size, int collected) {
  if (size > gc.limit_blocks << BLOCK_SHIFT) out_of_memory();
  size_t n = (size + BLOCK_SIZE - 1) >> BLOCK_SHIFT;
  if (!collected && gc.allocated >= gc.threshold) {
    collect();
    collected = 1;
  }
  uint32_t b;
  while ((b = take_blocks(n)) == NONE) {
    if (collected) out_of_memory();
    collect();
    collected = 1;
  }
  block *blk = &gc.blocks[b];
  for (size_t k = 0; k < n; k++) {
    if (blk[k].dirty) memset(block_addr(b + k), 0, BLOCK_SIZE);
    blk[k].kind = B_LARGE_TAIL;
    blk[k].run = b;
    blk[k].dirty = 1;
  }
  blk->kind = B_LARGE;
  blk->run = (uint32_t)n;
  gc.allocated += n << BLOCK_SHIFT;
  w_object *obj = (w_object *)block_addr(b);
  obj->rtt = rtt;
  return obj;
}

static __attribute__((noinline)) void *alloc_slow(const w_rtt *rtt, size_t size) {
  if (!gc.initialized) gc_init();
  int collected = 0;
  if (gc.stress) {
    collect();
    collected = 1;
  }
  if (size < 16) size = 16;
  if (size > MAX_SMALL) return alloc_large(rtt, size, collected);
  unsigned c = class_of[(size + 7) >> 3];
  while (!FREE_LIST(c)) {
    if (!collected && gc.allocated >= gc.threshold) {
      collect();
      collected = 1;
    } else if (gc.to_sweep[c] != NONE) {
      uint32_t b = gc.to_sweep[c];
      gc.to_sweep[c] = gc.blocks[b].next;
      gc.allocated += sweep_block(b) * class_size[c];
    } else {
      uint32_t b = take_blocks(1);
      if (b == NONE) {
        if (collected) out_of_memory();
        collect();
        collected = 1;
      } else {
        init_block(b, c);
        gc.allocated += (size_t)class_slots[c] * class_size[c];
      }
    }
  }
  free_slot *s = FREE_LIST(c);
  FREE_LIST(c) = gc.stress ? NULL : s->next; /* stress: every allocation comes here */
  clear(s, size);
  s->rtt = rtt;
  return s;
}

void *w_gc_alloc(const w_rtt *rtt, size_t size) {
  if (W_LIKELY(size <= MAX_SMALL)) {
    free_slot *s = FREE_LIST(class_of[(size + 7) >> 3]);
    if (W_LIKELY(s != NULL)) {
      FREE_LIST(class_of[(size + 7) >> 3]) = s->next;
      clear(s, size);
      s->rtt = rtt;
      return s;
    }
  }
  return alloc_slow(rtt, size);
}

w_array *w_gc_alloc_array(const w_rtt *rtt, uint64_t length) {
  uint64_t bytes;
  if (length > UINT32_MAX || __builtin_mul_overflow(length, (uint64_t)rtt->elem_size, &bytes) ||
      __builtin_add_overflow(bytes, (uint64_t)W_ARRAY_DATA, &bytes))
    out_of_memory();
  w_array *a = w_gc_alloc(rtt, (size_t)bytes);
  a->length = (uint32_t)length;
  return a;
}

/* ---- roots ----------------------------------------------------------------- */

void w_gc_root(void *const *slot, size_t count) {
  if (gc.nroots == gc.roots_cap) {
    size_t cap = gc.roots_cap ? 2 * gc.roots_cap : 64;
    root *roots = realloc(gc.roots, cap * sizeof *roots);
    if (!roots) out_of_memory();
    gc.roots = roots;
    gc.roots_cap = cap;
  }
  gc.roots[gc.nroots++] = (root){slot, count};
}

void w_gc_root_table(const w_table *table) {
  if (gc.ntables == gc.tables_cap) {
    size_t cap = gc.tables_cap ? 2 * gc.tables_cap : 16;
    const w_table **tables = realloc(gc.tables, cap * sizeof *tables);
    if (!tables) out_of_memory();
    gc.tables = tables;
    gc.tables_cap = cap;
  }
  gc.tables[gc.ntables++] = table;
}
