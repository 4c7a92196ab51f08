/* interpreter.c -- an assembler and a bytecode stack machine.
 *
 * Assembles small programs written in a stack-machine assembly language
 * (tokenised by a character-class state machine, labels resolved in a
 * second pass) and runs them in an interpreter whose dispatch is one dense
 * switch.  Also evaluates arithmetic expressions with a recursive-descent
 * parser.  Prints each program's output, the instruction count, and a
 * histogram of executed opcodes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op {
  OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_DUP, OP_DROP,
  OP_SWAP, OP_OVER, OP_LT, OP_EQ, OP_NOT, OP_JMP, OP_JZ, OP_JNZ, OP_LOAD,
  OP_STORE, OP_PRINT, OP_CALL, OP_RET, OP_HALT, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "push", "add", "sub", "mul", "div", "mod", "neg", "dup", "drop", "swap", "over", "lt",
    "eq",   "not", "jmp", "jz",  "jnz", "load", "store", "print", "call", "ret", "halt"};

enum { MAX_CODE = 512, MAX_LABELS = 32, STACK = 64, MEMORY = 16 };

typedef struct {
  int32_t code[MAX_CODE];
  int length;
} program;

typedef struct {
  char name[16];
  int address;
} label;

/* ---- assembler ------------------------------------------------------ */

typedef enum { TOKEN_END, TOKEN_WORD, TOKEN_NUMBER, TOKEN_LABEL } token_kind;

typedef struct {
  const char *p;
  token_kind kind;
  char text[16];
  int32_t number;
} lexer;

/* Reads one token; comments run from ';' to the end of the line. */
static void next_token(lexer *lx) {
  enum { SKIP, COMMENT } state = SKIP;
  for (;; lx->p++) {
    char c = *lx->p;
    if (c == '\0') {
      lx->kind = TOKEN_END;
      return;
    }
    if (state == COMMENT) {
      if (c == '\n') state = SKIP;
    } else if (c == ';') {
      state = COMMENT;
    } else if (c != ' ' && c != '\n' && c != '\t') {
      break;
    }
  }
  if (*lx->p == '-' || (*lx->p >= '0' && *lx->p <= '9')) {
    lx->kind = TOKEN_NUMBER;
    lx->number = (int32_t)strtol(lx->p, (char **)&lx->p, 10);
    return;
  }
  size_t n = 0;
  while (*lx->p && strchr(" \n\t:;", *lx->p) == NULL) {
    if (n + 1 < sizeof lx->text) lx->text[n++] = *lx->p;
    lx->p++;
  }
  lx->text[n] = '\0';
  lx->kind = TOKEN_WORD;
  if (*lx->p == ':') {
    lx->kind = TOKEN_LABEL;
    lx->p++;
  }
}

static int find_label(const label *labels, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(labels[i].name, name) == 0) return labels[i].address;
  fprintf(stderr, "unknown label %s\n", name);
  exit(2);
}

/* Two passes: the first records label addresses, the second emits code. */
static void assemble(const char *source, program *out) {
  label labels[MAX_LABELS];
  int nlabels = 0;
  for (int pass = 0; pass < 2; pass++) {
    lexer lx = {source, TOKEN_END, "", 0};
    out->length = 0;
    for (next_token(&lx); lx.kind != TOKEN_END; next_token(&lx)) {
      if (lx.kind == TOKEN_LABEL) {
        if (pass == 0) {
          strcpy(labels[nlabels].name, lx.text);
          labels[nlabels++].address = out->length;
        }
      } else if (lx.kind == TOKEN_NUMBER) {
        out->code[out->length++] = lx.number;
      } else {
        int op = 0;
        while (op < OP_COUNT && strcmp(op_names[op], lx.text) != 0) op++;
        if (op < OP_COUNT)
          out->code[out->length++] = op;
        else
          out->code[out->length++] = pass == 0 ? 0 : find_label(labels, nlabels, lx.text);
      }
    }
  }
}

/* ---- interpreter ---------------------------------------------------- */

static long run(const program *prog, unsigned long histogram[OP_COUNT]) {
  int32_t stack[STACK], memory[MEMORY] = {0};
  int returns[STACK];
  int sp = 0, rsp = 0, pc = 0;
  long steps = 0;
  for (;;) {
    int32_t op = prog->code[pc++], a, b;
    histogram[op]++;
    steps++;
    switch (op) {
    case OP_PUSH: stack[sp++] = prog->code[pc++]; break;
    case OP_ADD: b = stack[--sp]; stack[sp - 1] += b; break;
    case OP_SUB: b = stack[--sp]; stack[sp - 1] -= b; break;
    case OP_MUL: b = stack[--sp]; stack[sp - 1] *= b; break;
    case OP_DIV: b = stack[--sp]; stack[sp - 1] /= b; break;
    case OP_MOD: b = stack[--sp]; stack[sp - 1] %= b; break;
    case OP_NEG: stack[sp - 1] = -stack[sp - 1]; break;
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_DROP: sp--; break;
    case OP_SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
    case OP_OVER: stack[sp] = stack[sp - 2]; sp++; break;
    case OP_LT: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] < b; break;
    case OP_EQ: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] == b; break;
    case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
    case OP_JMP: pc = prog->code[pc]; break;
    case OP_JZ: pc = stack[--sp] == 0 ? prog->code[pc] : pc + 1; break;
    case OP_JNZ: pc = stack[--sp] != 0 ? prog->code[pc] : pc + 1; break;
    case OP_LOAD: stack[sp - 1] = memory[stack[sp - 1]]; break;
    case OP_STORE: a = stack[--sp]; memory[a] = stack[--sp]; break;
    case OP_PRINT: printf("%d ", stack[--sp]); break;
    case OP_CALL: returns[rsp++] = pc + 1; pc = prog->code[pc]; break;
    case OP_RET: pc = returns[--rsp]; break;
    case OP_HALT: printf("\n"); return steps;
    default: fprintf(stderr, "bad opcode %d at %d\n", op, pc - 1); exit(3);
    }
  }
}

