/* transcript.h -- what the WASI test programs share.
 *
 * Each program calls WASI functions directly (wasi/api.h, or raw imports
 * where it must pass what the typed wrappers cannot: bad pointers, unknown
 * flags) and prints a transcript, one line per call: a label and the errno
 * by its witx name ("ok" for success), then any results worth comparing.
 * Results that differ from run to run (inode numbers, times) are printed as
 * facts about them ("same inode: yes").  The first preopen, descriptor 3,
 * is the scratch directory.
 */
#ifndef TRANSCRIPT_H
#define TRANSCRIPT_H

#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define SCRATCH 3

static const char *const errno_names[] = {
    "ok", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE",
    "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT",
    "NOSPC", "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT",
    "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV",
    "NOTCAPABLE",
};

static const char *errno_name(unsigned e) {
  return e < sizeof errno_names / sizeof *errno_names ? errno_names[e] : "?";
}

/* Prints "label: ERRNO" and returns the errno. */
static unsigned report(const char *label, unsigned e) {
  printf("%s: %s\n", label, errno_name(e));
  return e;
}

#define T(label, call) report(label, (call))

/* Line-buffered, so that a transcript is complete up to a crash. */
__attribute__((constructor)) static void transcript_line_buffered(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Opens `path` in `dir` with rights `r` (base and inheriting); -1 on error,
 * which is reported under `label`. */
static int open_at(const char *label, __wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                   __wasi_rights_t r, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd;
  unsigned e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, r, r,
                                fdflags, &fd);
  report(label, e);
  return e ? -1 : (int)fd;
}

/* Writes `text` to `fd`; returns the errno, and prints the count. */
static unsigned write_text(const char *label, __wasi_fd_t fd, const char *text) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n = 0;
  unsigned e = __wasi_fd_write(fd, &iov, 1, &n);
  printf("%s: %s %u\n", label, errno_name(e), (unsigned)n);
  return e;
}

/* Reads up to `size - 1` bytes from `fd` and prints them. */
static unsigned read_text(const char *label, __wasi_fd_t fd, size_t size) {
  char buf[256];
  if (size > sizeof buf) size = sizeof buf;
  __wasi_iovec_t iov = {(uint8_t *)buf, size - 1};
  __wasi_size_t n = 0;
  unsigned e = __wasi_fd_read(fd, &iov, 1, &n);
  buf[e ? 0 : n] = '\0';
  printf("%s: %s \"%s\"\n", label, errno_name(e), buf);
  return e;
}

/* Every right a file or directory can have; all but those that need a
 * file opened for writing (what a directory can be opened with). */
#define ALL_RIGHTS ((__wasi_rights_t)0x3fffffff)
#define DIR_RIGHTS                                                                    \
  (ALL_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |                \
                  __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))

#endif
