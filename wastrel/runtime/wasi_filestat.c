/* wasi_filestat.c -- WASI preview 1: file attributes, of an open file or
 * by path (fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times,
 * path_filestat_get, path_filestat_set_times).
 *
 * A path is opened with O_PATH beneath its directory (following its last
 * symlink only with lookupflags.symlink_follow) and the attributes are
 * read or set through that descriptor, so that the call cannot act on
 * anything outside (wasi_resolve.c).  Times are nanoseconds since the
 * epoch; asking to set a time both to a value and to "now" is
 * ERRNO_INVAL, checked before anything changes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_fd.h"
#include "wasi_resolve.h"

enum { FSTFLAGS_ATIM = 1, FSTFLAGS_ATIM_NOW = 2, FSTFLAGS_MTIM = 4, FSTFLAGS_MTIM_NOW = 8 };
enum { FILESTAT_SIZE = 64 };

static uint64_t timestamp(struct timespec ts) {
  if (ts.tv_sec < 0) return 0; /* before 1970: not representable */
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* filestat: {u64 dev, u64 ino, u8 filetype at 16, u64 nlink at 24,
 *            u64 size at 32, u64 atim at 40, mtim at 48, ctim at 56}. */
static void put_filestat(uint8_t *out, const struct stat *st) {
  memset(out, 0, FILESTAT_SIZE);
  put_u64(out, (uint64_t)st->st_dev);
  put_u64(out + 8, (uint64_t)st->st_ino);
  out[16] = filetype_of_mode(st->st_mode);
  put_u64(out + 24, (uint64_t)st->st_nlink);
  put_u64(out + 32, (uint64_t)st->st_size);
  put_u64(out + 40, timestamp(st->st_atim));
  put_u64(out + 48, timestamp(st->st_mtim));
  put_u64(out + 56, timestamp(st->st_ctim));
}

/* Stats the file `fd` refers to (also an O_PATH descriptor). */
static uint32_t stat_into(int fd, uint32_t filestat_out) {
  uint8_t *out = guest_bytes(guest(filestat_out), FILESTAT_SIZE);
  if (!out) return ERRNO_FAULT;
  struct stat st;
  if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) return w_wasi_errno(errno);
  put_filestat(out, &st);
  return ERRNO_SUCCESS;
}

/* The utimensat times for fst_flags, or ERRNO_INVAL. */
static uint32_t new_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec ts[2]) {
  if ((fst_flags & ~0xfu) || (fst_flags & (FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW)) == 0x3 ||
      (fst_flags & (FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW)) == 0xc)
    return ERRNO_INVAL;
  const uint64_t t[2] = {atim, mtim};
  for (int i = 0; i < 2; i++) {
    uint32_t set = fst_flags >> (2 * i);
    if (set & 1)
      ts[i] = (struct timespec){.tv_sec = (time_t)(t[i] / 1000000000u),
                                .tv_nsec = (long)(t[i] % 1000000000u)};
    else
      ts[i] = (struct timespec){.tv_nsec = set & 2 ? UTIME_NOW : UTIME_OMIT};
  }
  return ERRNO_SUCCESS;
}

/* ---- through a descriptor -------------------------------------------- */

uint32_t w_wasi_fd_filestat_get(uint32_t fd, uint32_t filestat_out) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_FILESTAT_GET, &e);
  return err ? err : stat_into(e->host_fd, filestat_out);
}

uint32_t w_wasi_fd_filestat_set_size(uint32_t fd, uint64_t size) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_FILESTAT_SET_SIZE, &e);
  if (err) return err;
  if (size > INT64_MAX) return ERRNO_INVAL;
  return ftruncate(e->host_fd, (off_t)size) == 0 ? ERRNO_SUCCESS : w_wasi_errno(errno);
}

uint32_t w_wasi_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags) {
  fd_entry *e;
  struct timespec ts[2];
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_FILESTAT_SET_TIMES, &e);
  if (!err) err = new_times(atim, mtim, fst_flags, ts);
  if (err) return err;
  return futimens(e->host_fd, ts) == 0 ? ERRNO_SUCCESS : w_wasi_errno(errno);
}

/* ---- by path --------------------------------------------------------- */

/* Opens `path` in directory `fd` with O_PATH, following its last symlink
 * only if `flags` says so.  Returns the descriptor or -1 with *err set. */
static int open_path(uint32_t fd, rights needed, uint32_t flags, uint32_t path,
                     uint32_t path_len, uint32_t *err) {
  fd_entry *dir;
  guest_path p;
  *err = fd_get_dir(guest_fd_of(fd), needed, &dir);
  if (!*err && (flags & ~1u)) *err = ERRNO_INVAL;
  if (!*err) *err = read_guest_path(guest(path), path_len, &p);
  if (*err) return -1;
  int host = open_beneath(dir->host_fd, p.text, O_PATH | (flags & 1 ? 0 : O_NOFOLLOW), 0);
  if (host < 0) *err = resolve_errno(errno);
  return host;
}

uint32_t w_wasi_path_filestat_get(uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                                  uint32_t filestat_out) {
  if (!guest_bytes(guest(filestat_out), FILESTAT_SIZE)) return ERRNO_FAULT;
  uint32_t err;
  int host = open_path(fd, RIGHT_PATH_FILESTAT_GET, flags, path, path_len, &err);
  if (host < 0) return err;
  err = stat_into(host, filestat_out);
  close(host);
  return err;
}

uint32_t w_wasi_path_filestat_set_times(uint32_t fd, uint32_t flags, uint32_t path,
                                        uint32_t path_len, uint64_t atim, uint64_t mtim,
                                        uint32_t fst_flags) {
  struct timespec ts[2];
  uint32_t err = new_times(atim, mtim, fst_flags, ts);
  if (err) return err;
  int host = open_path(fd, RIGHT_PATH_FILESTAT_SET_TIMES, flags, path, path_len, &err);
  if (host < 0) return err;
  if (utimensat(host, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) err = w_wasi_errno(errno);
  close(host);
  return err;
}
