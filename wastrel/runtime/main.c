/* main.c -- the main function of a compiled program.
 *
 *   PROGRAM [ARGS...]
 *
 * Every argument is the guest's: a compiled program is its guest's command
 * (`./tool --help` asks the tool for help).  The program's own settings are
 * options, taken first from those compiled in (`wastrel compile M -o P
 * --dir . ...` defines w_program_settings) and then from the environment
 * variable WASTREL_OPTIONS, which the guest never sees (its environment
 * holds only the --env variables):
 *
 *   WASTREL_OPTIONS='--dir data --env HOME --invoke fib' ./fib 30
 *
 * WASTREL_OPTIONS is split into words as a shell splits them: blanks
 * separate, '...' quotes everything, "..." everything but \" and \\, and a
 * backslash outside quotes escapes the next character (Python's
 * shlex.join writes it so).  The options:
 *
 *   --dir HOST[::GUEST]    preopens the host directory HOST for the guest
 *                          under the name GUEST (default: HOST as written),
 *                          as wasmtime does; the preopens are the guest's
 *                          descriptors 3, 4, ... in order
 *   --dir-ro HOST[::GUEST] the same, read-only
 *   --sandbox=namespace|beneath
 *                          the program sees no other file: sandbox.c builds
 *                          it a root that holds only these directories, in a
 *                          mount namespace, or, with `beneath` (for hosts
 *                          without namespaces), confines its paths with
 *                          openat2(RESOLVE_BENEATH) alone
 *   --env K[=V]            a variable of the guest's environment (`--env K`:
 *                          the host's value of K, if it has one)
 *   --argv0 NAME           the guest's argv[0] (default: the basename of
 *                          PROGRAM)
 *   --invoke NAME          calls the export NAME with ARGS as its arguments
 *                          and prints its results, one per line (without,
 *                          the export `_start` runs if there is one)
 *   --invoke-lines         reads calls from stdin, one a line (`NAME
 *                          ARG...`), and makes them one after the other on
 *                          the same instance; after each it prints the
 *                          results (or the trap), then a line `--`.  A
 *                          command (a module exporting `_start`) stops at
 *                          its first trap (see invoke_lines)
 *   --bench-time           the `bench` host module (bench.c) prints, on
 *                          stderr, the wall and CPU time between each
 *                          bench.start and bench.end
 *   --help                 prints these options and exits
 *
 * An option's value follows it as the next word or after `=`.
 *
 * Wasm code runs on a stack of its own whose guard region below it makes
 * runaway recursion fault there and become the trap "call stack exhausted"
 * (trap.c).  The generated C uses more stack per call than a JIT, so it is
 * larger than wasmtime's default 512 KiB of Wasm stack.
 *
 * Exit status: the guest's proc_exit status; 0 after a normal return; 134
 * after a trap; 1 when the program cannot run as asked (unknown export,
 * wrong arguments, a preopen that is no directory, a sandbox the kernel
 * will not build); 2 for malformed options.
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

typedef struct options {
  const char *program;    /* basename of argv[0] */
  const char *source;     /* where the options being read come from */
  const char *invoke;     /* --invoke NAME, or NULL */
  int invoke_lines;       /* --invoke-lines */
  int nargs;
  char **args;            /* the guest's argv[1..] */
  w_preopen *preopens;    /* --dir and --dir-ro, in order */
  int npreopens;
  char **env;             /* --env, as K=V */
  int nenv;
  const char *argv0;      /* --argv0 */
  w_sandbox sandbox;      /* --sandbox */
} options;

/* The options compiled into the program (`wastrel compile` with run's
 * options), NULL-terminated; defined only in a program that has some (a
 * weak reference: its address is NULL elsewhere). */
extern const char *const w_program_settings[] __attribute__((weak));

/* ---- options --------------------------------------------------------- */

#define OPTIONS_VARIABLE "WASTREL_OPTIONS"

