/* floats_math.c -- float and double arithmetic and <math.h>.
 *
 * Exactly specified operations (+ - * / sqrt, rounding functions, fmod,
 * fabs, copysign, fmin/fmax, conversions) are printed with all their digits.
 * Transcendental functions (sin, exp, log, pow, ...) may differ in the last
 * bit between libm implementations, so stdout shows them to 12 significant
 * digits and stderr shows their exact bits (stderr is only compared between
 * two runs of the same WebAssembly module).  NaN results are shown with
 * isnan() because the sign of a computed NaN is not portable.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double vzero = 0.0, vone = 1.0, vthird = 1.0 / 3.0;
static volatile float fone = 1.0f;

static const double inputs[] = {0.0,  -0.0, 0.5,   1.0,  -1.0,  2.5,  -2.5,
                                3.5,  0.1,  -7.25, 1e-3, 123.456, 1e15, -1e300,
                                4.5e-320, 1e308};

static uint64_t bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static void exact_ops(void) {
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    double x = inputs[i] * vone;
    printf("x=%.17g sqrt=%.17g floor=%.17g ceil=%.17g trunc=%.17g rint=%.17g\n",
           x, sqrt(fabs(x)), floor(x), ceil(x), trunc(x), rint(x));
    printf("  round=%.17g nearbyint=%.17g fmod(x,0.75)=%.17g fmod(x,-3)=%.17g\n",
           round(x), nearbyint(x), fmod(x, 0.75), fmod(x, -3.0));
    printf("  neg=%.17g abs=%.17g copysign=%.17g min=%.17g max=%.17g x*x=%.17g "
           "x/3=%.17g signbit=%d\n",
           -x, fabs(x), copysign(2.0, x), fmin(x, 0.25), fmax(x, 0.25), x * x,
           x / 3.0, signbit(x) != 0);
    float f = (float)x;
    printf("  float=%.9g sqrtf=%.9g floorf=%.9g rintf=%.9g f*f=%.9g f/3=%.9g\n",
           f, sqrtf(fabsf(f)), floorf(f), rintf(f), f * f, f / 3.0f);
  }
}

static void transcendental(void) {
  static const double args[] = {0.0, 0.5, 1.0, 2.0, 3.14159, 10.0, 100.5, -0.75};
  for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
    double x = args[i] * vone;
    double r[] = {sin(x), cos(x), tan(x), exp(x), log(fabs(x) + 1.0),
                  pow(fabs(x), 1.5), atan2(x, 2.0), log10(fabs(x) + 2.0),
                  cbrt(x), hypot(x, 3.0), tanh(x), log2(fabs(x) + 1.0)};
    printf("x=%g:", x);
    for (size_t j = 0; j < sizeof r / sizeof r[0]; j++) printf(" %.12g", r[j]);
    printf("\n");
    fprintf(stderr, "x=%g:", x);
    for (size_t j = 0; j < sizeof r / sizeof r[0]; j++)
      fprintf(stderr, " %016llx", (unsigned long long)bits(r[j]));
    fprintf(stderr, "\n");
    float fx = (float)x;
    float fr[] = {sinf(fx), expf(fx), powf(fabsf(fx), 0.5f), logf(fabsf(fx) + 1.0f)};
    printf("  floats:");
    for (size_t j = 0; j < sizeof fr / sizeof fr[0]; j++) printf(" %.6g", fr[j]);
    printf("\n");
    fprintf(stderr, "  floats: %a %a %a %a\n", fr[0], fr[1], fr[2], fr[3]);
  }
}

static void special_values(void) {
  double inf = vone / vzero, nan = vzero / vzero;
  printf("1/0=%g -1/0=%g isnan(0/0)=%d isinf=%d inf-inf nan=%d\n", inf,
         -vone / vzero, isnan(nan) != 0, isinf(inf) != 0, isnan(inf - inf) != 0);
  printf("1/-0=%g nan==nan=%d nan<1=%d nan!=nan=%d fmin(nan,1)=%g fmax(1,nan)=%g\n",
         vone / -vzero, nan == nan, nan < 1.0, nan != nan, fmin(nan, 1.0),
         fmax(1.0, nan));
  printf("sqrt(-1) is nan=%d, log(0)=%g, exp(1000)=%g, exp(-1000)=%g\n",
         isnan(sqrt(-vone)) != 0, log(vzero), exp(1000.0 * vone), exp(-1000.0 * vone));
  printf("DBL_EPSILON=%.17g FLT_EPSILON=%.9g DBL_MIN/2=%.17g FLT_MAX=%.9g\n",
         DBL_EPSILON, (double)FLT_EPSILON, DBL_MIN / 2 * vone, (double)FLT_MAX);
  printf("1+eps/2=%.17g (float)1e40 inf=%d (float)1e-50=%g\n",
         vone + DBL_EPSILON / 2, isinf((float)(1e40 * vone)) != 0,
         (double)(float)(1e-50 * vone));
  printf("float 16777217=%.1f double 2^53+1=%.1f 0.1+0.2=%.17g\n",
         (double)(float)(16777217.0 * vone), 9007199254740993.0 * vone,
         0.1 * vone + 0.2);
}

static void accumulations(void) {
  float fsum = 0.0f;
  double dsum = 0.0, kahan = 0.0, comp = 0.0;
  for (int i = 1; i <= 100000; i++) {
    fsum += fone / (float)i;
    double term = vthird / i;
    dsum += term;
    double y = term - comp, t = kahan + y;
    comp = (t - kahan) - y;
    kahan = t;
  }
  printf("harmonic float=%.9g double=%.17g kahan=%.17g\n", fsum, dsum, kahan);

  double x = 2.0; /* Newton's method for sqrt(2) */
  for (int i = 0; i < 6; i++) x = 0.5 * (x + 2.0 * vone / x);
  printf("newton sqrt2=%.17g exact=%d\n", x, x == sqrt(2.0 * vone));

  double prod = 1.0;
  for (int i = 1; i <= 170; i++) prod *= i * vone;
  printf("170!=%.17g 171!=%g\n", prod, prod * 171.0);

  float fprod = 1.0f;
  for (int i = 1; i <= 40; i++) fprod = fprod * (fone + 1.0f / (float)i);
  printf("float product=%.9g\n", fprod);

  int64_t acc = 0;
  for (int i = -500; i <= 500; i++) {
    double d = i * 0.37 * vone;
    acc += (int64_t)d * 3 + (int64_t)rint(d) + (int64_t)floor(d) + (int)(float)d;
  }
  printf("conversion checksum=%lld\n", (long long)acc);
}

int main(void) {
  exact_ops();
  transcendental();
  special_values();
  accumulations();
  return 0;
}
