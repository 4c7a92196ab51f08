/* harness.h -- the data a spec-script harness is made of.
 *
 * `wastrel wast` turns a script into one C file: its modules (each with its
 * own symbol prefix) and a table of steps, one per command that needs to
 * run code -- instantiating a module, invoking an export, reading a global
 * -- with what the script expects of it.  harness.c walks the table.
 */
#ifndef WASTREL_HARNESS_H
#define WASTREL_HARNESS_H

#include "wastrel.h"

/* What one result must be. */
typedef enum w_expect_kind {
  X_BITS,           /* exactly these bits (integers, floats) */
  X_NAN_CANONICAL,  /* nan:canonical */
  X_NAN_ARITHMETIC, /* nan:arithmetic */
  X_REF_NULL,       /* ref.null */
  X_REF_NONNULL,    /* any non-null reference */
  X_REF_EXTERN,     /* ref.extern N, ref.host N (the host reference N) */
  X_REF_ANY,        /* GC: (ref.any), any non-null reference */
  X_REF_EQ,         /* (ref.eq): an i31, a struct or an array */
  X_REF_I31,        /* (ref.i31) */
  X_REF_STRUCT,     /* (ref.struct) */
  X_REF_ARRAY,      /* (ref.array) */
  X_LANES,          /* a v128, lane by lane: `parts` has one pattern per lane */
  X_EITHER,         /* any one of the `parts` */
} w_expect_kind;

typedef struct w_expect {
  char type; /* i, I, f, F, V, r, e, x, a as in w_export */
  w_expect_kind kind;
  uint64_t bits;                  /* X_BITS (of a v128: its low 64 bits) */
  uint64_t high;                  /* X_BITS of a v128: its high 64 bits */
  const struct w_expect *parts;   /* X_LANES: lane 0 first; X_EITHER: the options */
  int nparts;
  int lane_bits;                  /* X_LANES: 8, 16, 32 or 64 */
} w_expect;

/* An exported global, for `get`. */
typedef struct w_global_export {
  const char *name;
  char type;
  void *address;
} w_global_export;

typedef enum w_step_kind { S_INSTANTIATE, S_INVOKE, S_GET } w_step_kind;

typedef enum w_outcome {
  O_ANY,     /* a plain action, or a module: must not trap */
  O_RETURN,  /* assert_return: these results */
  O_TRAP,    /* assert_trap / assert_uninstantiable: this trap */
  O_UNLINKABLE, /* assert_unlinkable: the link check fails */
  O_EXCEPTION,  /* assert_exception: an exception leaves the call */
} w_outcome;

typedef struct w_step {
  int line;
  w_step_kind kind;
  void (*instantiate)(void);        /* S_INSTANTIATE */
  int (*linkable)(void);            /* S_INSTANTIATE: imports' sizes fit, or NULL */
  const w_export *export;           /* S_INVOKE */
  const w_global_export *global;    /* S_GET */
  const w_value *args;
  int nargs;
  w_outcome outcome;
  const w_expect *results;
  int nresults;
  const char *trap;                 /* O_TRAP: the message's beginning */
} w_step;

/* Defined by the generated file. */
extern const w_step w_steps[];
extern const int w_num_steps;
extern const char *const w_script_name;
void w_spectest_instantiate(void);

#endif
