/* bench.h -- the `bench` host module: bench.start and bench.end.
 *
 * Included by wastrel.h.  Sightglass benchmarks (github.com/bytecodealliance/
 * sightglass) import `bench.start` and `bench.end`, both [] -> [], and call
 * them around the work to measure.  By default they do nothing.  When the
 * program runs with --bench-time (main.c, which calls w_bench_set_timing of
 * internal.h; `wastrel run --bench-time`), each `end` prints, on stderr, the
 * time since the latest `start`:
 *
 *     bench: 0.123456 s wall, 0.120000 s cpu
 *
 * one line per start/end pair (a program may measure several stretches);
 * wall time is CLOCK_MONOTONIC, CPU time the process's (all threads).  An
 * `end` with no `start` before it prints `bench: end without start`; a
 * `start` after a `start` starts the measurement again.  backend_c/host.py
 * lists the same functions with their Wasm types for the compiler.
 */
#ifndef WASTREL_BENCH_H
#define WASTREL_BENCH_H

void w_bench_start(void);
void w_bench_end(void);

#endif
