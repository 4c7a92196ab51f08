/* embed.c -- the runtime as a library: calls into compiled modules from a
 * host program (wastrel's Python API, wastrel/api.py).
 *
 * The runtime is then a shared library (libwastrel.so, every runtime file
 * but main.c) and each instance a shared object of its own, built from the
 * module's C with its imports from the host going through w_embed_hosts
 * (backend_c/c_print.py, embedding).
 *
 * Wasm code runs on a stack of its own, as in a program (8 MiB with a
 * guard below: deep recursion is a trap; the collector scans that stack),
 * but on the caller's thread: each call switches to it (swapcontext) and
 * back, which costs a microsecond where handing the call to another thread
 * cost tens.  A host function called by Wasm code runs on that stack too
 * and may call Wasm again (then no switch: it is already there).  One call
 * at a time in the process (a lock): the runtime's state is global, but
 * for WASI's: each WASI instance has its own (argv, environment,
 * descriptors, memory: w_wasi_state), current during its calls only.
 *
 * References the host keeps (a struct returned to Python) are in no
 * global, table or Wasm frame: the host holds them in w_embed_held, a
 * table the collector reads, until it lets them go.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "internal.h"

#define STACK_SIZE ((size_t)8 << 20)
#define STACK_GUARD ((size_t)1 << 20)

enum { W_EMBED_OK, W_EMBED_TRAP, W_EMBED_EXIT, W_EMBED_EXCEPTION };

/* What one call does: instantiate, or call an export's thunk. */
typedef struct job {
  void (*instantiate)(void);
  void (*thunk)(const w_value *args, w_value *results);
  const w_value *args;
  w_value *results;
  w_wasi_state *wasi; /* the instance's WASI state, or NULL: it has no WASI */
  int status; /* W_EMBED_* */
  int exit_status;
  w_trap_reason trap;
} job;

static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static uint8_t *stack;          /* [stack, stack + STACK_SIZE), its guard below */
static int on_wasm_stack;       /* a call is running there */
static ucontext_t caller, callee;
static job *current;
static __thread int thread_ready;

static int body(void *arg) {
  job *j = arg;
  if (j->instantiate)
    j->instantiate();
  else
    j->thunk(j->args, j->results);
  return 0;
}

static void run(job *j) {
  w_wasi_state *outer = j->wasi ? w_wasi_state_switch(j->wasi) : NULL;
  int status = w_try(body, j, &j->trap);
  if (j->wasi) w_wasi_state_switch(outer); /* a host function's call of another instance ends here */
  if (j->trap != (w_trap_reason)-1) {
    j->status = W_EMBED_TRAP;
  } else if (status != 0) {
    j->status = W_EMBED_EXIT;
    j->exit_status = status;
  } else if (w_pending) {
    j->status = W_EMBED_EXCEPTION;
    w_pending = NULL;
  } else {
    j->status = W_EMBED_OK;
  }
}

static void switched(void) {
  on_wasm_stack = 1;
  run(current);
  on_wasm_stack = 0;
} /* and back to `caller` (uc_link) */

static void start(void) {
  uint8_t *region = mmap(NULL, STACK_GUARD + STACK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED || mprotect(region + STACK_GUARD, STACK_SIZE, PROT_READ | PROT_WRITE) != 0) {
    perror("wastrel: cannot allocate the Wasm stack");
    abort();
  }
  stack = region + STACK_GUARD;
  w_trap_init(region, STACK_GUARD);
  signal(SIGPIPE, SIG_IGN);
  w_wasi_init_fds();
}

static pthread_once_t started = PTHREAD_ONCE_INIT;

static void submit(job *j) {
  pthread_once(&started, start);
  pthread_mutex_lock(&lock);
  if (on_wasm_stack) { /* from a host function: already there */
    run(j);
  } else {
    if (!thread_ready) {
      w_trap_init_thread(); /* the signal stack its fault handler runs on */
      thread_ready = 1;
    }
    getcontext(&callee);
    callee.uc_stack.ss_sp = stack;
    callee.uc_stack.ss_size = STACK_SIZE;
    callee.uc_link = &caller;
    makecontext(&callee, switched, 0);
    current = j;
    w_gc_set_stack_top((uintptr_t)(stack + STACK_SIZE));
    swapcontext(&caller, &callee);
    w_gc_set_stack_top(0);
  }
  pthread_mutex_unlock(&lock);
}

