/* wasi.c -- WASI preview 1: the process's arguments and environment,
 * clocks, randomness, proc_exit, proc_raise and sched_yield, and host
 * errno mapping.
 *
 * The descriptor table is in wasi_fd.c; the functions on descriptors and
 * paths are in the other wasi_*.c files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>

#include "wasi_guest.h"

w_memory *w_wasi_memory;

/* ---- arguments and environment --------------------------------------- */

typedef struct string_list {
  int count;
  char *const *items;
} string_list;

static string_list args, env;

void w_wasi_set_args(int argc, char *const *argv) { args = (string_list){argc, argv}; }
void w_wasi_set_env(int envc, char *const *envp) { env = (string_list){envc, envp}; }

/* ---- several instances' states (embed.c) ----------------------------- */

/* The state that is not current; the current one is in the globals. */
struct w_wasi_state {
  string_list args, env;
  void *fds;
  uint32_t nfds;
  w_memory *memory;
};

static w_wasi_state *current_state; /* NULL: the process's own */
static w_wasi_state process_state;   /* the process's own, while another is current */

/* Exchanges the globals with *s. */
static void exchange(w_wasi_state *s) {
  string_list a = args, e = env;
  w_memory *m = w_wasi_memory;
  args = s->args, env = s->env, w_wasi_memory = s->memory;
  s->args = a, s->env = e, s->memory = m;
  w_wasi_exchange_fds(&s->fds, &s->nfds);
}

w_wasi_state *w_wasi_state_switch(w_wasi_state *next) {
  w_wasi_state *previous = current_state;
  if (next == previous) return previous;
  exchange(previous ? previous : &process_state); /* the globals saved there... */
  exchange(next ? next : &process_state);         /* ...and next's loaded */
  current_state = next;
  return previous;
}

w_wasi_state *w_wasi_state_new(void) {
  w_wasi_state *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  w_wasi_state *previous = w_wasi_state_switch(s);
  w_wasi_init_fds();
  w_wasi_state_switch(previous);
  return s;
}

/* The size of the strings, each with its terminating NUL. */
static uint64_t list_bytes(const string_list *l) {
  uint64_t size = 0;
  for (int i = 0; i < l->count; i++) size += strlen(l->items[i]) + 1;
  return size;
}

static uint32_t list_sizes(const string_list *l, uint32_t count_out, uint32_t size_out) {
  uint8_t *count_at = guest_bytes(guest(count_out), 4);
  uint8_t *size_at = guest_bytes(guest(size_out), 4);
  if (!count_at || !size_at) return ERRNO_FAULT;
  uint64_t size = list_bytes(l);
  if (size > UINT32_MAX) return ERRNO_OVERFLOW;
  put_u32(count_at, (uint32_t)l->count);
  put_u32(size_at, (uint32_t)size);
  return ERRNO_SUCCESS;
}

/* Writes the strings, NUL-terminated, one after another at `buf` and the
 * guest address of each into the array at `ptrs`. */
