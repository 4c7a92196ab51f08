/* wasi_raise.c -- proc_raise(argv[1]), then a line if the program is still
 * running.  wasi-libc's header no longer declares proc_raise. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int raw_proc_raise(int);

int main(int argc, char **argv) {
  int err = raw_proc_raise(argc > 1 ? atoi(argv[1]) : 0);
  printf("still running, errno %d\n", err);
  return 0;
}