/* Instantiates a module (its w_program_instantiate); returns W_EMBED_*,
 * a trap's message in `message`, proc_exit's status in `exit_status`. */
int w_embed_instantiate(void (*instantiate)(void), w_wasi_state *wasi, char *message, size_t size, int *exit_status) {
  job j = {.instantiate = instantiate, .wasi = wasi};
  submit(&j);
  if (j.status == W_EMBED_TRAP) snprintf(message, size, "%s", w_trap_message(j.trap));
  *exit_status = j.exit_status;
  return j.status;
}

/* Calls an export's thunk with `args`, its results into `results`, WASI
 * acting on the instance's state `wasi` (NULL for an instance without
 * WASI). */
int w_embed_call(void (*thunk)(const w_value *, w_value *), const w_value *args, w_value *results,
                 w_wasi_state *wasi, char *message, size_t size, int *exit_status) {
  job j = {.thunk = thunk, .args = args, .results = results, .wasi = wasi};
  submit(&j);
  if (j.status == W_EMBED_TRAP) snprintf(message, size, "%s", w_trap_message(j.trap));
  *exit_status = j.exit_status;
  return j.status;
}

/* A new WASI state for an instance: argv, environment ("K=V"; both kept
 * by reference) and the directories `dirs` (host descriptors, which it
 * then owns) preopened as `names`.  Its memory is the one the instance's
 * instantiation names (w_wasi_memory), which runs with the state current. */
w_wasi_state *w_embed_wasi_new(int argc, char *const *argv, int envc, char *const *env, int ndirs, const int *dirs,
                               const char *const *names) {
  pthread_once(&started, start);
  pthread_mutex_lock(&lock);
  w_wasi_state *state = w_wasi_state_new();
  if (state) {
    w_wasi_state *outer = w_wasi_state_switch(state);
    w_wasi_set_args(argc, argv);
    w_wasi_set_env(envc, env);
    for (int i = 0; i < ndirs; i++) w_wasi_add_preopen(dirs[i], names[i], 0);
    w_wasi_state_switch(outer);
  }
  pthread_mutex_unlock(&lock);
  return state;
}

/* A host function's call from Wasm code (the trampolines c-print writes):
 * a non-zero return is a failure, which traps. */
void w_embed_call_host(w_embed_host host, const w_value *args, w_value *results) {
  if (host == NULL || host(args, results) != 0) w_trap(W_TRAP_HOST_FAILED);
}

/* ---- references the host holds --------------------------------------- */

static w_table held;       /* the references, a root of the collector */
static int held_ready;
static uint32_t *free_slots; /* the slots let go, to be used again */
static uint32_t nfree, free_cap;

/* Keeps `ref` alive until w_embed_release(the slot returned). */
uint32_t w_embed_hold(void *ref) {
  pthread_mutex_lock(&lock);
  if (!held_ready) {
    w_table_init(&held, 0, 0, 0);
    w_gc_root_table(&held);
    held_ready = 1;
  }
  uint32_t slot = nfree ? free_slots[--nfree] : w_table_grow(&held, NULL, 1);
  if (slot == (uint32_t)-1) {
    fputs("wastrel: out of memory for a host reference\n", stderr);
    abort();
  }
  held.elems[slot] = ref;
  pthread_mutex_unlock(&lock);
  return slot;
}

void w_embed_release(uint32_t slot) {
  pthread_mutex_lock(&lock);
  held.elems[slot] = NULL;
  if (nfree == free_cap) {
    free_cap = free_cap ? 2 * free_cap : 64;
    free_slots = realloc(free_slots, free_cap * sizeof *free_slots);
    if (!free_slots) abort();
  }
  free_slots[nfree++] = slot;
  pthread_mutex_unlock(&lock);
}
