/* wordcount.c -- reads all of stdin, like wc plus a little more.
 *
 * Counts lines, words and bytes, finds the longest line, builds a letter
 * histogram (printing the five most frequent letters) and a checksum of
 * the input, reading with fgets in fixed-size chunks so that long lines
 * span several reads.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char chunk[16];
  unsigned long lines = 0, words = 0, bytes = 0, longest = 0, current = 0;
  unsigned long letters[26] = {0};
  uint32_t checksum = 0;
  int in_word = 0;
  while (fgets(chunk, sizeof chunk, stdin)) {
    size_t n = strlen(chunk);
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)chunk[i];
      bytes++;
      checksum = (checksum << 5 | checksum >> 27) ^ c;
      if (isalpha(c)) letters[tolower(c) - 'a']++;
      if (isspace(c)) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        words++;
      }
      if (c == '\n') {
        lines++;
        if (current > longest) longest = current;
        current = 0;
      } else {
        current++;
      }
    }
  }
  if (current > longest) longest = current;
  printf("lines=%lu words=%lu bytes=%lu longest=%lu checksum=%08x\n", lines, words, bytes,
         longest, checksum);
  printf("unterminated last line: %s\n", current > 0 ? "yes" : "no");
  for (int rank = 0; rank < 5; rank++) {
    int best = -1;
    for (int i = 0; i < 26; i++)
      if (letters[i] > 0 && (best < 0 || letters[i] > letters[best])) best = i;
    if (best < 0) break;
    printf("#%d '%c' x%lu\n", rank + 1, 'a' + best, letters[best]);
    letters[best] = 0;
  }
  if (ferror(stdin)) {
    fprintf(stderr, "read error\n");
    return 1;
  }
  fprintf(stderr, "done reading\n");
  return 0;
}
