/* argv.c -- command-line arguments.
 *
 * Prints argc and every argument after argv[0] (argv[0] is the program's
 * name, which differs between hosts), with its length and a byte checksum,
 * and checks that argv[argc] is NULL.  Exits with the number of arguments.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) {
    unsigned sum = 0;
    for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++) sum = sum * 31 + *p;
    printf("argv[%d]=\"%s\" len=%zu sum=%u\n", i, argv[i], strlen(argv[i]), sum);
  }
  printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
  return argc - 1;
}
