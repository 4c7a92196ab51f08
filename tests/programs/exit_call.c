/* exit_call.c -- exit(42) from deep inside the call stack.
 *
 * atexit handlers must run in reverse order of registration, output still
 * sitting in stdout's buffer must be flushed, and the code after exit must
 * never run.
 */
#include <stdio.h>
#include <stdlib.h>

static void first_registered(void) { printf("atexit: first registered, runs last\n"); }
static void second_registered(void) { printf("atexit: second registered, runs first\n"); }

static int descend(int depth, int status) {
  if (depth > 0) return descend(depth - 1, status) + 1;
  printf("exiting with %d at the bottom (buffered, no newline)", status);
  if (status != 0) exit(status);
  return 0;
}

int main(void) {
  atexit(first_registered);
  atexit(second_registered);
  fprintf(stderr, "stderr before exit\n");
  int never = descend(10, 42);
  printf("not reached %d\n", never);
  return 0;
}
