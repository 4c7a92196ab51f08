/* The README's example: arguments, the environment, formatted output,
 * a little arithmetic, and an exit code -- all through WASI. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
  printf("Hello from WebAssembly, compiled to C by wastrel!\n");
  for (int i = 1; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
  printf("  fib(30) = %llu, sqrt(2) = %.12f\n", fib(30), __builtin_sqrt(2.0));
  const char *user = getenv("USER");
  printf("  USER is %s\n", user ? user : "not set (the guest sees only --env variables)");
  return 0;
}
