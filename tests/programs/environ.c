/* environ.c -- the process environment.
 *
 * Looks a few variables up with getenv, prints the whole of `environ`
 * sorted (its order is host-specific), then changes it with setenv and
 * unsetenv and looks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static void show(const char *name) {
  const char *value = getenv(name);
  if (value)
    printf("%s=\"%s\"\n", name, value);
  else
    printf("%s is unset\n", name);
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_all(void) {
  size_t n = 0;
  while (environ[n]) n++;
  char **sorted = malloc((n + 1) * sizeof *sorted);
  if (!sorted) exit(1);
  memcpy(sorted, environ, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, compare_strings);
  printf("%zu variables\n", n);
  for (size_t i = 0; i < n; i++) printf("  %s\n", sorted[i]);
  free(sorted);
}

int main(void) {
  static const char *const names[] = {"HOME", "GREETING", "EMPTY", "EQUALS",
                                      "MISSING", "PATH"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) show(names[i]);
  show_all();
  setenv("ADDED", "by setenv", 1);
  setenv("GREETING", "not overwritten", 0);
  setenv("HOME", "/overwritten", 1);
  unsetenv("EMPTY");
  show("ADDED");
  show("GREETING");
  show("HOME");
  show("EMPTY");
  show_all();
  return 0;
}
