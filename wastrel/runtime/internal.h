/* internal.h -- interfaces between the runtime's own C files.
 *
 * Generated code never includes this header: it sees only wastrel.h.  Each
 * section is provided by the file it names.
 */
#ifndef WASTREL_INTERNAL_H
#define WASTREL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "wastrel.h"

/* The status of a process that trapped (like wasmtime's, 128 + SIGABRT,
 * but reached through exit(), so no signal and no core dump). */
#define W_EXIT_TRAP 134

/* ---- trap.c: unwinding and fault handling ---------------------------- */

/* Installs the process-wide signal handlers that turn faults in linear
 * memories' reservations and in the Wasm stack's guard region
 * [guard_lo, guard_lo + guard_len) into traps. */
void w_trap_init(const void *guard_lo, size_t guard_len);

/* Gives the calling thread (the one that runs Wasm code) the alternate
 * signal stack its fault handler needs: a stack overflow leaves no room
 * on the normal one. */
void w_trap_init_thread(void);

/* Runs `body(arg)` with the entry point set: a trap or w_exit inside it
 * unwinds to here (to the innermost of nested guarded runs).  Returns body's result; after a trap (whose message it
 * prints), W_EXIT_TRAP; after w_exit(status), that status. */
int w_run_guarded(int (*body)(void *arg), void *arg);

/* Like w_run_guarded, but a trap is not reported: its reason goes to
 * *trap (which is otherwise (w_trap_reason)-1). */
int w_try(int (*body)(void *arg), void *arg, w_trap_reason *trap);

/* Ends the program with `status` (proc_exit): unwinds to the entry point,
 * which returns the status. */
W_NORETURN void w_exit(int status);

/* ---- wasm_stack.c: the stack Wasm code runs on ---------------------- */

/* Runs `body(arg)` guarded (see w_run_guarded) on a thread with an 8 MiB
 * stack whose guard region makes deep recursion a trap; returns its status. */
int w_run_on_wasm_stack(int (*body)(void *arg), void *arg);

/* ---- gc.c ------------------------------------------------------------ */

/* The top of the stack the collector scans on this thread, for code that
 * runs Wasm on a stack of its own making (embed.c); by default the
 * thread's stack. */
void w_gc_set_stack_top(uintptr_t top);

/* ---- memory.c: the registry of linear memory reservations ------------ */

/* Whether `addr` lies in the reserved region of some linear memory.
 * Async-signal-safe. */
int w_memory_reserved(const void *addr);

/* ---- sandbox.c: confining the program to its preopened directories --- */

typedef struct w_preopen {
  const char *host;   /* the host directory */
  const char *guest;  /* the name the guest sees */
  int readonly;
  const char *option; /* as written on the command line, for messages */
} w_preopen;

typedef enum w_sandbox {
  W_SANDBOX_NAMESPACE, /* a new root in a mount namespace (the default) */
  W_SANDBOX_BENEATH,   /* no namespaces: openat2(RESOLVE_BENEATH) alone */
} w_sandbox;

/* Confines the process to the preopens, opening each: host_fds[i] gets
 * preopen i's directory.  Called while the process has a single thread.
 * On failure, says why in one line and exits with status 1. */
void w_sandbox_enter(w_sandbox mode, const w_preopen *preopens, int n, int *host_fds);

/* ---- bench.c: the `bench` host module ----------------------------------- */

/* Turns on the line bench.end prints on stderr (--bench-time). */
void w_bench_set_timing(int on);

/* ---- wasi.c: the guest's view of the process ------------------------- */

/* The guest's argv and environment ("K=V" strings), kept by reference:
 * they must outlive the program. */
void w_wasi_set_args(int argc, char *const *argv);
void w_wasi_set_env(int envc, char *const *env);

/* ---- wasi_fd.c: the guest's file descriptors ------------------------- */

/* Opens the guest's descriptors 0, 1 and 2 on the host's stdio. */
void w_wasi_init_fds(void);

/* Exchanges the descriptor table with the one in *table, *count (opaque
 * to others: a table of fd_entry; NULL, 0 is an empty one). */
void w_wasi_exchange_fds(void **table, uint32_t *count);

/* One WASI instance's state -- argv, environment, descriptors, memory --
 * for a process that holds several (embed.c).  A program has one, the
 * process's; a host switches to an instance's around each call into it. */
typedef struct w_wasi_state w_wasi_state;

/* A new state: no arguments or environment, descriptors 0, 1, 2 only. */
w_wasi_state *w_wasi_state_new(void);

/* Makes `next` the current state (the other WASI functions act on it);
 * returns the one that was current (NULL: the process's own, before any
 * switch). */
w_wasi_state *w_wasi_state_switch(w_wasi_state *next);

/* Gives the guest the next descriptor on the directory `host_fd` (which it
 * then owns), as a preopen named `guest_name`; a read-only one has no right
 * to change anything beneath it. */
void w_wasi_add_preopen(int host_fd, const char *guest_name, int readonly);

#endif
