/* trap.c -- traps: the entry point that Wasm code unwinds to, the trap
 * messages, and the signal handler that turns faults into traps.
 *
 * Generated code and the runtime trap explicitly with w_trap.  Two kinds of
 * trap arrive as hardware faults instead: an out-of-bounds memory access
 * hits the PROT_NONE part of a linear memory's reservation, and runaway
 * recursion hits the guard region below the Wasm stack.  The SIGSEGV/SIGBUS
 * handler runs on an alternate signal stack (the normal one may be full),
 * recognizes these two by the fault address and unwinds with siglongjmp.
 * Any other fault is a real bug and must not be disguised as a trap: the
 * handler steps aside and the process dies of the signal as it would have.
 *
 * Only one thread runs Wasm code, so the entry point is a single global.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static const char *const trap_messages[] = {
    [W_TRAP_UNREACHABLE] = "unreachable",
    [W_TRAP_INT_DIV_ZERO] = "integer divide by zero",
    [W_TRAP_INT_OVERFLOW] = "integer overflow",
    [W_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [W_TRAP_MEMORY_OOB] = "out of bounds memory access",
    [W_TRAP_TABLE_OOB] = "out of bounds table access",
    [W_TRAP_UNDEFINED_ELEMENT] = "undefined element",
    [W_TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
    [W_TRAP_INDIRECT_CALL_TYPE] = "indirect call type mismatch",
    [W_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [W_TRAP_NULL_REFERENCE] = "null reference",
    [W_TRAP_NULL_FUNCTION_REFERENCE] = "null function reference",
    [W_TRAP_NULL_EXCEPTION_REFERENCE] = "null exception reference",
    [W_TRAP_NULL_STRUCTURE_REFERENCE] = "null structure reference",
    [W_TRAP_NULL_ARRAY_REFERENCE] = "null array reference",
    [W_TRAP_NULL_I31_REFERENCE] = "null i31 reference",
    [W_TRAP_ARRAY_OOB] = "out of bounds array access",
    [W_TRAP_CAST_FAILURE] = "cast failure",
    [W_TRAP_OUT_OF_MEMORY] = "out of memory",
    [W_TRAP_HOST_FAILED] = "host function failed",
};

const char *w_trap_message(w_trap_reason reason) {
  if ((size_t)reason < sizeof trap_messages / sizeof *trap_messages && trap_messages[reason])
    return trap_messages[reason];
  return "unknown trap";
}

/* ---- the entry point ------------------------------------------------- */

static sigjmp_buf *entry;  /* NULL while no Wasm code runs */
static int entry_reports;  /* its run reports a trap (w_run_guarded), not hands it back (w_try) */
static struct {
  int trapped;             /* a trap, else w_exit */
  w_trap_reason reason;
  int status;
} unwinding;

/* Writes a whole string to stderr with write(2), which is safe after a
 * fault interrupted stdio or in a signal handler. */
static void write_stderr(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t k = write(STDERR_FILENO, s, n);
    if (k <= 0) return;
    s += k;
    n -= (size_t)k;
  }
}

/* ---- the backtrace of a trap ------------------------------------------
 * The return addresses on the stack when the trap happens, each named by
 * the program's function that holds it (w_program_functions, and the
 * unwinder's table of function extents; the C is compiled without gcc's
 * hot/cold splitting, which would put a trap's call outside its
 * function): the Wasm functions as the C compiler left them (one it
 * inlined is its caller's frame; the runtime's frames are left out), with
 * where each one's code starts in the module.  Nothing is done before a
 * trap: the table is static data, the stack is walked only then.
 * WASTREL_BACKTRACE=0 leaves it out (the trap's one line only). */

#define BACKTRACE_MAX 64
static void *frames[BACKTRACE_MAX];
static int nframes;

/* The stack, if the trap will be reported: a trap handed back to the
 * caller (w_try: the spec harness, --invoke-lines, embedding) shows none. */
static void capture_backtrace(void) {
  const char *wanted = getenv("WASTREL_BACKTRACE");
  nframes = !entry_reports || (wanted && strcmp(wanted, "0") == 0) ? 0 : backtrace(frames, BACKTRACE_MAX);
}

/* The program's function whose code holds `address` (the unwinder knows
 * each function's extent), or NULL: a frame of the runtime. */
static const w_function_name *function_at(const void *address) {
  void *start = _Unwind_FindEnclosingFunction((void *)address);
  for (const w_function_name *f = w_program_functions; start && f->code; f++)
    if (f->code == start) return f;
  return NULL;
}