static const char usage[] =
    "usage: " OPTIONS_VARIABLE "='[OPTION]...' %s [ARGS...]\n"
    "Every argument is the guest's; the program's options come from " OPTIONS_VARIABLE ":\n"
    "  --dir HOST[::GUEST]     preopen a host directory for the guest (as GUEST)\n"
    "  --dir-ro HOST[::GUEST]  the same, read-only\n"
    "  --sandbox=namespace|beneath\n"
    "                          how the filesystem is confined (default: namespace)\n"
    "  --env K[=V]             set a guest environment variable (K alone: the host's value)\n"
    "  --argv0 NAME            the guest's argv[0] (default: the program's name)\n"
    "  --invoke NAME           call this export with ARGS and print its results\n"
    "  --invoke-lines          read calls from stdin, one a line: NAME ARG...\n"
    "  --bench-time            print the time between bench.start and bench.end on stderr\n"
    "  --help                  print this and exit\n";

static _Noreturn void out_of_memory(void) {
  fputs("wastrel: out of memory\n", stderr);
  exit(1);
}

static _Noreturn void usage_error(const options *o, const char *what, const char *arg) {
  fprintf(stderr, "%s: %s: %s%s (" OPTIONS_VARIABLE "=--help lists the options)\n", o->program, o->source, what, arg);
  exit(2);
}

/* The words of `text`, split as a shell splits them (see the top of this
 * file), NULL-terminated. */
static char **split_words(const options *o, const char *text) {
  size_t length = strlen(text);
  char **words = calloc(length / 2 + 2, sizeof *words);
  char *out = malloc(length + 1); /* the words, one after another */
  if (!words || !out) out_of_memory();
  const char *p = text;
  int n = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (!*p) break;
    words[n++] = out;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
      if (*p == '\'') {
        const char *close = strchr(p + 1, '\'');
        if (!close) usage_error(o, "unterminated quote ", "'");
        memcpy(out, p + 1, (size_t)(close - p - 1));
        out += close - p - 1;
        p = close + 1;
      } else if (*p == '"') {
        for (p++; *p != '"'; p++) {
          if (!*p) usage_error(o, "unterminated quote ", "\"");
          if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
          *out++ = *p;
        }
        p++;
      } else if (*p == '\\') {
        if (!p[1]) usage_error(o, "a backslash ends the text", "");
        *out++ = p[1];
        p += 2;
      } else {
        *out++ = *p++;
      }
    }
    *out++ = '\0';
  }
  words[n] = NULL;
  return words;
}

/* The "K=V" string for --env K=V, or for --env K with the host's value
 * (NULL when the host has no K). */
static char *env_entry(const options *o, char *spec) {
  if (!*spec) usage_error(o, "--env expects K=V or K", "");
  if (strchr(spec, '=')) return spec;
  const char *value = getenv(spec);
  if (!value) return NULL;
  char *entry = malloc(strlen(spec) + strlen(value) + 2);
  if (!entry) out_of_memory();
  sprintf(entry, "%s=%s", spec, value);
  return entry;
}

/* Whether words[*i] is the option `name`, written `NAME VALUE` or
 * `NAME=VALUE`.  If so, sets *value and leaves *i on the last word the
 * option used. */
static int option(const options *o, char **words, int *i, const char *name, char **value) {
  size_t n = strlen(name);
  char *word = words[*i];
  if (strncmp(word, name, n) != 0) return 0;
  if (word[n] == '=') {
    *value = word + n + 1;
    return 1;
  }
  if (word[n] != '\0') return 0;
  if (!words[*i + 1]) usage_error(o, "missing value for ", name);
  *value = words[++*i];
  return 1;
}

/* Adds the preopen `spec` (HOST[::GUEST]) of option `name` to `o`. */
static void add_preopen(options *o, const char *name, char *spec) {
  char *option_text = malloc(strlen(name) + strlen(spec) + 2);
  w_preopen *grown = realloc(o->preopens, ((size_t)o->npreopens + 1) * sizeof *grown);
  if (!option_text || !grown) out_of_memory();
  sprintf(option_text, "%s %s", name, spec);
  o->preopens = grown;
  char *sep = strstr(spec, "::");
  const char *guest = spec;
  if (sep) {
    *sep = '\0';
    guest = sep + 2;
  }
  o->preopens[o->npreopens++] = (w_preopen){
      .host = spec, .guest = guest, .readonly = strcmp(name, "--dir-ro") == 0, .option = option_text};
}

