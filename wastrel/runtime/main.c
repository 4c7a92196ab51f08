/* main.c -- the main function of a compiled program.
 *
 *   PROGRAM [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--sandbox=namespace|beneath]
 *           [--env K[=V]]... [--argv0 NAME] [--invoke NAME | --invoke-lines] [--bench-time]
 *           [--] [ARGS...]
 *
 * --dir preopens the host directory HOST for the guest under the name
 * GUEST (default: HOST as written), as wasmtime does; the preopens are the
 * guest's descriptors 3, 4, ... in order.  --dir-ro does the same,
 * read-only.  The program sees no other file: sandbox.c builds it a root
 * that holds only these directories, in a mount namespace, or, with
 * --sandbox=beneath (for hosts without namespaces), confines its paths
 * with openat2(RESOLVE_BENEATH) alone.
 *
 * --invoke-lines reads calls from stdin, one a line (`NAME ARG...`), and
 * makes them one after the other on the same instance; after each it
 * prints the results (or the trap), then a line `--`.  Tests use it to
 * check a sequence of calls whose state carries over.  A command (a module
 * exporting `_start`) stops at its first trap (see invoke_lines).
 *
 * --bench-time makes the `bench` host module (bench.c) print, on stderr,
 * the wall and CPU time between each bench.start and bench.end.
 *
 * Options are recognized only before the first other argument or `--`;
 * there are only long ones, so "-1" or "-" is an argument.
 * The guest's argv is NAME (default: the basename of PROGRAM) followed by
 * ARGS; its environment holds exactly the --env variables (`--env K` passes
 * the host's value of K), as in wasmtime.  With --invoke, ARGS are also
 * the export's arguments, and its results are printed one per line;
 * without, the export `_start` runs if there is one.
 *
 * Wasm code runs on a thread of its own whose stack has a guard region
 * below it, so that runaway recursion faults there and becomes the trap
 * "call stack exhausted" (trap.c).
 *
 * Exit status: the guest's proc_exit status; 0 after a normal return; 134
 * after a trap; 1 when the program cannot run as asked (unknown export,
 * wrong arguments, a preopen that is no directory, a sandbox the kernel
 * will not build); 2 for a malformed command line.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The Wasm stack: generated C uses more stack per call than a JIT, so it is
 * larger than wasmtime's default 512 KiB of Wasm stack.  The guard is large
 * so that even a big frame's first access lands inside it. */

typedef struct options {
  const char *program;    /* basename of argv[0] */
  const char *invoke;     /* --invoke NAME, or NULL */
  int invoke_lines;       /* --invoke-lines */
  int nargs;
  char **args;            /* the guest's argv[1..] */
  w_preopen *preopens;    /* --dir and --dir-ro, in order */
  int npreopens;
  w_sandbox sandbox;      /* --sandbox */
} options;

/* ---- command line ---------------------------------------------------- */

static _Noreturn void usage_error(const char *program, const char *what, const char *arg) {
  fprintf(stderr, "%s: %s%s\n", program, what, arg);
  fprintf(stderr,
          "usage: %s [--dir HOST[::GUEST]]... [--dir-ro HOST[::GUEST]]... [--sandbox=namespace|beneath]\n"
          "       [--env K[=V]]... [--argv0 NAME] [--invoke NAME | --invoke-lines] [--bench-time]\n"
          "       [--] [ARGS...]\n",
          program);
  exit(2);
}

/* The "K=V" string for --env K=V, or for --env K with the host's value
 * (NULL when the host has no K). */
static char *env_entry(char *spec) {
  if (strchr(spec, '=')) return spec;
  const char *value = getenv(spec);
  if (!value) return NULL;
  char *entry = malloc(strlen(spec) + strlen(value) + 2);
  if (!entry) return NULL;
  sprintf(entry, "%s=%s", spec, value);
  return entry;
}

/* Whether argv[*i] is the option `name`, written `NAME VALUE` or
 * `NAME=VALUE`.  If so, sets *value and leaves *i on the last argument the
 * option used. */
