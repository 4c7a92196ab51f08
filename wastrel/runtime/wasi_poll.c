/* wasi_poll.c -- WASI preview 1: poll_oneoff.
 *
 * Waits until at least one subscription has an event, with ppoll(2) on the
 * descriptors subscribed to and, as its timeout, the nearest clock
 * deadline; then reports every event that is ready.  As in POSIX and the
 * spec, regular files (and directories) are always ready.  A subscription
 * on a descriptor that is not open, or lacks the right to be polled that
 * way, is ready at once with the error in its event.  The CPU-time clocks
 * cannot be waited on: their subscriptions report ERRNO_NOTSUP.  The
 * subscriptions are read before any event is written, so the two arrays
 * may overlap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "wasi_fd.h"

enum { EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE };
enum { SUBSCRIPTION_SIZE = 48, EVENT_SIZE = 32 };
enum { SUBCLOCKFLAGS_ABSTIME = 1, EVENTRWFLAGS_HANGUP = 1 };

typedef struct subscription {
  uint64_t userdata;
  uint8_t type;
  uint32_t error;       /* known before waiting, or 0 */
  int ready;            /* ready before waiting */
  clockid_t clock;      /* a clock's: the host clock and its deadline */
  uint64_t deadline;
  int host_fd;          /* a descriptor's */
  uint64_t nbytes;
  int poll_index;       /* in the pollfd array, or -1 */
} subscription;

static uint64_t now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void prepare_clock(subscription *s, const uint8_t *in) {
  uint32_t id = get_u32(in + 16);
  uint64_t timeout = get_u64(in + 24);
  if (id == 2 || id == 3) {
    s->error = ERRNO_NOTSUP;
  } else if (id > 3) {
    s->error = ERRNO_INVAL;
  } else {
    s->clock = id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    uint64_t base = get_u16(in + 40) & SUBCLOCKFLAGS_ABSTIME ? 0 : now(s->clock);
    s->deadline = base + timeout < base ? UINT64_MAX : base + timeout;
    return;
  }
  s->ready = 1;
}

/* A regular file is always ready; for reading, with what is left of it. */
static void prepare_fd(subscription *s, const uint8_t *in, struct pollfd *pollfds, int *npoll) {
  fd_entry *e;
  rights needed = RIGHT_POLL_FD_READWRITE |
                  (s->type == EVENTTYPE_FD_READ ? RIGHT_FD_READ : RIGHT_FD_WRITE);
  s->error = fd_get(guest_fd_of(get_u32(in + 16)), needed, &e);
  if (s->error) {
    s->ready = 1;
    return;
  }
  s->host_fd = e->host_fd;
  if (e->filetype == FILETYPE_REGULAR_FILE || e->filetype == FILETYPE_DIRECTORY) {
    struct stat st;
    off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
    if (s->type == EVENTTYPE_FD_READ && fstat(e->host_fd, &st) == 0 && pos >= 0 &&
        st.st_size > pos)
      s->nbytes = (uint64_t)(st.st_size - pos);
    s->ready = 1;
    return;
  }
  s->poll_index = (*npoll)++;
  pollfds[s->poll_index] = (struct pollfd){
      .fd = e->host_fd, .events = s->type == EVENTTYPE_FD_READ ? POLLIN : POLLOUT};
}

/* The time to wait: 0 if something is ready, else until the nearest clock
 * deadline, or forever (NULL) if there is no clock. */
static struct timespec *wait_time(const subscription *subs, uint32_t n, struct timespec *ts) {
  uint64_t wait = UINT64_MAX;
  for (uint32_t i = 0; i < n; i++) {
    if (subs[i].ready) wait = 0;
    if (subs[i].type == EVENTTYPE_CLOCK && !subs[i].error) {
      uint64_t t = now(subs[i].clock);
      if (subs[i].deadline <= t) wait = 0;
      else if (subs[i].deadline - t < wait) wait = subs[i].deadline - t;
    }
  }
  if (wait == UINT64_MAX) return NULL;
  *ts = (struct timespec){.tv_sec = (time_t)(wait / 1000000000u), .tv_nsec = (long)(wait % 1000000000u)};
  return ts;
}

/* Writes the event of subscription `s` if it has one; returns 1 if so. */
static int put_event(subscription *s, const struct pollfd *pollfds, uint8_t *out) {
  uint16_t flags = 0;
  if (s->type == EVENTTYPE_CLOCK) {
    if (!s->ready && now(s->clock) < s->deadline) return 0;
  } else if (!s->ready) {
    short revents = pollfds[s->poll_index].revents;
    if (!revents) return 0;
    int avail;
    if (revents & POLLNVAL) s->error = ERRNO_BADF;
    if (revents & POLLHUP) flags |= EVENTRWFLAGS_HANGUP;
    if (s->type == EVENTTYPE_FD_READ && ioctl(s->host_fd, FIONREAD, &avail) == 0 && avail > 0)
      s->nbytes = (uint64_t)avail;
  }
  memset(out, 0, EVENT_SIZE);
  put_u64(out, s->userdata);
  put_u16(out + 8, (uint16_t)s->error);
  out[10] = s->type;
  if (s->type != EVENTTYPE_CLOCK) {
    put_u64(out + 16, s->error ? 0 : s->nbytes);
    put_u16(out + 24, flags);
  }
  return 1;
}

uint32_t w_wasi_poll_oneoff(uint32_t in, uint32_t out, uint32_t nsubscriptions,
                            uint32_t nevents_out) {
  if (nsubscriptions == 0) return ERRNO_INVAL;
  const uint8_t *in_at = guest_bytes(guest(in), (uint64_t)nsubscriptions * SUBSCRIPTION_SIZE);
  uint8_t *out_at = guest_bytes(guest(out), (uint64_t)nsubscriptions * EVENT_SIZE);
  uint8_t *nevents_at = guest_bytes(guest(nevents_out), 4);
  if (!in_at || !out_at || !nevents_at) return ERRNO_FAULT;
  subscription *subs = calloc(nsubscriptions, sizeof *subs);
  struct pollfd *pollfds = calloc(nsubscriptions, sizeof *pollfds);
  uint32_t err = subs && pollfds ? ERRNO_SUCCESS : ERRNO_NOMEM;
  int npoll = 0;
  for (uint32_t i = 0; i < nsubscriptions && !err; i++) {
    const uint8_t *s_in = in_at + (size_t)i * SUBSCRIPTION_SIZE;
    subscription *s = &subs[i];
    *s = (subscription){.userdata = get_u64(s_in), .type = s_in[8], .poll_index = -1};
    if (s->type == EVENTTYPE_CLOCK) prepare_clock(s, s_in);
    else if (s->type <= EVENTTYPE_FD_WRITE) prepare_fd(s, s_in, pollfds, &npoll);
    else err = ERRNO_INVAL;
  }
  uint32_t nevents = 0;
  while (!err && nevents == 0) {
    struct timespec ts;
    if (ppoll(pollfds, (nfds_t)npoll, wait_time(subs, nsubscriptions, &ts), NULL) < 0) {
      if (errno != EINTR) err = w_wasi_errno(errno);
      continue;
    }
    for (uint32_t i = 0; i < nsubscriptions; i++)
      nevents += (uint32_t)put_event(&subs[i], pollfds, out_at + (size_t)nevents * EVENT_SIZE);
  }
  free(subs);
  free(pollfds);
  if (!err) put_u32(nevents_at, nevents);
  return err;
}
