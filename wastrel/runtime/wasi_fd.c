/* wasi_fd.c -- WASI preview 1: the guest's descriptor table, and the
 * functions on descriptors themselves rather than on what they refer to
 * (close, renumber, fdstat, prestat).
 *
 * Descriptors 0, 1 and 2 are the host's stdio; the preopened directories
 * follow from 3, in the order of the command line, as in wasmtime.  A new
 * descriptor gets the lowest free number.
 *
 * Like wasmtime: stdin has no right to write and stdout and stderr none to
 * read, so that reading or writing the wrong way answers ERRNO_BADF, as
 * POSIX does; a pipe or terminal has no right to seek.  A stdio descriptor
 * that the host redirected to a regular file keeps the rights of a file
 * (seek, tell, ...), and a socket (inetd-style) both directions.  A stdio
 * descriptor never has the rights of a directory, even if the host made it
 * one: it is outside the sandbox.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi_fd.h"

static fd_entry *fds;
static uint32_t nfds;

void w_wasi_exchange_fds(void **table, uint32_t *count) {
  fd_entry *other = *table;
  uint32_t n = *count;
  *table = fds;
  *count = nfds;
  fds = other;
  nfds = n;
}

static fd_entry *fd_lookup(guest_fd fd) {
  return fd.index < nfds && fds[fd.index].host_fd >= 0 ? &fds[fd.index] : NULL;
}

uint32_t fd_get(guest_fd fd, rights needed, fd_entry **out) {
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  if ((e->base & needed) != needed) return ERRNO_NOTCAPABLE;
  *out = e;
  return ERRNO_SUCCESS;
}

uint32_t fd_get_dir(guest_fd fd, rights needed, fd_entry **out) {
  fd_entry *e = fd_lookup(fd);
  if (!e) return ERRNO_BADF;
  if (e->filetype != FILETYPE_DIRECTORY) return ERRNO_NOTDIR;
  return fd_get(fd, needed, out);
}

/* Puts `e` in the lowest free slot; returns its number. */
static guest_fd fd_add(fd_entry e) {
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
  return guest_fd_of(fd);
}

uint8_t filetype_of_mode(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return FILETYPE_REGULAR_FILE;
  case S_IFDIR: return FILETYPE_DIRECTORY;
  case S_IFBLK: return FILETYPE_BLOCK_DEVICE;
  case S_IFCHR: return FILETYPE_CHARACTER_DEVICE;
  case S_IFLNK: return FILETYPE_SYMBOLIC_LINK;
  case S_IFSOCK: return FILETYPE_SOCKET_STREAM; /* refined by host_filetype */
  default: return FILETYPE_UNKNOWN; /* FIFOs: preview 1 has no type for them */
  }
}

/* The WASI file type of a host descriptor. */
static uint8_t host_filetype(int host_fd) {
  struct stat st;
  if (fstat(host_fd, &st) != 0) return FILETYPE_UNKNOWN;
  uint8_t type = filetype_of_mode(st.st_mode);
  int socktype;
  socklen_t len = sizeof socktype;
  if (type == FILETYPE_SOCKET_STREAM &&
      getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &socktype, &len) == 0 && socktype == SOCK_DGRAM)
    type = FILETYPE_SOCKET_DGRAM;
  return type;
}

/* The rights that apply to a descriptor of this type. */
static rights applicable_rights(int host_fd, uint8_t filetype) {
  switch (filetype) {
  case FILETYPE_DIRECTORY: return RIGHTS_DIRECTORY;
  case FILETYPE_REGULAR_FILE:
  case FILETYPE_BLOCK_DEVICE: return RIGHTS_REGULAR_FILE;
  case FILETYPE_CHARACTER_DEVICE: /* /dev/null can seek, a terminal cannot */
    return lseek(host_fd, 0, SEEK_CUR) >= 0 ? RIGHTS_REGULAR_FILE : RIGHTS_STREAM;
  case FILETYPE_SOCKET_DGRAM:
  case FILETYPE_SOCKET_STREAM: return RIGHTS_SOCKET;
  case FILETYPE_SYMBOLIC_LINK: return 0;
  default: return RIGHTS_STREAM;
  }
}

guest_fd fd_install(int host_fd, rights base, rights inheriting, int readonly) {
  uint8_t type = host_filetype(host_fd);
  return fd_add((fd_entry){.host_fd = host_fd, .owned = 1, .filetype = type,
                           .base = base & applicable_rights(host_fd, type),
                           .inheriting = inheriting, .readonly = readonly});
}

void w_wasi_init_fds(void) {
  static const rights unwanted[3] = {
      RIGHT_FD_WRITE | RIGHT_FD_DATASYNC | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE,
      RIGHT_FD_READ, RIGHT_FD_READ};
  for (int fd = 0; fd < 3; fd++) {
    /* A closed stdio descriptor would be reused by the next open, and the
     * runtime's own messages would go there: hold it with /dev/null. */
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) {
      fputs("wastrel: cannot open /dev/null for a closed standard stream\n", stderr);
      exit(1);
    }
    uint8_t type = host_filetype(fd);
    int socket = type == FILETYPE_SOCKET_STREAM || type == FILETYPE_SOCKET_DGRAM;
    rights r = applicable_rights(fd, type) & (socket ? ~(rights)0 : ~unwanted[fd]);
    if (type == FILETYPE_DIRECTORY) r = 0;
    fd_add((fd_entry){.host_fd = fd, .owned = 0, .filetype = type, .base = r, .inheriting = r});
  }
}

