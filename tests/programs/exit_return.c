/* exit_return.c -- main returns a non-zero status (7).
 *
 * The last line has no newline, so it only appears if stdout is flushed
 * when main returns.
 */
#include <stdio.h>

static int status(int depth) { return depth == 0 ? 7 : status(depth - 1); }

int main(void) {
  printf("returning from main\n");
  fprintf(stderr, "about to return %d\n", status(3));
  printf("unterminated last line");
  return status(3);
}
