/* wasi_stdio.c -- the standard streams as the host set them up (pipes,
 * files, a terminal, /dev/null): what fdstat and isatty say of each, whether
 * stdin is ready, then stdin copied to stdout.  The report goes to stderr,
 * which the tests keep a pipe; stdout gets the copy. */
#include <unistd.h>

#include "transcript.h"

static void say(const char *text) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n;
  (void)__wasi_fd_write(2, &iov, 1, &n);
}

int main(void) {
  char line[160];
  for (int fd = 0; fd < 3; fd++) {
    __wasi_fdstat_t st;
    unsigned e = __wasi_fd_fdstat_get(fd, &st);
    snprintf(line, sizeof line, "fd %d: %s type=%u read=%d write=%d seek=%d tty=%d\n", fd,
             errno_name(e), st.fs_filetype, !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
             !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
             !!(st.fs_rights_base & __WASI_RIGHTS_FD_SEEK), isatty(fd));
    say(line);
  }
  __wasi_subscription_t in[2];
  memset(in, 0, sizeof in);
  in[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  in[0].u.u.fd_read.file_descriptor = 0;
  in[1].userdata = 1;
  in[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  in[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  in[1].u.u.clock.timeout = 300000000;
  __wasi_event_t out[2];
  __wasi_size_t n = 0;
  unsigned e = __wasi_poll_oneoff(in, out, 2, &n);
  int ready = 0;
  for (unsigned i = 0; i < n; i++) ready |= out[i].userdata == 0;
  snprintf(line, sizeof line, "poll stdin: %s ready=%d\n", errno_name(e), ready);
  say(line);

  size_t total = 0;
  char buf[4096];
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    if (__wasi_fd_read(0, &iov, 1, &n) != 0 || n == 0) break;
    total += n;
    __wasi_ciovec_t back = {(const uint8_t *)buf, n};
    __wasi_size_t written;
    (void)__wasi_fd_write(1, &back, 1, &written);
  }
  snprintf(line, sizeof line, "copied %zu bytes\n", total);
  say(line);
  return 0;
}
