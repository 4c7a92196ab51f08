/* wasi_resolve.c -- the guest's paths: reading them from guest memory and
 * resolving them beneath a directory descriptor.
 *
 * Every resolution of a guest path goes through openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so the kernel, not a check on
 * the path's text, keeps it inside the directory it starts from: a path
 * cannot climb out with `..`, start from the root, or reach outside through
 * a symlink or a /proc magic link.  This holds in both sandbox modes; in
 * the namespace mode, the mount namespace (sandbox.c) is a second wall
 * around the same space.
 *
 * Operations on a path's last component (mkdir, unlink, rename, ...) open
 * the directory that holds it beneath the starting directory, then call
 * the *at function with a single name, which they do not follow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi_resolve.h"

/* ---- reading paths --------------------------------------------------- */

/* Whether s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF). */
static int valid_utf8(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n;) {
    uint8_t c = s[i];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || i + len > n) return 0;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += len;
  }
  return 1;
}

uint32_t read_guest_path(guest_ptr p, uint32_t len, guest_path *out) {
  const uint8_t *bytes = guest_bytes(p, len);
  if (!bytes) return ERRNO_FAULT;
  if (len >= sizeof out->text) return ERRNO_NAMETOOLONG;
  if (memchr(bytes, 0, len)) return ERRNO_INVAL;
  if (!valid_utf8(bytes, len)) return ERRNO_ILSEQ;
  memcpy(out->text, bytes, len);
  out->text[len] = '\0';
  return ERRNO_SUCCESS;
}

/* ---- resolving ------------------------------------------------------- */

int open_beneath(int dirfd, const char *path, int flags, mode_t mode) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  /* EAGAIN: a rename elsewhere raced with a `..`; the kernel asks to retry. */
  for (int attempt = 0; attempt < 64; attempt++) {
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) return (int)fd;
  }
  return -1;
}

uint32_t resolve_errno(int host_errno) {
  return host_errno == EXDEV ? ERRNO_PERM : w_wasi_errno(host_errno);
}

uint32_t resolve_parent(int dirfd, const char *path, parent_dir *out) {
  size_t end = strlen(path);
  if (end == 0) return ERRNO_NOENT;
  while (end > 0 && path[end - 1] == '/') end--;
  if (end == 0) return ERRNO_PERM; /* "/": the root, outside any directory */
  size_t start = end;
  while (start > 0 && path[start - 1] != '/') start--;

  const char *last = path + start;
  size_t last_len = end - start;
  int dots = (last_len == 1 && last[0] == '.') || (last_len == 2 && memcmp(last, "..", 2) == 0);
  *out = (parent_dir){.fd = dirfd, .owned = 0, .name = dots ? "." : last};
  if (dots) {
    /* The whole path names the directory. */
    out->fd = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0);
  } else if (start > 0) {
    guest_path dir;
    memcpy(dir.text, path, start);
    dir.text[start] = '\0';
    out->fd = open_beneath(dirfd, dir.text, O_PATH | O_DIRECTORY, 0);
  } else {
    return ERRNO_SUCCESS;
  }
  if (out->fd < 0) return resolve_errno(errno);
  out->owned = 1;
  return ERRNO_SUCCESS;
}

void close_parent(parent_dir *p) {
  if (p->owned) close(p->fd);
  p->owned = 0;
}

uint32_t check_trailing_slash(int dirfd, const char *path) {
  size_t n = strlen(path);
  if (n == 0 || path[n - 1] != '/') return ERRNO_SUCCESS;
  int fd = open_beneath(dirfd, path, O_PATH, 0);
  if (fd < 0) return resolve_errno(errno);
  close(fd);
  return ERRNO_SUCCESS;
}
