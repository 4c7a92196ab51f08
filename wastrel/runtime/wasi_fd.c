/* wasi_fd.c -- WASI preview 1: the guest's file descriptors and the
 * functions on them that this stage implements (read, write, seek, tell,
 * close, fdstat, prestat).
 *
 * The guest's descriptors are indices into a table of host descriptors,
 * each with its WASI file type, its rights, and, for a preopened directory,
 * the name the guest sees.  For now the table holds only 0, 1 and 2, on
 * the host's stdio; preopens and path_open will add entries.
 *
 * Like wasmtime: stdin has only the right to read, stdout and stderr only
 * to write; reading or writing without the right answers ERRNO_BADF, as
 * POSIX does.  Unlike wasmtime, a stdio descriptor the host redirected to a
 * seekable file keeps the right to seek; seeking one that is not seekable
 * (a pipe, a terminal) answers ERRNO_SPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi_guest.h"

enum filetype {
  FILETYPE_UNKNOWN, FILETYPE_BLOCK_DEVICE, FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE, FILETYPE_SOCKET_DGRAM, FILETYPE_SOCKET_STREAM, FILETYPE_SYMBOLIC_LINK,
};

enum fdflags {
  FDFLAGS_APPEND = 1 << 0, FDFLAGS_DSYNC = 1 << 1, FDFLAGS_NONBLOCK = 1 << 2,
  FDFLAGS_RSYNC = 1 << 3, FDFLAGS_SYNC = 1 << 4,
};

typedef struct fd_entry {
  int host_fd;                /* -1: the slot is free */
  int owned;                  /* the host descriptor is closed with this one */
  uint8_t filetype;
  uint64_t rights_base;
  uint64_t rights_inheriting;
  const char *preopen;        /* a preopened directory's guest name, else NULL */
} fd_entry;

static fd_entry *fds;
static uint32_t nfds;

static fd_entry *fd_lookup(uint32_t fd) {
  return fd < nfds && fds[fd].host_fd >= 0 ? &fds[fd] : NULL;
}

/* Puts `e` in the lowest free slot; returns its number. */
static uint32_t fd_add(fd_entry e) {
  uint32_t fd = 0;
  while (fd < nfds && fds[fd].host_fd >= 0) fd++;
  if (fd == nfds) {
    fd_entry *grown = realloc(fds, (nfds + 1) * sizeof *fds);
    if (!grown) {
      fputs("wastrel: out of memory\n", stderr);
      exit(1);
    }
    fds = grown;
    nfds++;
  }
  fds[fd] = e;
  return fd;
}

/* The WASI file type of a host descriptor (preview 1 has none for FIFOs:
 * they are `unknown`, as in wasmtime). */
