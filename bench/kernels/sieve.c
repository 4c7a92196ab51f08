/* sieve.c -- sieve of Eratosthenes over a byte array (memory bandwidth, branches).
 *
 * Usage: sieve [LIMIT [ROUNDS]]   Sieves the numbers below LIMIT ROUNDS times
 * and prints the prime count and a checksum of the primes found.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : 20000000;
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  unsigned char *composite = malloc((size_t)limit);
  if (!composite) return 1;
  long count = 0;
  uint32_t checksum = 0;
  for (int r = 0; r < rounds; r++) {
    memset(composite, 0, (size_t)limit);
    count = 0;
    checksum = 0;
    for (int64_t i = 2; i < limit; i++) {
      if (composite[i]) continue;
      count++;
      checksum = checksum * 31 + (uint32_t)i;
      for (int64_t j = i * i; j < limit; j += i) composite[j] = 1; /* i * i may pass 2^31 */
    }
  }
  printf("%ld primes below %ld, checksum %08x\n", count, limit, checksum);
  free(composite);
  return 0;
}
