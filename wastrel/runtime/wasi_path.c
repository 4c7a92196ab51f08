/* wasi_path.c -- WASI preview 1: the functions that name files by path
 * (path_open, path_create_directory, path_remove_directory,
 * path_unlink_file, path_rename, path_link, path_symlink, path_readlink;
 * the path_filestat_* functions are in wasi_filestat.c).
 *
 * Each path is relative to a directory descriptor, which must hold the
 * right the function needs, and is resolved beneath it (wasi_resolve.c).
 * Beyond that, the host kernel decides: trailing slashes, dangling
 * symlinks, symlink loops, O_DIRECTORY on a file, renaming over
 * directories, all behave as Linux makes them, which is what the
 * established runtimes report on Linux too.  The exceptions follow
 * wasmtime: path_link does not follow symlinks (ERRNO_INVAL if asked to),
 * a symlink may not hold an absolute path (ERRNO_PERM), and path_open
 * rejects O_DIRECTORY with O_CREAT or O_TRUNC (ERRNO_INVAL).
 *
 * path_open opens a file for reading if the rights asked for include
 * fd_read or fd_readdir, for writing if they include fd_write, fd_allocate
 * or fd_filestat_set_size (which need it on Linux); the new descriptor
 * gets the rights asked for that the directory can pass on and that apply
 * to what was opened.  In a read-only preopen's tree, asking for fd_write,
 * O_CREAT or O_TRUNC is ERRNO_PERM before the path is even looked at, as in
 * wasmtime: `fopen(path, "w")`, `open(path, O_WRONLY)` or `O_RDWR` fail
 * there instead of giving a descriptor that cannot write.  (fd_allocate and
 * fd_filestat_set_size asked for without fd_write are dropped, as there,
 * and the file is opened for reading.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "wasi_fd.h"
#include "wasi_resolve.h"

enum { LOOKUP_SYMLINK_FOLLOW = 1 };
enum { OFLAGS_CREAT = 1, OFLAGS_DIRECTORY = 2, OFLAGS_EXCL = 4, OFLAGS_TRUNC = 8 };

/* Looks up the directory `fd` with `needed` and reads `path` into *out. */
static uint32_t dir_and_path(uint32_t fd, rights needed, uint32_t path, uint32_t path_len,
                             fd_entry **dir, guest_path *out) {
  uint32_t err = fd_get_dir(guest_fd_of(fd), needed, dir);
  return err ? err : read_guest_path(guest(path), path_len, out);
}

/* Runs `op` on the last component of a path in directory `fd`. */
static uint32_t on_last_component(uint32_t fd, rights needed, uint32_t path, uint32_t path_len,
                                  int (*op)(int dirfd, const char *name)) {
  fd_entry *dir;
  guest_path p;
  parent_dir parent;
  uint32_t err = dir_and_path(fd, needed, path, path_len, &dir, &p);
  if (!err) err = resolve_parent(dir->host_fd, p.text, &parent);
  if (err) return err;
  if (op(parent.fd, parent.name) != 0) err = w_wasi_errno(errno);
  close_parent(&parent);
  return err;
}

/* ---- path_open ------------------------------------------------------- */

/* The host open flags for a path_open. */
static int open_flags(uint32_t dirflags, uint32_t oflags, uint32_t fdflags, rights base) {
  int read = (base & (RIGHT_FD_READ | RIGHT_FD_READDIR)) != 0;
  int write = (base & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)) != 0;
  int flags = (write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY) | O_NOCTTY;
  if (!(dirflags & LOOKUP_SYMLINK_FOLLOW)) flags |= O_NOFOLLOW;
  if (oflags & OFLAGS_CREAT) flags |= O_CREAT;
  if (oflags & OFLAGS_DIRECTORY) flags |= O_DIRECTORY;
  if (oflags & OFLAGS_EXCL) flags |= O_EXCL;
  if (oflags & OFLAGS_TRUNC) flags |= O_TRUNC;
  if (fdflags & FDFLAGS_APPEND) flags |= O_APPEND;
  if (fdflags & FDFLAGS_DSYNC) flags |= O_DSYNC;
  if (fdflags & FDFLAGS_NONBLOCK) flags |= O_NONBLOCK;
  if (fdflags & (FDFLAGS_RSYNC | FDFLAGS_SYNC)) flags |= O_SYNC;
  return flags;
}

