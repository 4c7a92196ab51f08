/* quicksort.c -- sorting a large int array (indirect calls, branches, memory).
 *
 * Usage: quicksort [N]   Sorts N pseudo-random ints with a quicksort that
 * finishes short ranges with insertion sort and compares through a function
 * pointer the compiler cannot see through (so every comparison is an
 * indirect call).  libc qsort is not used: glibc's and wasi-libc's use
 * different algorithms.  Prints a checksum and whether the result is sorted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*less_fn)(int32_t, int32_t);

static int ascending(int32_t a, int32_t b) { return a < b; }

/* Read at run time, so calls through it stay indirect. */
static volatile less_fn chosen_order = ascending;

static void insertion_sort(int32_t *a, long n, less_fn less) {
  for (long i = 1; i < n; i++) {
    int32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && less(v, a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(int32_t *a, long n, less_fn less) {
  while (n > 16) {
    int32_t pivot = a[n / 2];
    long i = 0, j = n - 1;
    for (;;) {
      while (less(a[i], pivot)) i++;
      while (less(pivot, a[j])) j--;
      if (i >= j) break;
      int32_t t = a[i];
      a[i++] = a[j];
      a[j--] = t;
    }
    long left = j + 1;
    if (left < n - left) { /* recurse into the smaller part */
      quicksort(a, left, less);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left, less);
      n = left;
    }
  }
  insertion_sort(a, n, less);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 4000000;
  int32_t *a = malloc(sizeof *a * (size_t)n);
  if (!a) return 1;
  uint32_t s = 12345;
  for (long i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    a[i] = (int32_t)(s % 1000000007u) - 500000000;
  }
  quicksort(a, n, chosen_order);
  uint32_t checksum = 0;
  long unsorted = 0;
  for (long i = 0; i < n; i++) {
    checksum = checksum * 1000003u + (uint32_t)a[i];
    unsorted += i > 0 && a[i - 1] > a[i];
  }
  printf("sorted %ld, checksum %08x, out of order %ld\n", n, checksum, unsorted);
  free(a);
  return 0;
}