static uint32_t list_get(const string_list *l, uint32_t ptrs, uint32_t buf) {
  uint8_t *ptrs_at = guest_bytes(guest(ptrs), (uint64_t)l->count * 4);
  uint8_t *buf_at = guest_bytes(guest(buf), list_bytes(l));
  if (!ptrs_at || !buf_at) return ERRNO_FAULT;
  uint32_t offset = 0;
  for (int i = 0; i < l->count; i++) {
    size_t n = strlen(l->items[i]) + 1;
    put_u32(ptrs_at + 4 * (size_t)i, buf + offset);
    memcpy(buf_at + offset, l->items[i], n);
    offset += (uint32_t)n;
  }
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_args_sizes_get(uint32_t argc_out, uint32_t argv_buf_size_out) {
  return list_sizes(&args, argc_out, argv_buf_size_out);
}

uint32_t w_wasi_args_get(uint32_t argv, uint32_t argv_buf) {
  return list_get(&args, argv, argv_buf);
}

uint32_t w_wasi_environ_sizes_get(uint32_t count_out, uint32_t buf_size_out) {
  return list_sizes(&env, count_out, buf_size_out);
}

uint32_t w_wasi_environ_get(uint32_t environ, uint32_t environ_buf) {
  return list_get(&env, environ, environ_buf);
}

/* ---- clocks ---------------------------------------------------------- */

/* The host clock for a witx clockid, or -1 if there is none. */
static clockid_t host_clock(uint32_t id) {
  switch (id) {
  case 0: return CLOCK_REALTIME;
  case 1: return CLOCK_MONOTONIC;
  case 2: return CLOCK_PROCESS_CPUTIME_ID;
  case 3: return CLOCK_THREAD_CPUTIME_ID;
  default: return (clockid_t)-1;
  }
}

static uint64_t nanoseconds(struct timespec ts) {
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t w_wasi_clock_res_get(uint32_t id, uint32_t resolution_out) {
  clockid_t clock = host_clock(id);
  if (clock == (clockid_t)-1) return ERRNO_INVAL;
  uint8_t *out = guest_bytes(guest(resolution_out), 8);
  if (!out) return ERRNO_FAULT;
  struct timespec ts;
  if (clock_getres(clock, &ts) != 0) return w_wasi_errno(errno);
  put_u64(out, nanoseconds(ts));
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_clock_time_get(uint32_t id, uint64_t precision, uint32_t time_out) {
  (void)precision; /* the host clocks are as precise as they get */
  clockid_t clock = host_clock(id);
  if (clock == (clockid_t)-1) return ERRNO_INVAL;
  uint8_t *out = guest_bytes(guest(time_out), 8);
  if (!out) return ERRNO_FAULT;
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return w_wasi_errno(errno);
  put_u64(out, nanoseconds(ts));
  return ERRNO_SUCCESS;
}

/* ---- randomness ------------------------------------------------------ */

uint32_t w_wasi_random_get(uint32_t buf, uint32_t buf_len) {
  uint8_t *at = guest_bytes(guest(buf), buf_len);
  if (!at) return ERRNO_FAULT;
  /* getrandom may return fewer bytes than asked (large requests, signals). */
  for (uint32_t done = 0; done < buf_len;) {
    ssize_t n = getrandom(at + done, buf_len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return w_wasi_errno(errno);
    }
    done += (uint32_t)n;
  }
  return ERRNO_SUCCESS;
}

/* ---- process --------------------------------------------------------- */

void w_wasi_proc_exit(uint32_t rval) {
  /* wasmtime refuses statuses a shell would read as "killed by a signal"
   * or "command not found/not executable", and fails with status 1. */
  if (rval >= 126) {
    fprintf(stderr, "wastrel: proc_exit(%u): exit with invalid exit status outside of [0..126)\n",
            rval);
    w_exit(1);
  }
  w_exit((int)rval);
}

/* The host signal for each witx signal, by number (0, none, is reserved). */
static const int host_signals[] = {
    0,       SIGHUP,  SIGINT,  SIGQUIT, SIGILL,    SIGTRAP, SIGABRT, SIGBUS,  SIGFPE,  SIGKILL, SIGUSR1,
    SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,   SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU,
    SIGURG,  SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGPOLL, SIGPWR, SIGSYS,
};

/* The signal takes its default action, as the witx lists them: the ignored
 * ones (pipe, chld, cont, urg, winch) do nothing; the others stop or end
 * the process, which then dies of that signal, but never leaves a core
 * dump (the runtime's fault handlers step aside first). */
uint32_t w_wasi_proc_raise(uint32_t sig) {
  if (sig == 0 || sig >= sizeof host_signals / sizeof *host_signals) return ERRNO_INVAL;
  int host = host_signals[sig];
  if (host == SIGPIPE || host == SIGCHLD || host == SIGCONT || host == SIGURG || host == SIGWINCH)
    return ERRNO_SUCCESS;
  setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
  signal(host, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, host);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  raise(host);
  return ERRNO_SUCCESS; /* continued after a stop */
}

uint32_t w_wasi_sched_yield(void) {
  sched_yield();
  return ERRNO_SUCCESS;
}

/* ---- errno ----------------------------------------------------------- */

uint32_t w_wasi_errno(int e) {
  switch (e) {
  case 0: return ERRNO_SUCCESS;
  case E2BIG: return ERRNO_2BIG;
  case EACCES: return ERRNO_ACCES;
  case EADDRINUSE: return ERRNO_ADDRINUSE;
  case EADDRNOTAVAIL: return ERRNO_ADDRNOTAVAIL;
  case EAFNOSUPPORT: return ERRNO_AFNOSUPPORT;
  case EAGAIN: return ERRNO_AGAIN;
  case EALREADY: return ERRNO_ALREADY;
  case EBADF: return ERRNO_BADF;
  case EBADMSG: return ERRNO_BADMSG;
  case EBUSY: return ERRNO_BUSY;
  case ECANCELED: return ERRNO_CANCELED;
  case ECHILD: return ERRNO_CHILD;
  case ECONNABORTED: return ERRNO_CONNABORTED;
  case ECONNREFUSED: return ERRNO_CONNREFUSED;
  case ECONNRESET: return ERRNO_CONNRESET;
  case EDEADLK: return ERRNO_DEADLK;
  case EDESTADDRREQ: return ERRNO_DESTADDRREQ;
  case EDOM: return ERRNO_DOM;
  case EDQUOT: return ERRNO_DQUOT;
  case EEXIST: return ERRNO_EXIST;
  case EFAULT: return ERRNO_FAULT;
  case EFBIG: return ERRNO_FBIG;
  case EHOSTUNREACH: return ERRNO_HOSTUNREACH;
  case EIDRM: return ERRNO_IDRM;
  case EILSEQ: return ERRNO_ILSEQ;
  case EINPROGRESS: return ERRNO_INPROGRESS;
  case EINTR: return ERRNO_INTR;
  case EINVAL: return ERRNO_INVAL;
  case EIO: return ERRNO_IO;
  case EISCONN: return ERRNO_ISCONN;
  case EISDIR: return ERRNO_ISDIR;
  case ELOOP: return ERRNO_LOOP;
  case EMFILE: return ERRNO_MFILE;
  case EMLINK: return ERRNO_MLINK;
  case EMSGSIZE: return ERRNO_MSGSIZE;
  case EMULTIHOP: return ERRNO_MULTIHOP;
  case ENAMETOOLONG: return ERRNO_NAMETOOLONG;
  case ENETDOWN: return ERRNO_NETDOWN;
  case ENETRESET: return ERRNO_NETRESET;
  case ENETUNREACH: return ERRNO_NETUNREACH;
  case ENFILE: return ERRNO_NFILE;
  case ENOBUFS: return ERRNO_NOBUFS;
  case ENODEV: return ERRNO_NODEV;
  case ENOENT: return ERRNO_NOENT;
  case ENOEXEC: return ERRNO_NOEXEC;
  case ENOLCK: return ERRNO_NOLCK;
  case ENOLINK: return ERRNO_NOLINK;
  case ENOMEM: return ERRNO_NOMEM;
  case ENOMSG: return ERRNO_NOMSG;
  case ENOPROTOOPT: return ERRNO_NOPROTOOPT;
  case ENOSPC: return ERRNO_NOSPC;
  case ENOSYS: return ERRNO_NOSYS;
  case ENOTCONN: return ERRNO_NOTCONN;
  case ENOTDIR: return ERRNO_NOTDIR;
  case ENOTEMPTY: return ERRNO_NOTEMPTY;
  case ENOTRECOVERABLE: return ERRNO_NOTRECOVERABLE;
  case ENOTSOCK: return ERRNO_NOTSOCK;
  case ENOTSUP: return ERRNO_NOTSUP; /* == EOPNOTSUPP on Linux */
  case ENOTTY: return ERRNO_NOTTY;
  case ENXIO: return ERRNO_NXIO;
  case EOVERFLOW: return ERRNO_OVERFLOW;
  case EOWNERDEAD: return ERRNO_OWNERDEAD;
  case EPERM: return ERRNO_PERM;
  case EPIPE: return ERRNO_PIPE;
  case EPROTO: return ERRNO_PROTO;
  case EPROTONOSUPPORT: return ERRNO_PROTONOSUPPORT;
  case EPROTOTYPE: return ERRNO_PROTOTYPE;
  case ERANGE: return ERRNO_RANGE;
  case EROFS: return ERRNO_ROFS;
  case ESPIPE: return ERRNO_SPIPE;
  case ESRCH: return ERRNO_SRCH;
  case ESTALE: return ERRNO_STALE;
  case ETIMEDOUT: return ERRNO_TIMEDOUT;
  case ETXTBSY: return ERRNO_TXTBSY;
  case EXDEV: return ERRNO_XDEV;
  default: return ERRNO_IO;
  }
}
