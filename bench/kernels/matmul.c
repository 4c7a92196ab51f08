/* matmul.c -- dense single-precision matrix multiplication (floats, memory).
 *
 * Usage: matmul [N]   Multiplies two N x N matrices (i-k-j loop order) and
 * prints a checksum of the product.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  float *a = malloc(sizeof(float) * (size_t)n * (size_t)n);
  float *b = malloc(sizeof(float) * (size_t)n * (size_t)n);
  float *c = calloc((size_t)n * (size_t)n, sizeof(float));
  if (!a || !b || !c) return 1;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      a[i * n + j] = (float)((i * 7 + j * 3) % 17) / 16.0f - 0.5f;
      b[i * n + j] = (float)((i * 5 + j * 11) % 13) / 12.0f - 0.25f;
    }
  }
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      float aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  double checksum = 0;
  for (int i = 0; i < n * n; i++) checksum += c[i] * (double)(i % 7 + 1);
  printf("%.6f\n", checksum);
  free(a);
  free(b);
  free(c);
  return 0;
}