void w_wasi_add_preopen(int host_fd, const char *guest_name, int readonly) {
  rights keep = readonly ? ~RIGHTS_CHANGING : ~(rights)0;
  rights asked_for = readonly ? RIGHT_FD_WRITE : 0; /* to be refused: see RIGHTS_CHANGING */
  char *name = strdup(guest_name);
  if (!name) {
    fputs("wastrel: out of memory\n", stderr);
    exit(1);
  }
  fd_add((fd_entry){.host_fd = host_fd, .owned = 1, .filetype = FILETYPE_DIRECTORY,
                    .base = RIGHTS_DIRECTORY & keep,
                    .inheriting = ((RIGHTS_DIRECTORY | RIGHTS_REGULAR_FILE) & keep) | asked_for,
                    .readonly = readonly, .preopen = name});
}

/* ---- close and renumber ---------------------------------------------- */

/* Empties a slot; returns the errno of closing its host descriptor. */
static uint32_t fd_release(fd_entry *e) {
  fd_entry closed = *e;
  *e = (fd_entry){.host_fd = -1};
  free(closed.preopen);
  fd_listing_free(closed.listing);
  /* The host's stdio stays open: the runtime still reports through it. */
  if (closed.owned && close(closed.host_fd) != 0 && errno != EINTR) return w_wasi_errno(errno);
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_close(uint32_t fd) {
  fd_entry *e = fd_lookup(guest_fd_of(fd));
  return e ? fd_release(e) : ERRNO_BADF;
}

uint32_t w_wasi_fd_renumber(uint32_t fd, uint32_t to) {
  fd_entry *from = fd_lookup(guest_fd_of(fd)), *target = fd_lookup(guest_fd_of(to));
  if (!from || !target) return ERRNO_BADF;
  if (from == target) return ERRNO_SUCCESS;
  fd_release(target); /* like dup2, an error closing the target is not reported */
  *target = *from;
  *from = (fd_entry){.host_fd = -1};
  return ERRNO_SUCCESS;
}

/* ---- fdstat ---------------------------------------------------------- */

/* The fdflags of a host descriptor (O_RSYNC is O_SYNC on Linux). */
static uint16_t host_fdflags(int fl) {
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= FDFLAGS_APPEND;
  if (fl & O_NONBLOCK) flags |= FDFLAGS_NONBLOCK;
  if (fl & O_DSYNC) flags |= FDFLAGS_DSYNC;
  if ((fl & O_SYNC) == O_SYNC) flags |= FDFLAGS_SYNC | FDFLAGS_RSYNC;
  return flags;
}

/* fdstat: {u8 filetype, u16 flags at 2, u64 rights_base at 8,
 *          u64 rights_inheriting at 16}, 24 bytes. */
uint32_t w_wasi_fd_fdstat_get(uint32_t fd, uint32_t fdstat_out) {
  fd_entry *e = fd_lookup(guest_fd_of(fd));
  if (!e) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(fdstat_out), 24);
  if (!out) return ERRNO_FAULT;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return w_wasi_errno(errno);
  memset(out, 0, 24);
  out[0] = e->filetype;
  put_u16(out + 2, host_fdflags(fl));
  put_u64(out + 8, e->base);
  put_u64(out + 16, e->inheriting);
  return ERRNO_SUCCESS;
}

/* Only append and nonblock can change on Linux (F_SETFL ignores the
 * synchronized-I/O flags), so asking for another sync mode is NOTSUP. */
uint32_t w_wasi_fd_fdstat_set_flags(uint32_t fd, uint32_t flags) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_FDSTAT_SET_FLAGS, &e);
  if (err) return err;
  if (flags & ~FDFLAGS_ALL) return ERRNO_INVAL;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return w_wasi_errno(errno);
  const uint16_t sync = FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC;
  if ((flags & sync) != (host_fdflags(fl) & sync)) return ERRNO_NOTSUP;
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & FDFLAGS_APPEND) fl |= O_APPEND;
  if (flags & FDFLAGS_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(e->host_fd, F_SETFL, fl) != 0) return w_wasi_errno(errno);
  return ERRNO_SUCCESS;
}

/* Rights can only be given up. */
uint32_t w_wasi_fd_fdstat_set_rights(uint32_t fd, uint64_t fs_rights_base,
                                     uint64_t fs_rights_inheriting) {
  fd_entry *e = fd_lookup(guest_fd_of(fd));
  if (!e) return ERRNO_BADF;
  if ((fs_rights_base & ~e->base) || (fs_rights_inheriting & ~e->inheriting))
    return ERRNO_NOTCAPABLE;
  e->base = fs_rights_base;
  e->inheriting = fs_rights_inheriting;
  return ERRNO_SUCCESS;
}

/* ---- prestat --------------------------------------------------------- */

/* prestat: {u8 tag (0: dir), u32 pr_name_len at 4}, 8 bytes. */
uint32_t w_wasi_fd_prestat_get(uint32_t fd, uint32_t prestat_out) {
  fd_entry *e = fd_lookup(guest_fd_of(fd));
  if (!e || !e->preopen) return ERRNO_BADF;
  uint8_t *out = guest_bytes(guest(prestat_out), 8);
  if (!out) return ERRNO_FAULT;
  memset(out, 0, 8);
  put_u32(out + 4, (uint32_t)strlen(e->preopen));
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_prestat_dir_name(uint32_t fd, uint32_t path, uint32_t path_len) {
  fd_entry *e = fd_lookup(guest_fd_of(fd));
  if (!e || !e->preopen) return ERRNO_BADF;
  size_t n = strlen(e->preopen);
  if (n > path_len) return ERRNO_NAMETOOLONG;
  uint8_t *out = guest_bytes(guest(path), n);
  if (!out) return ERRNO_FAULT;
  memcpy(out, e->preopen, n); /* not NUL-terminated */
  return ERRNO_SUCCESS;
}
