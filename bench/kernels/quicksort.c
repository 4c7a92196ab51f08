/* quicksort.c -- sorting a large int array (branches, memory, indirect calls).
 *
 * Usage: quicksort [N]   Sorts N pseudo-random ints twice: with a hand-written
 * quicksort (insertion sort for short ranges) and with libc qsort, whose
 * comparator is called through a function pointer.  Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void insertion_sort(int32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    int32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(int32_t *a, long n) {
  while (n > 16) {
    int32_t pivot = a[n / 2];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      int32_t t = a[i];
      a[i++] = a[j];
      a[j--] = t;
    }
    long left = j + 1;
    if (left < n - left) { /* recurse into the smaller part */
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static int compare(const void *x, const void *y) {
  int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 3000000;
  int32_t *a = malloc(sizeof *a * (size_t)n), *b = malloc(sizeof *b * (size_t)n);
  if (!a || !b) return 1;
  uint32_t s = 12345;
  for (long i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    a[i] = (int32_t)(s % 1000000007u) - 500000000;
  }
  memcpy(b, a, sizeof *a * (size_t)n);
  quicksort(a, n);
  qsort(b, (size_t)n, sizeof *b, compare);
  uint32_t checksum = 0;
  long mismatches = 0;
  for (long i = 0; i < n; i++) {
    checksum = checksum * 1000003u + (uint32_t)a[i];
    mismatches += a[i] != b[i];
  }
  printf("sorted %ld, checksum %08x, mismatches %ld\n", n, checksum, mismatches);
  free(a);
  free(b);
  return 0;
}
