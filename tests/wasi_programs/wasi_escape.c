/* wasi_escape.c -- tries every way out of the preopened directory that a
 * guest has, and reports each; a line "escape ...: ok" or any "LEAK" line
 * is a hole in the sandbox.
 *
 * Descriptor 3 is the sandbox directory.  The host put in it, besides
 * inside.txt: abs_file and abs_dir, absolute symlinks to a secret file and
 * to the directory holding the sandbox; up_file and up_dir, relative ones
 * that climb out; proc_root and proc_fd, symlinks into /proc.  Descriptor 0
 * may be a directory outside, given as stdin.  With the argument "wait",
 * the program stops at the end until stdin is closed, so that the tests can
 * look at the process from outside. */
#include <stdlib.h>

#include "transcript.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* Opens `path` from `dir` (following symlinks) and, if that works, prints
 * what it finds: a LEAK unless the file is the sandbox's own. */
static void try_open(const char *label, __wasi_fd_t dir, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  unsigned e = __wasi_path_open(dir, FOLLOW, path, oflags, DIR_RIGHTS, ALL_RIGHTS, 0, &fd);
  report(label, e);
  if (e) return;
  char buf[128];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && n > 0) {
    buf[n] = '\0';
    printf("  LEAK read: %s\n", buf);
  }
  uint8_t dirbuf[1024];
  if (__wasi_fd_readdir(fd, dirbuf, sizeof dirbuf, 0, &n) == 0) {
    for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= n;) {
      __wasi_dirent_t d;
      memcpy(&d, dirbuf + at, sizeof d);
      if (at + sizeof d + d.d_namlen > n) break;
      printf("  LEAK entry: %.*s\n", (int)d.d_namlen, (const char *)dirbuf + at + sizeof d);
      at += sizeof d + d.d_namlen;
    }
  }
  (void)__wasi_fd_close(fd);
}

static void try_stat(const char *label, const char *path) {
  __wasi_filestat_t st;
  if (report(label, __wasi_path_filestat_get(SCRATCH, FOLLOW, path, &st)) == 0)
    printf("  LEAK stat: type=%u size=%llu\n", st.filetype, (unsigned long long)st.size);
}

static void try_readlink(const char *label, const char *path) {
  char buf[256];
  __wasi_size_t n;
  if (report(label, __wasi_path_readlink(SCRATCH, path, (uint8_t *)buf, sizeof buf, &n)) == 0)
    printf("  read link: %.*s\n", (int)n, buf);
}