static int option(const options *o, int argc, char **argv, int *i, const char *name,
                  char **value) {
  size_t n = strlen(name);
  char *arg = argv[*i];
  if (strncmp(arg, name, n) != 0) return 0;
  if (arg[n] == '=') {
    *value = arg + n + 1;
    return 1;
  }
  if (arg[n] != '\0') return 0;
  if (*i + 1 >= argc) usage_error(o->program, "missing value for ", name);
  *value = argv[++*i];
  return 1;
}

/* Adds the preopen `spec` (HOST[::GUEST]) of option `name` to `o`. */
static void add_preopen(options *o, const char *name, char *spec) {
  char *option_text = malloc(strlen(name) + strlen(spec) + 2);
  if (!option_text) {
    fputs("wastrel: out of memory\n", stderr);
    exit(1);
  }
  sprintf(option_text, "%s %s", name, spec);
  char *sep = strstr(spec, "::");
  const char *guest = spec;
  if (sep) {
    *sep = '\0';
    guest = sep + 2;
  }
  o->preopens[o->npreopens++] = (w_preopen){
      .host = spec, .guest = guest, .readonly = strcmp(name, "--dir-ro") == 0, .option = option_text};
}

/* Parses the command line into `o`, and hands the guest's argv and
 * environment to WASI. */
static void parse_command_line(int argc, char **argv, options *o) {
  char *slash = strrchr(argv[0], '/');
  char *argv0 = slash ? slash + 1 : argv[0];
  o->program = argv0;
  char **env = calloc((size_t)argc, sizeof *env);
  int nenv = 0;
  o->preopens = calloc((size_t)argc, sizeof *o->preopens);
  int i = 1;
  for (; i < argc; i++) {
    char *value;
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strncmp(argv[i], "--", 2) != 0) break;
    if (option(o, argc, argv, &i, "--env", &value)) {
      char *entry = env_entry(value);
      if (entry) env[nenv++] = entry;
    } else if (option(o, argc, argv, &i, "--dir", &value)) {
      add_preopen(o, "--dir", value);
    } else if (option(o, argc, argv, &i, "--dir-ro", &value)) {
      add_preopen(o, "--dir-ro", value);
    } else if (option(o, argc, argv, &i, "--sandbox", &value)) {
      if (strcmp(value, "namespace") == 0) o->sandbox = W_SANDBOX_NAMESPACE;
      else if (strcmp(value, "beneath") == 0) o->sandbox = W_SANDBOX_BENEATH;
      else usage_error(o->program, "--sandbox must be namespace or beneath, not ", value);
    } else if (option(o, argc, argv, &i, "--argv0", &value)) {
      argv0 = value;
    } else if (strcmp(argv[i], "--invoke-lines") == 0) {
      o->invoke_lines = 1;
    } else if (strcmp(argv[i], "--bench-time") == 0) {
      w_bench_set_timing(1);
    } else if (option(o, argc, argv, &i, "--invoke", &value)) {
      o->invoke = value;
    } else {
      usage_error(o->program, "unknown option ", argv[i]);
    }
  }
  o->nargs = argc - i;
  o->args = argv + i;

  char **guest_argv = malloc(((size_t)o->nargs + 1) * sizeof *guest_argv);
  if (!env || !guest_argv || !o->preopens) {
    fputs("wastrel: out of memory\n", stderr);
    exit(1);
  }
  guest_argv[0] = argv0;
  memcpy(guest_argv + 1, o->args, (size_t)o->nargs * sizeof *guest_argv);
  w_wasi_set_args(o->nargs + 1, guest_argv);
  w_wasi_set_env(nenv, env);
}

/* ---- --invoke -------------------------------------------------------- */

/* An exception that left the Wasm code: said like a trap (and cleared). */
static int uncaught(void) {
  if (w_pending == NULL) return 0;
  fflush(stdout);
  fprintf(stderr, "wasm exception: uncaught exception (%s)\n", w_pending->tag->name);
  w_pending = NULL;
  return 1;
}

static const w_export *find_export(const char *name) {
  for (uint32_t i = 0; i < w_program_num_exports; i++)
    if (strcmp(w_program_exports[i].name, name) == 0) return &w_program_exports[i];
  return NULL;
}

/* An integer of `bits` bits: decimal or 0x-hexadecimal, with an optional
 * sign; anything from the signed minimum to the unsigned maximum. */