/* The rights path_open needs on the directory: its base rights, and the
 * inheriting rights that the synchronized-I/O flags stand for. */
static uint32_t check_open_rights(const fd_entry *dir, uint32_t oflags, uint32_t fdflags) {
  rights base = RIGHT_PATH_OPEN, inheriting = 0;
  if (oflags & OFLAGS_CREAT) base |= RIGHT_PATH_CREATE_FILE;
  if (oflags & OFLAGS_TRUNC) base |= RIGHT_PATH_FILESTAT_SET_SIZE;
  if (fdflags & FDFLAGS_DSYNC) inheriting |= RIGHT_FD_DATASYNC;
  if (fdflags & (FDFLAGS_RSYNC | FDFLAGS_SYNC)) inheriting |= RIGHT_FD_SYNC;
  if ((dir->base & base) != base || (dir->inheriting & inheriting) != inheriting)
    return ERRNO_NOTCAPABLE;
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_path_open(uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                          uint32_t oflags, uint64_t fs_rights_base,
                          uint64_t fs_rights_inheriting, uint32_t fdflags, uint32_t fd_out) {
  fd_entry *dir;
  uint32_t err = fd_get_dir(guest_fd_of(fd), 0, &dir);
  if (err) return err;
  if ((dirflags & ~LOOKUP_SYMLINK_FOLLOW) || (oflags & ~0xfu) || (fdflags & ~FDFLAGS_ALL))
    return ERRNO_INVAL;
  if ((oflags & OFLAGS_DIRECTORY) && (oflags & (OFLAGS_CREAT | OFLAGS_TRUNC))) return ERRNO_INVAL;
  if (dir->readonly && ((fs_rights_base & RIGHT_FD_WRITE) || (oflags & (OFLAGS_CREAT | OFLAGS_TRUNC))))
    return ERRNO_PERM;
  if ((err = check_open_rights(dir, oflags, fdflags))) return err;
  uint8_t *out = guest_bytes(guest(fd_out), 4);
  if (!out) return ERRNO_FAULT;
  guest_path p;
  if ((err = read_guest_path(guest(path), path_len, &p))) return err;

  rights base = fs_rights_base & dir->inheriting;
  rights inheriting = fs_rights_inheriting & dir->inheriting;
  if (dir->readonly) base &= ~RIGHTS_CHANGING; /* fd_write, in particular, is never passed on */
  int readonly = dir->readonly;
  int host = open_beneath(dir->host_fd, p.text, open_flags(dirflags, oflags, fdflags, base), 0666);
  if (host < 0) return resolve_errno(errno);
  put_u32(out, fd_install(host, base, inheriting, readonly).index); /* dir is stale from here */
  return ERRNO_SUCCESS;
}

/* ---- directories and names ------------------------------------------- */

static int make_directory(int dirfd, const char *name) { return mkdirat(dirfd, name, 0777); }
static int remove_directory(int dirfd, const char *name) { return unlinkat(dirfd, name, AT_REMOVEDIR); }
static int unlink_file(int dirfd, const char *name) { return unlinkat(dirfd, name, 0); }

uint32_t w_wasi_path_create_directory(uint32_t fd, uint32_t path, uint32_t path_len) {
  return on_last_component(fd, RIGHT_PATH_CREATE_DIRECTORY, path, path_len, make_directory);
}

uint32_t w_wasi_path_remove_directory(uint32_t fd, uint32_t path, uint32_t path_len) {
  return on_last_component(fd, RIGHT_PATH_REMOVE_DIRECTORY, path, path_len, remove_directory);
}

uint32_t w_wasi_path_unlink_file(uint32_t fd, uint32_t path, uint32_t path_len) {
  return on_last_component(fd, RIGHT_PATH_UNLINK_FILE, path, path_len, unlink_file);
}

/* The two ends of a rename or link: each a directory descriptor with its
 * right, and a path. */
typedef struct two_paths {
  fd_entry *dir[2];
  guest_path path[2];
  parent_dir parent[2];
} two_paths;

static uint32_t resolve_two(two_paths *t, const uint32_t fd[2], const rights needed[2],
                            const uint32_t path[2], const uint32_t len[2]) {
  uint32_t err = ERRNO_SUCCESS;
  for (int i = 0; i < 2 && !err; i++) err = fd_get_dir(guest_fd_of(fd[i]), needed[i], &t->dir[i]);
  for (int i = 0; i < 2 && !err; i++) err = read_guest_path(guest(path[i]), len[i], &t->path[i]);
  if (err) return err;
  if ((err = resolve_parent(t->dir[0]->host_fd, t->path[0].text, &t->parent[0]))) return err;
  if ((err = resolve_parent(t->dir[1]->host_fd, t->path[1].text, &t->parent[1])))
    close_parent(&t->parent[0]);
  return err;
}

static void close_two(two_paths *t) {
  close_parent(&t->parent[0]);
  close_parent(&t->parent[1]);
}

uint32_t w_wasi_path_rename(uint32_t fd, uint32_t old_path, uint32_t old_path_len,
                            uint32_t new_fd, uint32_t new_path, uint32_t new_path_len) {
  two_paths t;
  uint32_t err = resolve_two(&t, (uint32_t[2]){fd, new_fd},
                             (rights[2]){RIGHT_PATH_RENAME_SOURCE, RIGHT_PATH_RENAME_TARGET},
                             (uint32_t[2]){old_path, new_path},
                             (uint32_t[2]){old_path_len, new_path_len});
  if (err) return err;
  if (renameat(t.parent[0].fd, t.parent[0].name, t.parent[1].fd, t.parent[1].name) != 0)
    err = w_wasi_errno(errno);
  close_two(&t);
  return err;
}

uint32_t w_wasi_path_link(uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                          uint32_t new_path_len) {
  if (old_flags != 0) return ERRNO_INVAL; /* only no-follow is supported, as in wasmtime */
  two_paths t;
  uint32_t err = resolve_two(&t, (uint32_t[2]){old_fd, new_fd},
                             (rights[2]){RIGHT_PATH_LINK_SOURCE, RIGHT_PATH_LINK_TARGET},
                             (uint32_t[2]){old_path, new_path},
                             (uint32_t[2]){old_path_len, new_path_len});
  if (err) return err;
  err = check_trailing_slash(t.dir[0]->host_fd, t.path[0].text);
  if (!err && linkat(t.parent[0].fd, t.parent[0].name, t.parent[1].fd, t.parent[1].name, 0) != 0)
    err = w_wasi_errno(errno);
  close_two(&t);
  return err;
}

/* ---- symlinks -------------------------------------------------------- */

uint32_t w_wasi_path_symlink(uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                             uint32_t new_path, uint32_t new_path_len) {
  fd_entry *dir;
  guest_path target, p;
  parent_dir parent;
  uint32_t err = dir_and_path(fd, RIGHT_PATH_SYMLINK, new_path, new_path_len, &dir, &p);
  if (!err) err = read_guest_path(guest(old_path), old_path_len, &target);
  if (err) return err;
  if (target.text[0] == '/') return ERRNO_PERM;
  if ((err = resolve_parent(dir->host_fd, p.text, &parent))) return err;
  if (symlinkat(target.text, parent.fd, parent.name) != 0) err = w_wasi_errno(errno);
  close_parent(&parent);
  return err;
}

/* A link longer than buf_len is cut to it, as readlink(2) does. */
uint32_t w_wasi_path_readlink(uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused_out) {
  fd_entry *dir;
  guest_path p;
  parent_dir parent;
  uint32_t err = dir_and_path(fd, RIGHT_PATH_READLINK, path, path_len, &dir, &p);
  if (err) return err;
  uint8_t *to = guest_bytes(guest(buf), buf_len), *out = guest_bytes(guest(bufused_out), 4);
  if (!to || !out) return ERRNO_FAULT;
  if ((err = check_trailing_slash(dir->host_fd, p.text))) return err;
  if ((err = resolve_parent(dir->host_fd, p.text, &parent))) return err;
  char link[PATH_MAX];
  ssize_t n = readlinkat(parent.fd, parent.name, link, sizeof link);
  close_parent(&parent);
  if (n < 0) return w_wasi_errno(errno);
  size_t used = (size_t)n < buf_len ? (size_t)n : buf_len;
  memcpy(to, link, used);
  put_u32(out, (uint32_t)used);
  return ERRNO_SUCCESS;
}
