/* streams.c -- stdout and stderr through several stdio calls.
 *
 * Uses puts, fputs, fputc, putchar, fwrite, fprintf and fflush on both
 * streams, switches stdout to line- and then full buffering, and writes a
 * long block that exceeds any stdio buffer.
 */
#include <stdio.h>
#include <string.h>

int main(void) {
  puts("puts adds a newline");
  fputs("fputs does not\n", stdout);
  fputs("to stderr with fputs\n", stderr);
  for (const char *p = "putchar\n"; *p; p++) putchar(*p);
  fputc('!', stderr);
  fputc('\n', stderr);
  fflush(stdout);

  static char stdout_buffer[64];
  setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
  for (int i = 0; i < 20; i++) printf("fully buffered line %d\n", i);
  fflush(stdout);
  setvbuf(stdout, NULL, _IOLBF, 0);

  char block[10000];
  for (size_t i = 0; i < sizeof block; i++) block[i] = (char)('a' + i % 26);
  for (size_t i = 99; i < sizeof block; i += 100) block[i] = '\n';
  size_t written = fwrite(block, 1, sizeof block, stdout);
  printf("fwrite wrote %zu bytes\n", written);
  written = fwrite(block, 100, 3, stderr);
  fprintf(stderr, "fwrite to stderr wrote %zu items\n", written);
  fprintf(stderr, "%s %d %.3f\n", "fprintf to stderr:", -12, 2.0 / 3.0);
  printf("ferror(stdout)=%d\n", ferror(stdout));
  return 0;
}
