/* sightglass.h -- for building sightglass benchmarks natively (gcc), in
 * place of the header the sources include, whose functions are Wasm
 * imports.  bench_start and bench_end are ordinary functions here
 * (bench_native.c): they do nothing visible unless the environment has
 * SIGHTGLASS_BENCH_TIME=1, when bench_end prints the time since
 * bench_start on stderr as `wastrel run --bench-time` does:
 *
 *     bench: 0.123456 s wall, 0.120000 s cpu
 *
 * bench/sightglass.py copies each source into its build directory next to
 * this header, so that `#include "sightglass.h"` finds this one.
 */
#ifndef sightglass_h
#define sightglass_h 1

void bench_start(void);
void bench_end(void);

/* As in sightglass' own header: hides a value from the optimizer. */
#ifndef black_box
static void _black_box(void *x) { (void)x; }
static void (*volatile black_box)(void *x) = _black_box;
#else
void black_box(void *x);
#endif
#define BLACK_BOX(X) black_box((void *)&(X))

#endif
