/* wasm_stack.c -- running Wasm code on a stack of its own.
 *
 * Wasm code runs on a thread whose 8 MiB stack has a 1 MiB guard region
 * below it: recursion that runs into the guard faults, and trap.c turns the
 * fault into "call stack exhausted".  The body runs inside w_run_guarded, so
 * a trap or proc_exit unwinds to here.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define WASM_STACK_SIZE ((size_t)8 << 20)
#define WASM_STACK_GUARD ((size_t)1 << 20)

typedef struct wasm_thread_state {
  int (*body)(void *arg);
  void *arg;
  int status;
} wasm_thread_state;

static void *wasm_thread(void *arg) {
  wasm_thread_state *state = arg;
  w_trap_init_thread();
  state->status = w_run_guarded(state->body, state->arg);
  return NULL;
}

int w_run_on_wasm_stack(int (*body)(void *arg), void *arg) {
  uint8_t *region = mmap(NULL, WASM_STACK_GUARD + WASM_STACK_SIZE, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (region == MAP_FAILED ||
      mprotect(region + WASM_STACK_GUARD, WASM_STACK_SIZE, PROT_READ | PROT_WRITE) != 0) {
    perror("wastrel: cannot allocate the Wasm stack");
    return 1;
  }
  w_trap_init(region, WASM_STACK_GUARD);

  wasm_thread_state state = {.body = body, .arg = arg, .status = 1};
  pthread_attr_t attr;
  pthread_t thread;
  int err = pthread_attr_init(&attr);
  if (!err) err = pthread_attr_setstack(&attr, region + WASM_STACK_GUARD, WASM_STACK_SIZE);
  if (!err) err = pthread_create(&thread, &attr, wasm_thread, &state);
  if (!err) err = pthread_join(thread, NULL);
  if (err) {
    fprintf(stderr, "wastrel: cannot run the Wasm thread: %s\n", strerror(err));
    return 1;
  }
  munmap(region, WASM_STACK_GUARD + WASM_STACK_SIZE);
  return state.status;
}
