/* strings.c -- <string.h>, <ctype.h> and number<->text conversions.
 *
 * strlen/strcmp/strncmp/strcpy/strncpy/strcat/strchr/strrchr/strstr/
 * strspn/strcspn/strtok, memcpy/memmove (overlapping both ways)/memset/
 * memcmp/memchr, sprintf/snprintf (including truncation), strtol/strtoll/
 * strtoull/strtod with end pointers and errno, atoi, and a printf/strtod
 * round trip of many doubles.  Comparison results are printed as signs
 * because their magnitudes are libc-specific.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sign(int x) { return (x > 0) - (x < 0); }

static uint32_t hash_bytes(const void *p, size_t n) {
  const unsigned char *b = p;
  uint32_t h = 5381;
  for (size_t i = 0; i < n; i++) h = h * 33 ^ b[i];
  return h;
}

static void basics(void) {
  const char *pairs[][2] = {{"abc", "abd"}, {"abc", "abc"}, {"b", "abc"},
                            {"", "x"},      {"\xff", "a"},  {"abc", "ab"}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    printf("pair %zu: cmp=%d ncmp2=%d len=%zu/%zu\n", i,
           sign(strcmp(pairs[i][0], pairs[i][1])),
           sign(strncmp(pairs[i][0], pairs[i][1], 2)), strlen(pairs[i][0]),
           strlen(pairs[i][1]));
  }
  char buf[64];
  strcpy(buf, "Hello");
  strcat(buf, ", ");
  strcat(buf, "WebAssembly world");
  printf("buf=\"%s\" len=%zu\n", buf, strlen(buf));
  printf("strchr(o)=%td strrchr(o)=%td strchr(z)=%s strstr(Assembly)=%td strstr(xyz)=%s\n",
         strchr(buf, 'o') - buf, strrchr(buf, 'o') - buf,
         strchr(buf, 'z') ? "found" : "null", strstr(buf, "Assembly") - buf,
         strstr(buf, "xyz") ? "found" : "null");
  printf("strspn=%zu strcspn=%zu\n", strspn(buf, "HeloWrd"), strcspn(buf, ",!"));
  char padded[8];
  memset(padded, '#', sizeof padded);
  strncpy(padded, "ab", sizeof padded);
  printf("strncpy pads: %d%d%d\n", padded[2] == 0, padded[7] == 0, padded[1] == 'b');
  for (char *p = buf; *p; p++) *p = (char)(isupper((unsigned char)*p) ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
  printf("swapped case=%s\n", buf);
  char csv[] = "alpha,beta;;gamma, delta,,epsilon";
  int count = 0;
  for (char *tok = strtok(csv, ",; "); tok; tok = strtok(NULL, ",; "))
    printf("token %d=%s\n", ++count, tok);
  int digits = 0, spaces = 0, puncts = 0, alnums = 0;
  for (const char *p = "a1 b2,c3! 42\t;"; *p; p++) {
    digits += isdigit((unsigned char)*p) != 0;
    spaces += isspace((unsigned char)*p) != 0;
    puncts += ispunct((unsigned char)*p) != 0;
    alnums += isalnum((unsigned char)*p) != 0;
  }
  printf("digits=%d spaces=%d puncts=%d alnums=%d\n", digits, spaces, puncts, alnums);
}

static void memory(void) {
  unsigned char block[256];
  for (int i = 0; i < 256; i++) block[i] = (unsigned char)i;
  memmove(block + 10, block, 100); /* overlap, copying upwards */
  printf("memmove up: %d %d %d hash=%08x\n", block[10], block[109], block[110],
         hash_bytes(block, sizeof block));
  memmove(block, block + 50, 150); /* overlap, copying downwards */
  printf("memmove down: %d %d %d hash=%08x\n", block[0], block[149], block[150],
         hash_bytes(block, sizeof block));
  unsigned char copy[256];
  memcpy(copy, block, sizeof block);
  printf("memcmp equal=%d ", memcmp(copy, block, sizeof block));
  copy[200] ^= 1;
  printf("differs=%d at=%td\n", sign(memcmp(copy, block, sizeof block)),
         (unsigned char *)memchr(copy, copy[200], sizeof copy) - copy);
  memset(block + 7, 0x5a, 77);
  printf("memset hash=%08x\n", hash_bytes(block, sizeof block));
  for (size_t len = 0; len < 40; len += 13) { /* odd sizes and alignments */
    char src[64], dst[64];
    for (int i = 0; i < 64; i++) src[i] = (char)('A' + i % 26), dst[i] = '.';
    memcpy(dst + 3, src + 1, len);
    printf("memcpy len=%zu hash=%08x\n", len, hash_bytes(dst, sizeof dst));
  }
}

