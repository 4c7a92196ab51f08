/* bench_native.c -- bench_start and bench_end for native builds of
 * sightglass benchmarks (see sightglass.h); the same measurement as
 * wastrel/runtime/bench.c. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sightglass.h"

static int started;
static struct timespec wall_start, cpu_start;

static int timing(void) {
  static int on = -1;
  if (on < 0) {
    const char *value = getenv("SIGHTGLASS_BENCH_TIME");
    on = value && strcmp(value, "1") == 0;
  }
  return on;
}

static double seconds_since(const struct timespec *then, const struct timespec *now) {
  return (double)(now->tv_sec - then->tv_sec) + (double)(now->tv_nsec - then->tv_nsec) * 1e-9;
}

void bench_start(void) {
  if (!timing()) return;
  started = 1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
  clock_gettime(CLOCK_MONOTONIC, &wall_start);
}

void bench_end(void) {
  if (!timing()) return;
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