static const char primes_source[] =
    "; print the primes below 60 by trial division\n"
    "        push 2 push 0 store          ; m[0] = candidate\n"
    "next:   push 0 load push 60 lt jz done\n"
    "        push 2 push 1 store          ; m[1] = divisor\n"
    "try:    push 1 load dup mul push 0 load swap lt jnz prime\n"
    "        push 0 load push 1 load mod jz composite\n"
    "        push 1 load push 1 add push 1 store jmp try\n"
    "prime:  push 0 load print\n"
    "composite: push 0 load push 1 add push 0 store jmp next\n"
    "done:   halt\n";

static const char fib_source[] =
    "; fibonacci numbers through a subroutine, 25 of them\n"
    "        push 0 push 2 store push 1 push 3 store push 25 push 4 store\n"
    "loop:   push 4 load jz end\n"
    "        call step\n"
    "        push 4 load push 1 sub push 4 store jmp loop\n"
    "step:   push 2 load dup print push 3 load dup push 2 store add push 3 store ret\n"
    "end:    halt\n";

static const char collatz_source[] =
    "; longest Collatz chain for starts below 300: prints start and length\n"
    "        push 1 push 5 store push 0 push 6 store push 0 push 7 store\n"
    "outer:  push 5 load push 300 lt jz report\n"
    "        push 5 load push 8 store push 1 push 9 store\n"
    "inner:  push 8 load push 1 eq jnz finished\n"
    "        push 8 load push 2 mod jz even\n"
    "        push 8 load push 3 mul push 1 add push 8 store jmp counted\n"
    "even:   push 8 load push 2 div push 8 store\n"
    "counted: push 9 load push 1 add push 9 store jmp inner\n"
    "finished: push 6 load push 9 load lt not jnz skip\n"
    "        push 9 load push 6 store push 5 load push 7 store\n"
    "skip:   push 5 load push 1 add push 5 store jmp outer\n"
    "report: push 7 load print push 6 load print push -17 neg print halt\n";

/* ---- expressions ---------------------------------------------------- */

static const char *cursor;

static long expression(void);

static long primary(void) {
  while (*cursor == ' ') cursor++;
  if (*cursor == '(') {
    cursor++;
    long v = expression();
    while (*cursor == ' ') cursor++;
    cursor++; /* ')' */
    return v;
  }
  if (*cursor == '-') {
    cursor++;
    return -primary();
  }
  return strtol(cursor, (char **)&cursor, 10);
}

static long term(void) {
  long v = primary();
  for (;;) {
    while (*cursor == ' ') cursor++;
    char c = *cursor;
    if (c != '*' && c != '/' && c != '%') return v;
    cursor++;
    long rhs = primary();
    v = c == '*' ? v * rhs : c == '/' ? v / rhs : v % rhs;
  }
}

static long expression(void) {
  long v = term();
  for (;;) {
    while (*cursor == ' ') cursor++;
    char c = *cursor;
    if (c != '+' && c != '-') return v;
    cursor++;
    long rhs = term();
    v = c == '+' ? v + rhs : v - rhs;
  }
}

int main(void) {
  static const char *const sources[] = {primes_source, fib_source, collatz_source};
  static const char *const names[] = {"primes", "fib", "collatz"};
  unsigned long histogram[OP_COUNT] = {0};
  static program prog;
  for (int i = 0; i < 3; i++) {
    assemble(sources[i], &prog);
    printf("%s (%d words): ", names[i], prog.length);
    long steps = run(&prog, histogram);
    printf("%s executed %ld instructions\n", names[i], steps);
  }
  for (int op = 0; op < OP_COUNT; op++) printf("%s=%lu%c", op_names[op], histogram[op], op + 1 < OP_COUNT ? ' ' : '\n');

  static const char *const exprs[] = {"1 + 2 * 3", "(4 + 5) * (2 - 7)", "-(3 - 10) % 4",
                                      "100 / 7 / 2", "2 * (3 + (4 * (5 + 6))) - -1",
                                      "((((((((9))))))))", "17 % 5 * 3 - 8 / 3"};
  for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
    cursor = exprs[i];
    printf("%s = %ld\n", exprs[i], expression());
  }
  return 0;
}
