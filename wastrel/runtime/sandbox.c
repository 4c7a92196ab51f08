/* sandbox.c -- confining the program to its preopened directories.
 *
 * In the namespace mode (the default), before the Wasm thread starts, the
 * process enters a new mount namespace (and a new user namespace when it
 * is not root, with its own uid and gid mapped to themselves), makes every
 * mount private, and builds a new root: an empty tmpfs, made read-only,
 * holding only the preopened directories, each bind-mounted (recursively,
 * and read-only if asked) at its guest path.  It then pivots into that
 * root and detaches the old one: nothing else of the host's filesystem
 * exists for the process.  A preopen is found at its guest path there
 * (relative ones, like ".", as if from "/"); see build_root for preopens
 * at "/" and inside one another.
 *
 * In the beneath mode (--sandbox=beneath), for hosts without namespaces,
 * there is no new root: the preopens are opened where they are, and only
 * openat2(RESOLVE_BENEATH) confines the guest's paths (wasi_resolve.c),
 * which it does in both modes.
 *
 * Either way, descriptors inherited from the parent are closed, the
 * process keeps no capability but root's file access ones (chown,
 * dac_override, fowner, fsetid), and no_new_privs is set.  Without
 * preopens nothing is done: no descriptor can reach a file system.  When
 * the sandbox cannot be built, the program says why in one line and exits
 * with status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static _Noreturn void fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("wastrel: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

/* The one-line refusal when the kernel will not build the sandbox. */
static _Noreturn void unavailable(const char *what) {
  fail("cannot build the filesystem sandbox: %s: %s (namespaces are not available here); "
       "--sandbox=beneath confines paths with openat2(RESOLVE_BENEATH) instead",
       what, strerror(errno));
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
  if (n != (ssize_t)strlen(text)) unavailable(path);
  close(fd);
}

/* Enters a new mount namespace whose mounts do not propagate back to the
 * host, and a new user namespace first unless root may do without (root in
 * a container may lack CAP_SYS_ADMIN and need one too). */
static void enter_namespaces(void) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (uid != 0 || unshare(CLONE_NEWNS) != 0) {
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) unavailable("unshare(CLONE_NEWUSER|CLONE_NEWNS)");
    char map[64];
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
    write_file("/proc/self/gid_map", map);
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) unavailable("making mounts private");
}

/* A preopen's guest path as a path below the new root ("" for the root). */
static char *mount_path(const char *guest) {
  char *out = calloc(strlen(guest) + 1, 1), *end = out;
  if (!out) fail("out of memory");
  for (const char *s = guest; *s;) {
    size_t n = strcspn(s, "/");
    if (n == 2 && s[0] == '.' && s[1] == '.') {
      while (end > out && *--end != '/') {}
      *end = '\0';
    } else if (n > 0 && !(n == 1 && s[0] == '.')) {
      if (end > out) *end++ = '/';
      memcpy(end, s, n);
      end += n;
      *end = '\0';
    }
    s += n + (s[n] == '/');
  }
  return out;
}

/* Makes the directory `path` below `root` in the sandbox's own tmpfs
 * (and its parents), before anything is mounted there; returns it. */
static int make_mount_point(int root, const char *path, const char *option) {
  int dir = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (const char *s = path; *s && dir >= 0;) {
    size_t n = strcspn(s, "/");
    char name[NAME_MAX + 1];
    int next = -1;
    errno = ENAMETOOLONG;
    if (n <= NAME_MAX) {
      snprintf(name, sizeof name, "%.*s", (int)n, s);
      if (mkdirat(dir, name, 0755) == 0 || errno == EEXIST)
        next = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    close(dir);
    dir = next;
    s += n + (s[n] == '/');
  }
  if (dir < 0) fail("%s: cannot be shown at /%s: %s", option, path, strerror(errno));
  return dir;
}

/* A private, recursive copy of the host directory's mount tree. */
static int clone_tree(const w_preopen *p) {
  int host = open(p->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (host < 0) fail("%s: %s", p->option, strerror(errno));
  int tree = open_tree(host, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | OPEN_TREE_CLOEXEC);
  if (tree < 0) unavailable("open_tree");
  struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
  if (p->readonly && mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) != 0)
    unavailable("mount_setattr(MOUNT_ATTR_RDONLY)");
  close(host);
  return tree;
}

/* A fresh tmpfs, detached. */
static int new_tmpfs(void) {
  int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) != 0 ||
      fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0)
    unavailable("creating a tmpfs");
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0) unavailable("fsmount");
  close(fs);
  return mnt;
}

