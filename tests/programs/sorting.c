/* sorting.c -- qsort and bsearch with comparators called through pointers.
 *
 * Sorts an array of records with several comparators chosen from a table of
 * function pointers, checks the result with a hand-written merge sort that
 * also takes its comparator as a pointer, and looks keys up with bsearch.
 * Orders that a comparator leaves open (equal keys) are never printed, so
 * the output does not depend on the libc's qsort algorithm.  How many times
 * the comparators ran does depend on it, so that goes to stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int key;
  int id;
  char name[8];
  double weight;
} record;

typedef int (*comparator)(const void *, const void *);

enum { N = 3000 };
static record records[N];
static unsigned long comparisons;

static int by_key(const void *a, const void *b) {
  const record *x = a, *y = b;
  comparisons++;
  return (x->key > y->key) - (x->key < y->key);
}

static int by_key_desc(const void *a, const void *b) { return by_key(b, a); }

static int by_name(const void *a, const void *b) {
  comparisons++;
  return strcmp(((const record *)a)->name, ((const record *)b)->name);
}

static int by_weight(const void *a, const void *b) {
  const record *x = a, *y = b;
  comparisons++;
  return (x->weight > y->weight) - (x->weight < y->weight);
}

/* A total order: key, then name, then id (ids are unique). */
static int by_all(const void *a, const void *b) {
  const record *x = a, *y = b;
  int c = by_key(a, b);
  if (c == 0) c = by_name(a, b);
  if (c == 0) c = (x->id > y->id) - (x->id < y->id);
  return c;
}

static const struct {
  const char *name;
  comparator cmp;
} orders[] = {{"key", by_key},       {"key-desc", by_key_desc},
              {"name", by_name},     {"weight", by_weight},
              {"all", by_all}};

static void fill(void) {
  uint32_t s = 2463534242u;
  for (int i = 0; i < N; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    records[i].key = (int)(s % 1000) - 500;
    records[i].id = i;
    for (int j = 0; j < 3; j++) records[i].name[j] = (char)('a' + (s >> (8 * j)) % 6);
    records[i].name[3] = '\0';
    records[i].weight = (double)(s >> 8) / 65536.0;
  }
}

/* The part of a record that the given order fully determines. */
static uint32_t sorted_field(const record *r, const char *order) {
  if (strcmp(order, "name") == 0)
    return (uint32_t)(r->name[0] * 65536 + r->name[1] * 256 + r->name[2]);
  if (strcmp(order, "weight") == 0) return (uint32_t)(r->weight * 1000.0);
  if (strcmp(order, "all") == 0) return (uint32_t)r->id;
  return (uint32_t)r->key;
}

static uint32_t checksum(const record *r, const char *order) {
  uint32_t h = 0;
  for (int i = 0; i < N; i++) h = h * 1000003u ^ sorted_field(&r[i], order);
  return h;
}

static void merge_sort(record *a, record *tmp, size_t n, comparator cmp) {
  if (n < 2) return;
  size_t half = n / 2;
  merge_sort(a, tmp, half, cmp);
  merge_sort(a + half, tmp, n - half, cmp);
  size_t i = 0, j = half, k = 0;
  while (i < half && j < n) tmp[k++] = cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
  while (i < half) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static void sort_all_ways(void) {
  static record sorted[N], merged[N], tmp[N];
  for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
    memcpy(sorted, records, sizeof records);
    memcpy(merged, records, sizeof records);
    comparisons = 0;
    qsort(sorted, N, sizeof(record), orders[o].cmp);
    unsigned long qsort_comparisons = comparisons;
    comparisons = 0;
    merge_sort(merged, tmp, N, orders[o].cmp);
    int ordered = 1;
    for (int i = 1; i < N; i++) ordered &= orders[o].cmp(&sorted[i - 1], &sorted[i]) <= 0;
    const char *name = orders[o].name;
    printf("%-8s ordered=%d qsort=%08x merge=%08x first=%d last=%d\n", name,
           ordered, checksum(sorted, name), checksum(merged, name),
           (int)sorted_field(&sorted[0], name),
           (int)sorted_field(&sorted[N - 1], name));
    fprintf(stderr, "%s: qsort comparisons=%lu merge sort comparisons=%lu\n",
            orders[o].name, qsort_comparisons, comparisons);
  }
}

static int int_cmp(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void search(void) {
  static int keys[N];
  for (int i = 0; i < N; i++) keys[i] = records[i].id * 7 % 10007;
  qsort(keys, N, sizeof keys[0], int_cmp);
  int found = 0, missing = 0;
  long long position_sum = 0;
  for (int probe = 0; probe < 10007; probe += 3) {
    int *hit = bsearch(&probe, keys, N, sizeof keys[0], int_cmp);
    if (hit) {
      found++;
      position_sum += hit - keys;
    } else {
      missing++;
    }
  }
  printf("bsearch: found=%d missing=%d position_sum=%lld\n", found, missing,
         position_sum);
  int lowest = keys[0] - 1;
  printf("bsearch below range: %s\n",
         bsearch(&lowest, keys, N, sizeof keys[0], int_cmp) ? "hit" : "miss");
}

static int strptr_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void sort_strings(void) {
  const char *words[] = {"pear",   "apple", "fig",    "banana", "cherry",
                         "date",   "kiwi",  "lemon",  "mango",  "apricot",
                         "grape",  "lime",  "olive",  "peach",  "plum"};
  size_t n = sizeof words / sizeof words[0];
  qsort(words, n, sizeof words[0], strptr_cmp);
  for (size_t i = 0; i < n; i++) printf("%s%c", words[i], i + 1 < n ? ' ' : '\n');
  const char *key = "lime";
  const char **hit = bsearch(&key, words, n, sizeof words[0], strptr_cmp);
  printf("lime at %d\n", hit ? (int)(hit - words) : -1);
}

int main(void) {
  fill();
  sort_all_ways();
  search();
  sort_strings();
  return 0;
}