static uint8_t host_filetype(int host_fd) {
  struct stat st;
  if (fstat(host_fd, &st) != 0) return FILETYPE_UNKNOWN;
  switch (st.st_mode & S_IFMT) {
  case S_IFREG: return FILETYPE_REGULAR_FILE;
  case S_IFDIR: return FILETYPE_DIRECTORY;
  case S_IFBLK: return FILETYPE_BLOCK_DEVICE;
  case S_IFCHR: return FILETYPE_CHARACTER_DEVICE;
  case S_IFLNK: return FILETYPE_SYMBOLIC_LINK;
  case S_IFSOCK: {
    int type;
    socklen_t len = sizeof type;
    if (getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
      return FILETYPE_SOCKET_DGRAM;
    return FILETYPE_SOCKET_STREAM;
  }
  default: return FILETYPE_UNKNOWN;
  }
}

void w_wasi_init_fds(void) {
  static const uint64_t stdio_rights[3] = {
      RIGHT_FD_READ | RIGHT_POLL_FD_READWRITE,
      RIGHT_FD_WRITE | RIGHT_POLL_FD_READWRITE,
      RIGHT_FD_WRITE | RIGHT_POLL_FD_READWRITE,
  };
  for (int fd = 0; fd < 3; fd++) {
    uint64_t rights = stdio_rights[fd];
    if (lseek(fd, 0, SEEK_CUR) >= 0) rights |= RIGHT_FD_SEEK | RIGHT_FD_TELL;
    fd_add((fd_entry){.host_fd = fd, .owned = 0, .filetype = host_filetype(fd),
                      .rights_base = rights, .rights_inheriting = rights});
  }
}

/* ---- reading and writing --------------------------------------------- */

/* Linux's IOV_MAX.  A guest may pass more buffers; a transfer through the
 * first IOV_LIMIT of them is a valid short read or write. */
#define IOV_LIMIT 1024

/* Translates the guest's array of `len` iovecs (or ciovecs: same layout,
 * {u32 buf, u32 buf_len}) at `iovs` into host iovecs, after checking the
 * array and every buffer.  Returns the errno; sets *count. */
static uint32_t host_iovecs(guest_ptr iovs, uint32_t len, struct iovec *host, int *count) {
  const uint8_t *array = guest_bytes(iovs, (uint64_t)len * 8);
  if (!array) return ERRNO_FAULT;
  *count = 0;
  for (uint32_t i = 0; i < len; i++) {
    uint32_t buf_len = get_u32(array + 8 * (size_t)i + 4);
    uint8_t *buf = guest_bytes(guest(get_u32(array + 8 * (size_t)i)), buf_len);
    if (!buf) return ERRNO_FAULT;
    if (i < IOV_LIMIT) host[(*count)++] = (struct iovec){.iov_base = buf, .iov_len = buf_len};
  }
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_write(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out) {
  fd_entry *e = fd_lookup(fd);
  if (!e || !(e->rights_base & RIGHT_FD_WRITE)) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(nwritten_out), 4);
  if (!out) return ERRNO_FAULT;
  struct iovec host[IOV_LIMIT];
  int count;
  uint32_t err = host_iovecs(guest(iovs), iovs_len, host, &count);
  if (err) return err;
  ssize_t n = writev(e->host_fd, host, count);
  if (n < 0) return w_wasi_errno(errno);
  put_u32(out, (uint32_t)n);
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_read(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out) {
  fd_entry *e = fd_lookup(fd);
  if (!e || !(e->rights_base & RIGHT_FD_READ)) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(nread_out), 4);
  if (!out) return ERRNO_FAULT;
  struct iovec host[IOV_LIMIT];
  int count;
  uint32_t err = host_iovecs(guest(iovs), iovs_len, host, &count);
  if (err) return err;
  ssize_t n = readv(e->host_fd, host, count);
  if (n < 0) return w_wasi_errno(errno);
  put_u32(out, (uint32_t)n);
  return ERRNO_SUCCESS;
}

/* ---- offsets --------------------------------------------------------- */

uint32_t w_wasi_fd_seek(uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_out) {
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  if (whence > 2) return ERRNO_INVAL;
  if (!(e->rights_base & RIGHT_FD_SEEK)) return ERRNO_SPIPE;
  uint8_t *out = guest_bytes(guest(newoffset_out), 8);
  if (!out) return ERRNO_FAULT;
  off_t pos = lseek(e->host_fd, (off_t)offset, host_whence[whence]);
  if (pos < 0) return w_wasi_errno(errno);
  put_u64(out, (uint64_t)pos);
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_tell(uint32_t fd, uint32_t offset_out) {
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  if (!(e->rights_base & RIGHT_FD_TELL)) return ERRNO_SPIPE;
  uint8_t *out = guest_bytes(guest(offset_out), 8);
  if (!out) return ERRNO_FAULT;
  off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return w_wasi_errno(errno);
  put_u64(out, (uint64_t)pos);
  return ERRNO_SUCCESS;
}

/* ---- descriptors ----------------------------------------------------- */

uint32_t w_wasi_fd_close(uint32_t fd) {
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  fd_entry closed = *e;
  *e = (fd_entry){.host_fd = -1};
  /* The host's stdio stays open: the runtime still reports through it. */
  if (closed.owned && close(closed.host_fd) != 0) return w_wasi_errno(errno);
  return ERRNO_SUCCESS;
}

/* fdstat: {u8 filetype, u16 flags at 2, u64 rights_base at 8,
 *          u64 rights_inheriting at 16}, 24 bytes. */
uint32_t w_wasi_fd_fdstat_get(uint32_t fd, uint32_t fdstat_out) {
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(fdstat_out), 24);
  if (!out) return ERRNO_FAULT;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return w_wasi_errno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= FDFLAGS_APPEND;
  if (fl & O_NONBLOCK) flags |= FDFLAGS_NONBLOCK;
  if (fl & O_DSYNC) flags |= FDFLAGS_DSYNC;
  if ((fl & O_SYNC) == O_SYNC) flags |= FDFLAGS_SYNC | FDFLAGS_RSYNC; /* O_RSYNC == O_SYNC */
  memset(out, 0, 24);
  out[0] = e->filetype;
  memcpy(out + 2, &flags, 2);
  put_u64(out + 8, e->rights_base);
  put_u64(out + 16, e->rights_inheriting);
  return ERRNO_SUCCESS;
}

/* prestat: {u8 tag (0: dir), u32 pr_name_len at 4}, 8 bytes. */
uint32_t w_wasi_fd_prestat_get(uint32_t fd, uint32_t prestat_out) {
  fd_entry *e = fd_lookup(fd);
  if (!e || !e->preopen) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(prestat_out), 8);
  if (!out) return ERRNO_FAULT;
  memset(out, 0, 8);
  put_u32(out + 4, (uint32_t)strlen(e->preopen));
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_prestat_dir_name(uint32_t fd, uint32_t path, uint32_t path_len) {
  fd_entry *e = fd_lookup(fd);
  if (!e || !e->preopen) return ERRNO_BADF;
  size_t n = strlen(e->preopen);
  if (n > path_len) return ERRNO_NAMETOOLONG;
  uint8_t *out = guest_bytes(guest(path), n);
  if (!out) return ERRNO_FAULT;
  memcpy(out, e->preopen, n); /* not NUL-terminated */
  return ERRNO_SUCCESS;
}
