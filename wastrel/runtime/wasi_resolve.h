/* wasi_resolve.h -- resolving the guest's paths, confined beneath the
 * directory descriptor they are relative to (wasi_resolve.c). */
#ifndef WASTREL_WASI_RESOLVE_H
#define WASTREL_WASI_RESOLVE_H

#include <limits.h>
#include <sys/types.h>

#include "wasi_guest.h"

/* A path from the guest, NUL-terminated. */
typedef struct guest_path {
  char text[PATH_MAX];
} guest_path;

/* Copies the guest's string [p, p + len) into *out: ERRNO_FAULT outside
 * the memory, ERRNO_INVAL if it holds a NUL, ERRNO_ILSEQ if it is not
 * UTF-8, ERRNO_NAMETOOLONG if it does not fit. */
uint32_t read_guest_path(guest_ptr p, uint32_t len, guest_path *out);

/* openat(dirfd, path, flags, mode), resolved beneath dirfd by the kernel:
 * an absolute path, a `..` above dirfd, an absolute symlink or one that
 * leads above dirfd, and /proc's magic links all fail (errno EXDEV or
 * ELOOP).  Returns the descriptor, or -1 with errno set. */
int open_beneath(int dirfd, const char *path, int flags, mode_t mode);

/* The WASI errno for a failed resolution: escaping is ERRNO_PERM, as in
 * wasmtime. */
uint32_t resolve_errno(int host_errno);

/* The directory holding a path's last component, and that component, for
 * the *at calls that act on it without following it (mkdirat, unlinkat,
 * renameat, linkat, symlinkat, readlinkat).  `name` is a single component,
 * with the path's trailing slashes, and never "." or "..": for a path that
 * ends in one of those, `fd` is the directory the whole path names and
 * `name` is ".", so that the call fails as it would on that directory. */
typedef struct parent_dir {
  int fd;
  int owned; /* fd was opened for this and is closed by close_parent */
  const char *name;
} parent_dir;

uint32_t resolve_parent(int dirfd, const char *path, parent_dir *out);
void close_parent(parent_dir *p);

/* The kernel follows a last component written with a trailing slash even
 * where it otherwise would not (readlinkat, linkat's source).  Before such
 * a call, this resolves the whole path beneath dirfd: its failure is the
 * answer; success means that following stays inside. */
uint32_t check_trailing_slash(int dirfd, const char *path);

#endif
