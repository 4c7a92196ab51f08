/* memory_access.c -- loads and stores of every width and layout.
 *
 * Signed and unsigned 8/16/32/64-bit loads (sign and zero extension),
 * float and double loads, unaligned accesses through packed structs and
 * memcpy, bit-fields, unions used for type punning, structs passed and
 * returned by value, multi-dimensional arrays, static locals and
 * byte-order-sensitive views of memory (both targets are little-endian).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t bytes[64];

static uint64_t fnv(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static void widths(void) {
  for (int i = 0; i < 64; i++) bytes[i] = (uint8_t)(i * 37 + 0x80);
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i + 8 <= 64; i++) {
    int8_t s8; uint8_t u8; int16_t s16; uint16_t u16; int32_t s32; uint32_t u32;
    int64_t s64; float f; double d;
    memcpy(&s8, bytes + i, 1); memcpy(&u8, bytes + i, 1);
    memcpy(&s16, bytes + i, 2); memcpy(&u16, bytes + i, 2);
    memcpy(&s32, bytes + i, 4); memcpy(&u32, bytes + i, 4);
    memcpy(&s64, bytes + i, 8); memcpy(&f, bytes + i, 4); memcpy(&d, bytes + i, 8);
    h = fnv(h, (uint64_t)(int64_t)s8);
    h = fnv(h, u8);
    h = fnv(h, (uint64_t)(int64_t)s16);
    h = fnv(h, u16);
    h = fnv(h, (uint64_t)(int64_t)s32);
    h = fnv(h, u32);
    h = fnv(h, (uint64_t)s64);
    h = fnv(h, (uint64_t)(f == f) + (uint64_t)(d == d) * 2);
    if (i < 3)
      printf("offset %d: s8=%d u8=%u s16=%d u16=%u s32=%" PRId32 " u32=%" PRIu32 " s64=%" PRId64 "\n",
             i, s8, u8, s16, u16, s32, u32, s64);
  }
  printf("load checksum=%016" PRIx64 "\n", h);

  int16_t halves[4] = {-1, 32767, -32768, 12345};
  int8_t *as_bytes = (int8_t *)halves;
  printf("halves as bytes:");
  for (int i = 0; i < 8; i++) printf(" %d", as_bytes[i]);
  printf("\n");
  uint32_t word = 0;
  uint8_t *wb = (uint8_t *)&word;
  wb[0] = 0x11; wb[1] = 0x22; wb[2] = 0x33; wb[3] = 0x44;
  printf("little-endian word=%08" PRIx32 "\n", word);
}

struct __attribute__((packed)) packed {
  uint8_t tag;
  uint32_t value;
  uint16_t small;
  double real;
};

struct flags {
  unsigned ready : 1;
  unsigned mode : 3;
  signed delta : 5;
  unsigned count : 12;
  unsigned wide : 11;
};

union pun {
  float f;
  uint32_t u;
  uint8_t b[4];
};

static void layouts(void) {
  struct packed p[3];
  for (int i = 0; i < 3; i++) {
    p[i].tag = (uint8_t)(0xa0 + i);
    p[i].value = 0xdeadbeefu + (uint32_t)i;
    p[i].small = (uint16_t)(65535 - i);
    p[i].real = 1.5 * i;
  }
  printf("packed: size=%zu value[1]=%08x small[2]=%u real[2]=%g tag[1]=%x\n",
         sizeof p, p[1].value, p[2].small, p[2].real, p[1].tag);

  struct flags fl = {0};
  fl.ready = 1;
  fl.mode = 5;
  fl.delta = -9;
  fl.count = 4000;
  fl.wide = 2047;
  fl.count += 100; /* wraps modulo 2^12 */
  fl.delta -= 8;   /* -17 does not fit: wraps to 15 */
  uint32_t raw;
  memcpy(&raw, &fl, sizeof raw);
  printf("bit-fields: ready=%u mode=%u delta=%d count=%u wide=%u raw=%08" PRIx32 "\n",
         fl.ready, fl.mode, fl.delta, fl.count, fl.wide, raw);

  union pun u = {.f = -2.75f};
  printf("pun: float -2.75 bits=%08" PRIx32 " bytes=%02x %02x %02x %02x\n", u.u, u.b[0],
         u.b[1], u.b[2], u.b[3]);
  u.u = 0x3f800001u;
  printf("pun: bits 3f800001 = %.9g\n", u.f);
}

typedef struct {
  double x, y, z;
  int id;
} vec;

static vec scale(vec v, double k) {
  v.x *= k; v.y *= k; v.z *= k; v.id++;
  return v;
}

static vec cross(vec a, vec b) {
  vec r = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x, a.id + b.id};
  return r;
}

static int counter(void) {
  static int calls = 100;
  return calls++;
}

static void aggregates(void) {
  vec a = {1, 2, 3, 1}, b = {-4, 0.5, 2, 10};
  vec c = cross(scale(a, 2.0), b);
  vec copy = c;
  copy.x = 0;
  printf("vec: c=(%g, %g, %g) id=%d copy.x=%g\n", c.x, c.y, c.z, c.id, copy.x);

  static int64_t matrix[5][7];
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 7; j++) matrix[i][j] = (int64_t)(i - 2) * (j * j - 10);
  int64_t trace_like = 0;
  for (int i = 0; i < 5; i++) trace_like += matrix[i][i] - matrix[4 - i][6 - i];
  int64_t *flat = &matrix[0][0];
  printf("matrix: trace_like=%" PRId64 " flat[20]=%" PRId64 " row distance=%td\n", trace_like,
         flat[20], &matrix[3][0] - &matrix[1][0]);
  int first = counter();
  int second = counter();
  printf("static local: %d %d %d\n", first, second, counter());
}

int main(void) {
  widths();
  layouts();
  aggregates();
  return 0;
}