/* Reads the options in `words` (NULL-terminated) into `o`. */
static void read_options(options *o, char **words) {
  for (int i = 0; words[i]; i++) {
    char *value;
    if (option(o, words, &i, "--env", &value)) {
      char *entry = env_entry(o, value);
      char **grown = realloc(o->env, ((size_t)o->nenv + 1) * sizeof *grown);
      if (!grown) out_of_memory();
      o->env = grown;
      if (entry) o->env[o->nenv++] = entry;
    } else if (option(o, words, &i, "--dir", &value)) {
      add_preopen(o, "--dir", value);
    } else if (option(o, words, &i, "--dir-ro", &value)) {
      add_preopen(o, "--dir-ro", value);
    } else if (option(o, words, &i, "--sandbox", &value)) {
      if (strcmp(value, "namespace") == 0) o->sandbox = W_SANDBOX_NAMESPACE;
      else if (strcmp(value, "beneath") == 0) o->sandbox = W_SANDBOX_BENEATH;
      else usage_error(o, "--sandbox must be namespace or beneath, not ", value);
    } else if (option(o, words, &i, "--argv0", &value)) {
      o->argv0 = value;
    } else if (strcmp(words[i], "--invoke-lines") == 0) {
      o->invoke_lines = 1;
    } else if (strcmp(words[i], "--bench-time") == 0) {
      w_bench_set_timing(1);
    } else if (option(o, words, &i, "--invoke", &value)) {
      o->invoke = value;
    } else if (strcmp(words[i], "--help") == 0) {
      printf(usage, o->program);
      exit(0);
    } else if (strncmp(words[i], "--", 2) == 0) {
      usage_error(o, "unknown option ", words[i]);
    } else {
      usage_error(o, "not an option (the program's arguments are all the guest's): ", words[i]);
    }
  }
}

/* Reads the program's options (compiled in, then WASTREL_OPTIONS) into
 * `o`, and hands the guest's argv and environment to WASI. */
static void parse_command_line(int argc, char **argv, options *o) {
  char *slash = strrchr(argv[0], '/');
  o->program = o->argv0 = slash ? slash + 1 : argv[0];
  o->source = "compiled-in options";
  size_t n_settings = 0;
  while (w_program_settings && w_program_settings[n_settings]) n_settings++;
  char **settings = calloc(n_settings + 1, sizeof *settings); /* writable copies: add_preopen cuts them */
  if (!settings) out_of_memory();
  for (size_t i = 0; i < n_settings; i++)
    if (!(settings[i] = strdup(w_program_settings[i]))) out_of_memory();
  read_options(o, settings);
  const char *text = getenv(OPTIONS_VARIABLE);
  if (text) {
    o->source = OPTIONS_VARIABLE;
    read_options(o, split_words(o, text));
  }
  o->nargs = argc - 1;
  o->args = argv + 1;
  char **guest_argv = malloc(((size_t)argc + 1) * sizeof *guest_argv);
  if (!guest_argv) out_of_memory();
  guest_argv[0] = (char *)o->argv0;
  memcpy(guest_argv + 1, o->args, (size_t)o->nargs * sizeof *guest_argv);
  w_wasi_set_args(o->nargs + 1, guest_argv);
  w_wasi_set_env(o->nenv, o->env);
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
  if (!host_fds) out_of_memory();
  w_sandbox_enter(o.sandbox, o.preopens, o.npreopens, host_fds);
  for (int i = 0; i < o.npreopens; i++)
    w_wasi_add_preopen(host_fds[i], o.preopens[i].guest, o.preopens[i].readonly);
  return w_run_on_wasm_stack(run_program, &o);
}
