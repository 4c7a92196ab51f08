/* wasi_process.c -- the process: arguments, environment, the realtime and
 * monotonic clocks, randomness, sched_yield, poll_oneoff on clocks and on a
 * file, and proc_exit with the status given as the first argument.
 * Compared with wasmtime (which has no CPU-time clocks: wasi_beyond.c). */
#include <stdlib.h>

#include "transcript.h"

static void strings(const char *what, __wasi_errno_t (*sizes)(__wasi_size_t *, __wasi_size_t *),
                    __wasi_errno_t (*get)(uint8_t **, uint8_t *)) {
  __wasi_size_t count, size;
  T(what, sizes(&count, &size));
  printf("  %u strings, %u bytes\n", (unsigned)count, (unsigned)size);
  uint8_t **list = malloc((count + 1) * sizeof *list);
  uint8_t *buf = malloc(size);
  T(what, get(list, buf));
  for (unsigned i = 0; i < count; i++) printf("  [%u] \"%s\"\n", i, (const char *)list[i]);
  free(list);
  free(buf);
}

static __wasi_timestamp_t now(__wasi_clockid_t clock) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(clock, 1, &t);
  return t;
}

static void clocks(void) {
  static const char *const names[] = {"realtime", "monotonic"};
  for (__wasi_clockid_t id = 0; id < 2; id++) {
    __wasi_timestamp_t res = 0, t1 = 0, t2 = 0;
    printf("%s:\n", names[id]);
    T("  resolution", __wasi_clock_res_get(id, &res));
    T("  time", __wasi_clock_time_get(id, 0, &t1));
    T("  time again", __wasi_clock_time_get(id, 1000000, &t2));
    printf("  resolution positive: %s, not going back: %s\n", res > 0 ? "yes" : "no",
           t2 >= t1 ? "yes" : "no");
  }
  __wasi_timestamp_t real = now(__WASI_CLOCKID_REALTIME);
  printf("realtime after 2020: %s\n", real > 1577836800000000000ull ? "yes" : "no");
}

static void randomness(void) {
  uint8_t a[64] = {0}, b[64] = {0};
  T("random", __wasi_random_get(a, sizeof a));
  T("random again", __wasi_random_get(b, sizeof b));
  printf("differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
  T("random nothing", __wasi_random_get(a, 0));
  static uint8_t big[1 << 20];
  T("random 1 MiB", __wasi_random_get(big, sizeof big));
  int zero_tail = 1;
  for (int i = sizeof big - 64; i < (int)sizeof big; i++) zero_tail &= big[i] == 0;
  printf("filled to the end: %s\n", zero_tail ? "no" : "yes");
  T("sched_yield", __wasi_sched_yield());
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id,
                                       __wasi_timestamp_t timeout, __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = flags;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static void poll(const char *label, const __wasi_subscription_t *in, size_t n) {
  __wasi_event_t out[8];
  __wasi_size_t got = 0;
  memset(out, 0xee, sizeof out);
  if (T(label, __wasi_poll_oneoff(in, out, n, &got)) != 0) return;
  for (unsigned i = 0; i < got; i++)
    printf("  event userdata=%llu error=%s type=%u\n", (unsigned long long)out[i].userdata,
           errno_name(out[i].error), out[i].type);
}

static void polling(void) {
  __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  __wasi_subscription_t s[4] = {clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0)};
  poll("sleep 20ms", s, 1);
  printf("  slept at least 20ms: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20000000 ? "yes" : "no");
  s[0] = clock_sub(8, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 10000000,
                   __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  poll("sleep until realtime + 10ms", s, 1);
  s[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  poll("deadline passed", s, 1);
  s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  s[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  poll("the nearer of two clocks", s, 2);
  poll("no subscriptions", s, 0);

  __wasi_fd_t fd;
  T("create", __wasi_path_open(SCRATCH, 0, "polled", __WASI_OFLAGS_CREAT, ALL_RIGHTS, ALL_RIGHTS, 0, &fd));
  write_text("write", fd, "twelve bytes");
  s[0] = fd_sub(3, __WASI_EVENTTYPE_FD_WRITE, fd);
  s[1] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  poll("file writable", s, 2);
  s[0] = fd_sub(5, __WASI_EVENTTYPE_FD_READ, fd);
  poll("file readable", s, 2);
}

int main(int argc, char **argv) {
  strings("args", __wasi_args_sizes_get, __wasi_args_get);
  strings("environ", __wasi_environ_sizes_get, __wasi_environ_get);
  clocks();
  randomness();
  polling();
  int status = argc > 1 ? atoi(argv[1]) : 0;
  printf("exiting with %d\n", status);
  fflush(stdout);
  __wasi_proc_exit((__wasi_exitcode_t)status);
}
