/* crc32.c -- bitwise integer kernels: table-driven CRC-32 and a 64-bit mixer.
 *
 * Usage: crc32 [MEGABYTES]   Fills a buffer with pseudo-random bytes, then
 * CRCs it (byte loads, shifts, xors, table lookups) and hashes it 64 bits at
 * a time with rotates and multiplies.  Prints both checksums.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t mix64(const uint8_t *p, size_t n, uint64_t h) {
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = rotl(h ^ (w * 0xff51afd7ed558ccdull), 31) * 0xc4ceb9fe1a85ec53ull + 0x165667b19e3779f9ull;
  }
  return h ^ (h >> 29);
}

int main(int argc, char **argv) {
  size_t megabytes = argc > 1 ? (size_t)atol(argv[1]) : 48;
  size_t n = megabytes << 20;
  uint8_t *data = malloc(n);
  if (!data) return 1;
  uint64_t s = 0x123456789abcdefull;
  for (size_t i = 0; i < n; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    data[i] = (uint8_t)(s >> 56);
  }
  make_table();
  uint32_t crc = crc32(data, n, 0);
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (int round = 0; round < 8; round++) h = mix64(data, n, h + (uint64_t)round);
  printf("crc32 %08" PRIx32 " mix64 %016" PRIx64 "\n", crc, h);
  free(data);
  return 0;
}
