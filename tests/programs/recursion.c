/* recursion.c -- recursive functions.
 *
 * Ackermann, naive Fibonacci, Takeuchi, McCarthy 91, mutual recursion,
 * towers of Hanoi, permutations by swapping, N-queens by backtracking and
 * a recursive flood fill.  The inputs come from a volatile so the results
 * are computed at run time.  Recursion stays a few hundred calls deep.
 */
#include <stdint.h>
#include <stdio.h>

static volatile int base = 1; /* every input is a multiple of this */

static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int tak(int x, int y, int z) {
  return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

static int mccarthy91(int n) { return n > 100 ? n - 10 : mccarthy91(mccarthy91(n + 11)); }

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static uint32_t hanoi_hash;
static unsigned hanoi_moves;

static void hanoi(int disks, int from, int to, int via) {
  if (disks == 0) return;
  hanoi(disks - 1, from, via, to);
  hanoi_moves++;
  hanoi_hash = hanoi_hash * 31 + (uint32_t)(disks * 9 + from * 3 + to);
  hanoi(disks - 1, via, to, from);
}

static uint32_t permutation_hash;
static unsigned permutation_count;

static void permute(char *items, int k, int n) {
  if (k == n) {
    permutation_count++;
    for (int i = 0; i < n; i++) permutation_hash = permutation_hash * 7 + (uint32_t)items[i];
    return;
  }
  for (int i = k; i < n; i++) {
    char t = items[k]; items[k] = items[i]; items[i] = t;
    permute(items, k + 1, n);
    t = items[k]; items[k] = items[i]; items[i] = t;
  }
}

static int queens(int row, int n, unsigned cols, unsigned diag1, unsigned diag2) {
  if (row == n) return 1;
  int solutions = 0;
  for (int c = 0; c < n; c++) {
    unsigned d1 = 1u << (row + c), d2 = 1u << (row - c + n);
    if ((cols >> c & 1) || (diag1 & d1) || (diag2 & d2)) continue;
    solutions += queens(row + 1, n, cols | 1u << c, diag1 | d1, diag2 | d2);
  }
  return solutions;
}

enum { W = 24, H = 12 };
static char grid[H][W + 1] = {
    "........................", ".######.........#######.", ".#....#.........#.....#.",
    ".#....#####.....#.....#.", ".#........#.....###.###.", ".######...#.......#.#...",
    "......#...#########.#...", "......#.............#...", "......###############...",
    "........................", "#######....#############", "......#....#............"};

static int fill(int r, int c, char mark) {
  if (r < 0 || r >= H || c < 0 || c >= W || grid[r][c] != '.') return 0;
  grid[r][c] = mark;
  return 1 + fill(r + 1, c, mark) + fill(r - 1, c, mark) + fill(r, c + 1, mark) + fill(r, c - 1, mark);
}

int main(void) {
  for (unsigned m = 0; m <= 3; m++) {
    printf("ackermann(%u, n):", m);
    for (unsigned n = 0; n <= 6; n++) printf(" %u", ackermann(m * (unsigned)base, n));
    printf("\n");
  }
  printf("fib(27)=%u\n", fib(27u * (uint32_t)base));
  printf("tak(18,12,6)=%d tak(24,16,8)=%d\n", tak(18 * base, 12, 6), tak(24 * base, 16, 8));
  printf("mccarthy91: %d %d %d\n", mccarthy91(1 * base), mccarthy91(99 * base), mccarthy91(150 * base));
  printf("is_even(300)=%d is_odd(301)=%d is_even(77)=%d\n", is_even(300u * (unsigned)base),
         is_odd(301u * (unsigned)base), is_even(77u * (unsigned)base));
  hanoi(16 * base, 0, 2, 1);
  printf("hanoi(16): moves=%u hash=%08x\n", hanoi_moves, hanoi_hash);
  char items[] = "abcdefgh";
  permute(items, 0, 8 * base);
  printf("permutations=%u hash=%08x back to start=%s\n", permutation_count, permutation_hash, items);
  for (int n = 4; n <= 9; n++) printf("queens(%d)=%d%c", n, queens(0, n * base, 0, 0, 0), n < 9 ? ' ' : '\n');
  int regions = 0, largest = 0;
  for (int r = 0; r < H; r++) {
    for (int c = 0; c < W; c++) {
      int size = fill(r, c, (char)('a' + regions % 26));
      if (size > 0) regions++;
      if (size > largest) largest = size;
    }
  }
  printf("flood fill: regions=%d largest=%d\n", regions, largest);
  for (int r = 0; r < H; r++) printf("  %s\n", grid[r]);
  return 0;
}