static volatile size_t small_size = 8; /* hides the truncation from -Wall */

static void formatting(void) {
  char buf[32];
  int n = sprintf(buf, "%d-%s-%.2f", 42, "x", 2.345);
  printf("sprintf=%s n=%d\n", buf, n);
  n = snprintf(buf, small_size, "%s", "truncate this string");
  printf("snprintf=%s n=%d\n", buf, n);
  n = snprintf(NULL, 0, "%08.3f|%x", -3.14159, 48879);
  printf("snprintf(NULL) would write %d\n", n);
  char big[128];
  int used = 0;
  for (int i = 0; i < 10; i++) used += snprintf(big + used, sizeof big - (size_t)used, "%d,", i * i);
  printf("joined=%s used=%d\n", big, used);
}

static void parsing(void) {
  static const struct {
    const char *text;
    int base;
  } ints[] = {{"12345", 10}, {"  -42xyz", 10}, {"0x1A", 0}, {"0777", 0},
              {"777", 8},    {"zz", 36},       {"+0", 10},  {"", 10},
              {"  12 34", 10}, {"-0x80000000", 16}};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    char *end;
    long v = strtol(ints[i].text, &end, ints[i].base);
    printf("strtol(\"%s\",%d)=%ld consumed=%td\n", ints[i].text, ints[i].base, v,
           end - ints[i].text);
  }
  errno = 0;
  long long ll = strtoll("99999999999999999999", NULL, 10);
  printf("strtoll overflow=%lld erange=%d\n", ll, errno == ERANGE);
  errno = 0;
  ll = strtoll("-9223372036854775808", NULL, 10);
  printf("strtoll min=%lld errno=%d\n", ll, errno);
  printf("strtoull(-1)=%llu strtoull(hex)=%llu\n", strtoull("-1", NULL, 10),
         strtoull("ffffffffffffffff", NULL, 16));
  printf("atoi: %d %d %d %d\n", atoi("123"), atoi("-77abc"), atoi("  +8"), atoi("x"));
  static const char *doubles[] = {"3.14159", "1e-310", "0x1.8p3", "inf",
                                  "-INFINITY", "  -0.0", "1.7976931348623157e308",
                                  "2.2250738585072011e-308", "123abc", ".5e+2x",
                                  "1e400", "nan"};
  for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
    char *end;
    errno = 0;
    double d = strtod(doubles[i], &end);
    printf("strtod(\"%s\")=%.17g consumed=%td erange=%d isnan=%d\n", doubles[i],
           d, end - doubles[i], errno == ERANGE, d != d);
  }
  printf("atof=%.17g\n", atof("2.5e-3"));
}

static void round_trip(void) {
  uint64_t s = 88172645463325252ull;
  int exact = 0, shortest_ok = 0;
  uint32_t h = 0;
  for (int i = 0; i < 2000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double d;
    uint64_t b = s & 0x7fefffffffffffffull; /* finite, non-negative */
    memcpy(&d, &b, sizeof d);
    char text[40];
    snprintf(text, sizeof text, "%.17g", d);
    exact += strtod(text, NULL) == d;
    snprintf(text, sizeof text, "%.15g", d);
    shortest_ok += strtod(text, NULL) == d;
    h = h * 31 + hash_bytes(text, strlen(text));
  }
  printf("round trip: exact=%d with 15 digits=%d text hash=%08x\n", exact,
         shortest_ok, h);
}

int main(void) {
  basics();
  memory();
  formatting();
  parsing();
  round_trip();
  return 0;
}
