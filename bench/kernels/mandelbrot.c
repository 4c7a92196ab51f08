/* mandelbrot.c -- escape-time Mandelbrot set (double arithmetic, tight loops).
 *
 * Usage: mandelbrot [SIZE]   Iterates every point of a SIZE x SIZE grid over
 * [-2, 0.5] x [-1.25, 1.25] up to 200 times; prints the total iteration count
 * and the number of points inside the set.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int size = argc > 1 ? atoi(argv[1]) : 2000;
  enum { LIMIT = 200 };
  long long total = 0;
  long inside = 0;
  for (int y = 0; y < size; y++) {
    double ci = -1.25 + 2.5 * y / size;
    for (int x = 0; x < size; x++) {
      double cr = -2.0 + 2.5 * x / size, zr = 0, zi = 0;
      int i = 0;
      while (i < LIMIT && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        i++;
      }
      total += i;
      inside += i == LIMIT;
    }
  }
  printf("iterations %lld, inside %ld\n", total, inside);
  return 0;
}