static int parse_int(const char *s, int bits, uint64_t *out) {
  int negative = *s == '-';
  if (*s == '-' || *s == '+') s++;
  int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
  if (base == 16) s += 2;
  if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s))) return 0;
  char *end;
  errno = 0;
  uint64_t magnitude = strtoull(s, &end, base);
  if (*end || errno == ERANGE) return 0;
  uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  if (negative ? magnitude > (UINT64_C(1) << (bits - 1)) : magnitude > umax) return 0;
  *out = (negative ? 0 - magnitude : magnitude) & umax;
  return 1;
}

static const char *type_name(char type) {
  switch (type) {
  case 'i': return "i32";
  case 'I': return "i64";
  case 'f': return "f32";
  case 'F': return "f64";
  case 'V': return "v128 (an integer of 128 bits, decimal or 0x hex)";
  default: return "reference (only null)";
  }
}

/* A v128 written as an unsigned 128-bit integer, decimal or 0x hex (as
 * wasmtime reads it); lane 0 is the low bits. */
static int parse_v128(const char *s, w_v128 *out) {
  unsigned __int128 value = 0, limit = ~(unsigned __int128)0;
  int base = 10, digits = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
  for (; *s; s++, digits++) {
    int d = isdigit((unsigned char)*s) ? *s - '0'
          : base == 16 && isxdigit((unsigned char)*s) ? tolower((unsigned char)*s) - 'a' + 10
          : -1;
    if (d < 0 || value > (limit - d) / base) return 0;
    value = value * base + d;
  }
  *out = (w_v128){(int64_t)(uint64_t)value, (int64_t)(uint64_t)(value >> 64)};
  return digits > 0;
}

/* Parses `s` as a value of the type letter `type`. */
static int parse_value(char type, const char *s, w_value *v) {
  uint64_t bits;
  char *end;
  switch (type) {
  case 'i':
    if (!parse_int(s, 32, &bits)) return 0;
    v->i32 = (uint32_t)bits;
    return 1;
  case 'I':
    return parse_int(s, 64, &v->i64);
  case 'f':
    v->f32 = strtof(s, &end);
    return *s && !*end;
  case 'F':
    v->f64 = strtod(s, &end);
    return *s && !*end;
  case 'V':
    return parse_v128(s, &v->v128);
  case 'e': /* null, or host reference number N (an opaque non-null value) */
    v->ref = NULL;
    if (strcmp(s, "null") == 0) return 1;
    if (!parse_int(s, 32, &bits)) return 0;
    v->ref = W_HOST_REF(bits);
    return 1;
  default: /* function references: only null can be written */
    v->ref = NULL;
    return strcmp(s, "null") == 0;
  }
}

/* Prints a float in the shortest decimal form that reads back as the same
 * value: positional unless the exponent is far from 0 ("1.5", "100",
 * "1e+20"), and "inf", "-inf", "nan". */
static void print_float(double x, int single) {
  if (isnan(x)) {
    puts("nan");
    return;
  }
  if (isinf(x)) {
    puts(x < 0 ? "-inf" : "inf");
    return;
  }
  char buf[64];
  int digits = 1;
  for (; digits < 17; digits++) {
    snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
    if (single ? strtof(buf, NULL) == (float)x : strtod(buf, NULL) == x) break;
  }
  snprintf(buf, sizeof buf, "%.*e", digits - 1, x);
  int exponent = atoi(strchr(buf, 'e') + 1);
  if (exponent >= -5 && exponent < 17) {
    int decimals = digits - 1 - exponent;
    snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 0, x);
  }
  puts(buf);
}

static void print_value(char type, w_value v) {
  switch (type) {
  case 'i': printf("%" PRId32 "\n", (int32_t)v.i32); break;
  case 'I': printf("%" PRId64 "\n", (int64_t)v.i64); break;
  case 'f': print_float(v.f32, 1); break;
  case 'F': print_float(v.f64, 0); break;
  case 'V': /* as wasmtime prints it: 0x and the hex digits of the 128 bits */
    if (v.v128[1]) printf("0x%" PRIx64 "%016" PRIx64 "\n", (uint64_t)v.v128[1], (uint64_t)v.v128[0]);
    else printf("0x%" PRIx64 "\n", (uint64_t)v.v128[0]);
    break;
  default: puts(v.ref ? "ref" : "null"); break;
  }
}