static void attach(int tree, int target, const char *what) {
  if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
    unavailable(what);
}

/* Builds the new root, mounts the preopens in it and pivots into it;
 * host_fds[i] gets preopen i's directory.
 *
 * If every preopen is at "/", the (first) one is the root.  Otherwise the
 * root is a tmpfs of our own, in which every mount point is made before
 * anything is mounted, so that none is ever made in a host directory; a
 * preopen at "/" is then mounted over the tmpfs's root (where it holds,
 * unseen by absolute paths, which the guest cannot use anyway), and one
 * inside another's path is mounted beneath that one, which therefore
 * still shows its host directory, as in wasmtime.  Everything mounted
 * stays inside the new root: no descriptor the program keeps refers to
 * the old one, which is detached. */
static void build_root(const w_preopen *preopens, int n, int *host_fds) {
  int *trees = calloc((size_t)n, sizeof *trees), *points = calloc((size_t)n, sizeof *points);
  char **paths = calloc((size_t)n, sizeof *paths);
  if (!trees || !points || !paths) fail("out of memory");
  int all_at_root = 1;
  for (int i = 0; i < n; i++) {
    trees[i] = clone_tree(&preopens[i]);
    paths[i] = mount_path(preopens[i].guest);
    all_at_root &= paths[i][0] == '\0';
  }
  int root = all_at_root ? trees[0] : new_tmpfs();
  for (int i = 0; i < n; i++) points[i] = make_mount_point(root, paths[i], preopens[i].option);

  /* The root is mounted over the first host directory: any place would do,
   * nobody sees it, and it goes with the old root. */
  int base = open(preopens[0].host, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (base < 0) fail("%s: %s", preopens[0].option, strerror(errno));
  attach(root, base, "mounting the new root");
  for (int i = 0; i < n; i++) {
    if (trees[i] != root) attach(trees[i], points[i], "bind-mounting a preopened directory");
    host_fds[i] = openat(trees[i], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host_fds[i] < 0) fail("%s: %s", preopens[i].option, strerror(errno));
  }
  struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
  if (!all_at_root && mount_setattr(root, "", AT_EMPTY_PATH, &ro, sizeof ro) != 0)
    unavailable("making the new root read-only");
  if (fchdir(root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0) unavailable("pivot_root");
  if (umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) unavailable("detaching the old root");
  for (int i = 0; i < n; i++) {
    close(points[i]);
    close(trees[i]);
    free(paths[i]);
  }
  if (!all_at_root) close(root);
  close(base);
  free(trees);
  free(points);
  free(paths);
}

/* Keeps only root's capabilities to reach files (none in a user
 * namespace) and forbids gaining any. */
static void drop_privileges(void) {
  uint32_t keep = 0;
  if (geteuid() == 0)
    keep = 1u << CAP_CHOWN | 1u << CAP_DAC_OVERRIDE | 1u << CAP_FOWNER | 1u << CAP_FSETID;
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {{.effective = keep, .permitted = keep}};
  if (syscall(SYS_capset, &header, data) != 0) fail("dropping capabilities: %s", strerror(errno));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("setting no_new_privs: %s", strerror(errno));
}

/* Whether the kernel has openat2 with RESOLVE_BENEATH (Linux 5.6). */
static void require_openat2(void) {
  struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH};
  long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (fd < 0 && errno == ENOSYS)
    fail("cannot confine paths: the kernel has no openat2(RESOLVE_BENEATH) (Linux 5.6 or later)");
  if (fd >= 0) close((int)fd);
}

void w_sandbox_enter(w_sandbox mode, const w_preopen *preopens, int n, int *host_fds) {
  if (n == 0) return;
  require_openat2();
  close_range(3, ~0u, 0); /* nothing the parent left open stays reachable */
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (stat(preopens[i].host, &st) != 0) fail("%s: %s", preopens[i].option, strerror(errno));
    if (!S_ISDIR(st.st_mode)) fail("%s: %s", preopens[i].option, strerror(ENOTDIR));
  }
  if (mode == W_SANDBOX_NAMESPACE) {
    enter_namespaces();
    build_root(preopens, n, host_fds);
  } else {
    for (int i = 0; i < n; i++) {
      host_fds[i] = open(preopens[i].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (host_fds[i] < 0) fail("%s: %s", preopens[i].option, strerror(errno));
    }
  }
  drop_privileges();
}
