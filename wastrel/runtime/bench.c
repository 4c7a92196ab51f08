/* bench.c -- the `bench` host module (see bench.h): bench.start and
 * bench.end, which print the time between them only when asked. */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>

#include "internal.h"

static int timing;      /* --bench-time */
static int started;     /* a start not yet ended */
static struct timespec wall_start, cpu_start;

void w_bench_set_timing(int on) { timing = on; }

static double seconds_since(const struct timespec *then, const struct timespec *now) {
  return (double)(now->tv_sec - then->tv_sec) + (double)(now->tv_nsec - then->tv_nsec) * 1e-9;
}

void w_bench_start(void) {
  if (!timing) return;
  started = 1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
  clock_gettime(CLOCK_MONOTONIC, &wall_start);
}

void w_bench_end(void) {
  if (!timing) return;
  struct timespec wall_now, cpu_now;
  clock_gettime(CLOCK_MONOTONIC, &wall_now);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_now);
  if (!started) {
    fputs("bench: end without start\n", stderr);
    return;
  }
  started = 0;
  fprintf(stderr, "bench: %.6f s wall, %.6f s cpu\n", seconds_since(&wall_start, &wall_now),
          seconds_since(&cpu_start, &cpu_now));
}