/* One call of an export, with arguments as text. */
typedef struct call {
  const char *name;
  int nargs;
  char **args;
} call;

static int call_export(void *arg) {
  const call *c = arg;
  const w_export *e = find_export(c->name);
  if (!e) {
    fprintf(stderr, "unknown export %s\n", c->name);
    return 1;
  }
  size_t nparams = strlen(e->params), nresults = strlen(e->results);
  if ((size_t)c->nargs != nparams) {
    fprintf(stderr, "export %s takes %zu argument%s, got %d\n", e->name, nparams,
            nparams == 1 ? "" : "s", c->nargs);
    return 1;
  }
  /* (leaked if a trap unwinds past here) */
  w_value *args = calloc(nparams + 1, sizeof *args);
  w_value *results = calloc(nresults + 1, sizeof *results);
  if (!args || !results) {
    fputs("wastrel: out of memory\n", stderr);
    return 1;
  }
  for (size_t i = 0; i < nparams; i++) {
    if (!parse_value(e->params[i], c->args[i], &args[i])) {
      fprintf(stderr, "invalid argument %zu of %s: `%s` is not a valid %s\n", i + 1, e->name,
              c->args[i], type_name(e->params[i]));
      return 1;
    }
  }
  e->thunk(args, results);
  if (uncaught()) return W_EXIT_TRAP;
  for (size_t i = 0; i < nresults; i++) print_value(e->results[i], results[i]);
  free(args);
  free(results);
  return 0;
}

/* A trap ends the call only -- except in a WASI command (a module that
 * exports `_start`), whose instance does not outlive a trap: its C is built
 * with fast traps (W_PRECISE_TRAPS 0, wastrel_ops.h; the compiler decides by
 * the same rule, backend_c/linking.py), which leave memory unspecified after
 * one.  There the calls stop, with the trap's exit status. */
static int invoke_lines(void) {
  const int is_command = find_export("_start") != NULL;
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    char *words[64];
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < 64; w = strtok(NULL, " \t\r\n")) words[n++] = w;
    if (n == 0) continue;
    call c = {words[0], n - 1, words + 1};
    fflush(stdout);
    w_trap_reason trap;
    int failed = w_try(call_export, &c, &trap) == W_EXIT_TRAP;
    if (trap != (w_trap_reason)-1) fprintf(stderr, "wasm trap: %s\n", w_trap_message(trap));
    fflush(stderr);
    puts("--");
    fflush(stdout);
    if ((trap != (w_trap_reason)-1 || failed) && is_command) return W_EXIT_TRAP;
  }
  return 0;
}

/* ---- running --------------------------------------------------------- */

static int run_program(void *arg) {
  const options *o = arg;
  w_program_instantiate();
  if (uncaught()) return W_EXIT_TRAP; /* from the start function */
  if (o->invoke_lines) return invoke_lines();
  if (o->invoke) {
    call c = {o->invoke, o->nargs, o->args};
    return call_export(&c);
  }
  const w_export *start = find_export("_start");
  if (start) {
    if (*start->params || *start->results) {
      fputs("wastrel: the export _start must take and return nothing\n", stderr);
      return 1;
    }
    start->thunk(NULL, NULL);
    if (uncaught()) return W_EXIT_TRAP;
  }
  return 0;
}

int main(int argc, char **argv) {
  options o = {0};
  parse_command_line(argc, argv, &o);
  /* Writing to a closed pipe is an EPIPE error for the guest, not death
   * by SIGPIPE (wasmtime, as a Rust program, ignores SIGPIPE too). */
  signal(SIGPIPE, SIG_IGN);
  w_wasi_init_fds();
  int *host_fds = calloc((size_t)o.npreopens + 1, sizeof *host_fds);
  if (!host_fds) {
    fputs("wastrel: out of memory\n", stderr);
    return 1;
  }
  w_sandbox_enter(o.sandbox, o.preopens, o.npreopens, host_fds);
  for (int i = 0; i < o.npreopens; i++)
    w_wasi_add_preopen(host_fds[i], o.preopens[i].guest, o.preopens[i].readonly);
  return w_run_on_wasm_stack(run_program, &o);
}