static void report_backtrace(void) {
  int shown = 0;
  const w_function_name *last = NULL;
  for (int i = 0; i < nframes; i++) {
    const w_function_name *f = function_at((const char *)frames[i] - 1); /* the call, not what follows it */
    /* Left out: the runtime's own frames, and a function's frame seen again
     * at once -- the trap's helpers, an export's thunk around it (the
     * table names both), a recursion's repeated frames. */
    if (!f || (last && f->index == last->index)) continue;
    char line[512];
    if (shown == 0) write_stderr("wasm backtrace:\n");
    if (f->offset)
      snprintf(line, sizeof line, "  %3d: %s (function %u, code at 0x%x)\n", shown++, f->name, f->index, f->offset);
    else
      snprintf(line, sizeof line, "  %3d: %s (function %u)\n", shown++, f->name, f->index);
    write_stderr(line);
    last = f;
  }
  nframes = 0;
}

static void report_trap(w_trap_reason reason) {
  write_stderr("wasm trap: ");
  write_stderr(w_trap_message(reason));
  write_stderr("\n");
  report_backtrace();
}

void w_trap(w_trap_reason reason) {
  capture_backtrace();
  if (!entry) { /* cannot happen: no Wasm code runs outside w_run_guarded */
    report_trap(reason);
    _exit(W_EXIT_TRAP);
  }
  unwinding.trapped = 1;
  unwinding.reason = reason;
  siglongjmp(*entry, 1);
}

void w_exit(int status) {
  if (!entry) _exit(status);
  unwinding.trapped = 0;
  unwinding.status = status;
  siglongjmp(*entry, 1);
}

/* The guarded run itself; `trap` receives the reason of a trap, which is
 * then not reported. */
static int run_guarded(int (*body)(void *arg), void *arg, w_trap_reason *trap) {
  sigjmp_buf env;
  sigjmp_buf *const outer = entry; /* guarded runs nest (--invoke-lines, harness) */
  const int outer_reports = entry_reports;
  int status;
  /* savemask=1: unwinding out of the signal handler restores the mask. */
  if (sigsetjmp(env, 1) == 0) {
    entry = &env;
    entry_reports = trap == NULL;
    status = body(arg);
  } else if (unwinding.trapped) {
    if (trap)
      *trap = unwinding.reason;
    else
      report_trap(unwinding.reason);
    status = W_EXIT_TRAP;
  } else {
    status = unwinding.status;
  }
  entry = outer;
  entry_reports = outer_reports;
  return status;
}

int w_run_guarded(int (*body)(void *arg), void *arg) { return run_guarded(body, arg, NULL); }

int w_try(int (*body)(void *arg), void *arg, w_trap_reason *trap) {
  *trap = (w_trap_reason)-1;
  return run_guarded(body, arg, trap);
}

/* ---- faults ---------------------------------------------------------- */

static const uint8_t *stack_guard_lo;
static size_t stack_guard_len;

static int in_stack_guard(const void *addr) {
  return (const uint8_t *)addr >= stack_guard_lo &&
         (size_t)((const uint8_t *)addr - stack_guard_lo) < stack_guard_len;
}

/* The handlers there were before ours (a host process's: Python's
 * faulthandler, wasmtime's own traps in the same process). */
static struct sigaction previous[NSIG];

static void on_fault(int sig, siginfo_t *info, void *context) {
  if (entry && (sig == SIGSEGV || sig == SIGBUS)) {
    if (w_memory_reserved(info->si_addr)) w_trap(W_TRAP_MEMORY_OOB);
    if (in_stack_guard(info->si_addr)) w_trap(W_TRAP_STACK_EXHAUSTED);
  }
  /* Not ours: the previous handler's, if there was one. */
  const struct sigaction *old = &previous[sig];
  if (old->sa_flags & SA_SIGINFO) {
    if (old->sa_sigaction) {
      old->sa_sigaction(sig, info, context);
      return;
    }
  } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
    old->sa_handler(sig);
    return;
  }
  if (sig == SIGFPE && entry) /* divisions are checked before they happen */
    write_stderr("wastrel: internal error: arithmetic fault (SIGFPE) in compiled code\n");
  /* Else the default action.  Returning re-executes the faulting
   * instruction, which now kills the process with the original signal
   * and context; a signal sent by kill() must be sent again. */
  signal(sig, SIG_DFL);
  if (info->si_code <= 0) raise(sig);
}

void w_trap_init(const void *guard_lo, size_t guard_len) {
  stack_guard_lo = guard_lo;
  stack_guard_len = guard_len;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  static int installed; /* (once: a second time, `previous` would be ours) */
  if (installed) return;
  installed = 1;
  sigaction(SIGSEGV, &sa, &previous[SIGSEGV]);
  sigaction(SIGBUS, &sa, &previous[SIGBUS]);
  sigaction(SIGFPE, &sa, &previous[SIGFPE]);
}

void w_trap_init_thread(void) {
  size_t size = 64 * 1024;
  if ((size_t)SIGSTKSZ > size) size = SIGSTKSZ;
  void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    perror("wastrel: cannot allocate the signal stack");
    _exit(1);
  }
  stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    perror("wastrel: sigaltstack");
    _exit(1);
  }
}