int main(int argc, char **argv) {
  try_open("escape by ..", SCRATCH, "../secret.txt", 0);
  try_open("escape by a deeper ..", SCRATCH, "sub/../../secret.txt", 0);
  try_open("escape to the parent directory", SCRATCH, "..", __WASI_OFLAGS_DIRECTORY);
  try_open("escape by an absolute path", SCRATCH, "/secret.txt", 0);
  try_open("escape to the root", SCRATCH, "/", __WASI_OFLAGS_DIRECTORY);
  try_open("escape to /proc", SCRATCH, "/proc/self/root/etc/passwd", 0);
  try_open("escape by an absolute symlink", SCRATCH, "abs_file", 0);
  try_open("escape by an absolute symlink to a directory", SCRATCH, "abs_dir/secret.txt", 0);
  try_open("escape by a symlink up", SCRATCH, "up_file", 0);
  try_open("escape by a symlink to ..", SCRATCH, "up_dir/secret.txt", 0);
  try_open("escape by a symlink into /proc", SCRATCH, "proc_root/etc/passwd", 0);
  try_open("escape by a /proc magic link", SCRATCH, "proc_fd", 0);
  try_open("escape creating through ..", SCRATCH, "../created.txt", __WASI_OFLAGS_CREAT);
  try_open("escape truncating through a symlink", SCRATCH, "abs_file", __WASI_OFLAGS_TRUNC);

  T("make a symlink up three levels", __wasi_path_symlink("../../..", SCRATCH, "made_up"));
  try_open("escape by a symlink made by the guest", SCRATCH, "made_up/secret.txt", 0);
  T("make a symlink chain", __wasi_path_symlink("made_up", SCRATCH, "chain"));
  try_open("escape by a symlink chain", SCRATCH, "chain", __WASI_OFLAGS_DIRECTORY);
  T("make an absolute symlink", __wasi_path_symlink("/secret.txt", SCRATCH, "made_abs"));

  try_stat("escape by stat through ..", "../secret.txt");
  try_stat("escape by stat of an absolute symlink", "abs_file");
  try_stat("escape by stat of the parent", "..");
  try_readlink("read an absolute link (its text is inside)", "abs_file");
  try_readlink("escape by readlink through a trailing slash", "abs_dir/");
  try_readlink("escape by readlink through ..", "../secret.txt");

  T("escape by a hard link through ..", __wasi_path_link(SCRATCH, 0, "../secret.txt", SCRATCH, "stolen"));
  T("escape by a hard link through a symlinked directory",
    __wasi_path_link(SCRATCH, 0, "abs_dir/secret.txt", SCRATCH, "stolen"));
  T("escape by a hard link from a trailing slash", __wasi_path_link(SCRATCH, 0, "up_dir/", SCRATCH, "stolen"));
  T("hard link to a symlink (the link itself)", __wasi_path_link(SCRATCH, 0, "abs_file", SCRATCH, "linked_symlink"));
  try_open("escape by the hard-linked symlink", SCRATCH, "linked_symlink", 0);
  T("escape by a hard link placed outside", __wasi_path_link(SCRATCH, 0, "inside.txt", SCRATCH, "../planted"));

  T("escape by renaming out", __wasi_path_rename(SCRATCH, "inside.txt", SCRATCH, "../moved.txt"));
  T("escape by renaming in", __wasi_path_rename(SCRATCH, "../secret.txt", SCRATCH, "got.txt"));
  T("escape by renaming through a symlink", __wasi_path_rename(SCRATCH, "abs_dir/secret.txt", SCRATCH, "got.txt"));
  T("escape by making a directory outside", __wasi_path_create_directory(SCRATCH, "../made"));
  T("escape by removing outside", __wasi_path_remove_directory(SCRATCH, "../outside"));
  T("escape by unlinking outside", __wasi_path_unlink_file(SCRATCH, "../secret.txt"));
  T("escape by unlinking through a symlink", __wasi_path_unlink_file(SCRATCH, "abs_dir/secret.txt"));
  T("escape by a symlink placed outside", __wasi_path_symlink("x", SCRATCH, "../evil"));
  T("escape by setting times outside", __wasi_path_filestat_set_times(SCRATCH, FOLLOW, "abs_file", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

  /* Moving a directory while holding it: its `..` is still not a way out. */
  T("mkdir a", __wasi_path_create_directory(SCRATCH, "a"));
  T("mkdir a/b", __wasi_path_create_directory(SCRATCH, "a/b"));
  __wasi_fd_t b;
  T("open a/b", __wasi_path_open(SCRATCH, 0, "a/b", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, 0, &b));
  T("rename a to c", __wasi_path_rename(SCRATCH, "a", SCRATCH, "c"));
  try_open("escape from a moved directory", b, "../../../secret.txt", 0);
  try_open("escape from a moved directory to its parent", b, "..", __WASI_OFLAGS_DIRECTORY);
  T("close a/b", __wasi_fd_close(b));

  try_open("escape through stdin", 0, "secret.txt", 0);
  try_open("escape through stdin to itself", 0, ".", __WASI_OFLAGS_DIRECTORY);
  uint8_t buf[256];
  __wasi_size_t used;
  T("escape by listing stdin", __wasi_fd_readdir(0, buf, sizeof buf, 0, &used));
  for (__wasi_fd_t fd = 4; fd < 64; fd++) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0) printf("escape: descriptor %u is open\n", fd);
  }

  if (argc > 1 && strcmp(argv[1], "wait") == 0) {
    printf("waiting\n");
    fflush(stdout);
    __wasi_iovec_t iov = {buf, sizeof buf};
    while (__wasi_fd_read(0, &iov, 1, &used) == 0 && used > 0) {}
  }
  printf("done\n");
  return 0;
}
