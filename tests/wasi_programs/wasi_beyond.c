/* wasi_beyond.c -- what the spec asks and wasmtime does not do (it traps,
 * or answers NOTSUP or BADF), checked against an expected transcript
 * (wasi_beyond.expected): rights and their inheritance, the synchronized
 * I/O flags, fd_allocate, the CPU-time clocks, unknown enum and flag values
 * (ERRNO_INVAL), guest pointers outside memory (ERRNO_FAULT, with no
 * effect), poll_oneoff's per-subscription errors, proc_raise's ignored
 * signals, fsync on a directory, a read-only preopen.  Descriptor 3 is the
 * scratch directory, 4 the same directory preopened read-only. */
#include "transcript.h"

#define RO 4
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define FAR 0x7ffffff0 /* a guest address far outside the memory */

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(path_open) int raw_path_open(int, int, int, int, int, long long, long long, int, int);
IMPORT(fd_seek) int raw_fd_seek(int, long long, int, int);
IMPORT(fd_advise) int raw_fd_advise(int, long long, long long, int);
IMPORT(fd_filestat_set_times) int raw_set_times(int, long long, long long, int);
IMPORT(sock_shutdown) int raw_sock_shutdown(int, int);
IMPORT(clock_time_get) int raw_clock_time_get(int, long long, int);
IMPORT(clock_res_get) int raw_clock_res_get(int, int);
IMPORT(args_get) int raw_args_get(int, int);
IMPORT(args_sizes_get) int raw_args_sizes_get(int, int);
IMPORT(environ_sizes_get) int raw_environ_sizes_get(int, int);
IMPORT(fd_read) int raw_fd_read(int, int, int, int);
IMPORT(fd_write) int raw_fd_write(int, int, int, int);
IMPORT(fd_pread) int raw_fd_pread(int, int, int, long long, int);
IMPORT(fd_fdstat_get) int raw_fd_fdstat_get(int, int);
IMPORT(fd_filestat_get) int raw_fd_filestat_get(int, int);
IMPORT(fd_prestat_get) int raw_fd_prestat_get(int, int);
IMPORT(fd_prestat_dir_name) int raw_fd_prestat_dir_name(int, int, int);
IMPORT(fd_readdir) int raw_fd_readdir(int, int, int, long long, int);
IMPORT(fd_tell) int raw_fd_tell(int, int);
IMPORT(path_create_directory) int raw_mkdir(int, int, int);
IMPORT(path_filestat_get) int raw_path_filestat_get(int, int, int, int, int);
IMPORT(path_readlink) int raw_path_readlink(int, int, int, int, int, int);
IMPORT(path_symlink) int raw_path_symlink(int, int, int, int, int);
IMPORT(poll_oneoff) int raw_poll_oneoff(int, int, int, int);
IMPORT(random_get) int raw_random_get(int, int);
IMPORT(proc_raise) int raw_proc_raise(int); /* not in wasi-libc's header any more */

static void show_rights(const char *label, __wasi_fd_t fd) {
  __wasi_fdstat_t st;
  if (T(label, __wasi_fd_fdstat_get(fd, &st)) == 0)
    printf("  type=%u flags=%u base=%#llx inheriting=%#llx\n", st.fs_filetype, st.fs_flags,
           (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
}

static int open_with(const char *label, __wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                     __wasi_rights_t base, __wasi_rights_t inheriting, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd;
  if (T(label, __wasi_path_open(dir, FOLLOW, path, oflags, base, inheriting, fdflags, &fd))) return -1;
  return (int)fd;
}

static void rights(void) {
  show_rights("preopen", SCRATCH);
  show_rights("read-only preopen", RO);
  show_rights("stdin", 0);
  int fd = open_with("create, read right only", SCRATCH, "f", __WASI_OFLAGS_CREAT,
                     __WASI_RIGHTS_FD_READ, 0, 0);
  show_rights("  its rights", fd);
  write_text("  write", fd, "x");
  __wasi_filestat_t st;
  T("  filestat without the right", __wasi_fd_filestat_get(fd, &st));
  T("  close", __wasi_fd_close(fd));

  fd = open_with("open with every right", SCRATCH, "f", 0, ALL_RIGHTS, ALL_RIGHTS, 0);
  show_rights("  its rights", fd);
  __wasi_fdstat_t had;
  (void)__wasi_fd_fdstat_get(fd, &had);
  __wasi_rights_t fewer = had.fs_rights_base & ~(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK);
  T("  drop read and seek", __wasi_fd_fdstat_set_rights(fd, fewer, 0));
  show_rights("  its rights", fd);
  read_text("  read", fd, 4);
  __wasi_filesize_t pos;
  T("  seek", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
  T("  seek 0 from cur (tell)", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos));
  T("  take read back", __wasi_fd_fdstat_set_rights(fd, fewer | __WASI_RIGHTS_FD_READ, 0));
  T("  take inheriting rights back", __wasi_fd_fdstat_set_rights(fd, fewer, 1));
  T("  set the same rights", __wasi_fd_fdstat_set_rights(fd, fewer, 0));
  T("  close", __wasi_fd_close(fd));

  int dir = open_with("directory with seek asked", SCRATCH, ".", __WASI_OFLAGS_DIRECTORY,
                      __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR,
                      __WASI_RIGHTS_FD_READ, 0);
  show_rights("  its rights", dir);
  fd = open_with("  file through it, asking to write", dir, "f", 0,
                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0);
  show_rights("    its rights", fd);
  write_text("    write", fd, "x");
  T("  mkdir without the right", __wasi_path_create_directory(dir, "sub"));
  T("  create without the right", __wasi_path_open(dir, 0, "g", __WASI_OFLAGS_CREAT, 0, 0, 0, (__wasi_fd_t *)&fd));
  T("  truncate without the right", __wasi_path_open(dir, 0, "f", __WASI_OFLAGS_TRUNC, 0, 0, 0, (__wasi_fd_t *)&fd));
  T("  dsync without fd_datasync to pass on", __wasi_path_open(dir, 0, "f", 0, 0, 0, __WASI_FDFLAGS_DSYNC, (__wasi_fd_t *)&fd));
  T("  close", __wasi_fd_close(dir));
  T("path_open from a file", __wasi_path_open(0, 0, "f", 0, 0, 0, 0, (__wasi_fd_t *)&fd));

  T("read-only: mkdir", __wasi_path_create_directory(RO, "new"));
  T("read-only: create", __wasi_path_open(RO, 0, "new", __WASI_OFLAGS_CREAT, 0, 0, 0, (__wasi_fd_t *)&fd));
  T("read-only: unlink", __wasi_path_unlink_file(RO, "f"));
  T("read-only: symlink", __wasi_path_symlink("f", RO, "link"));
  T("read-only: rename", __wasi_path_rename(RO, "f", SCRATCH, "g"));
  T("read-only: open f for reading and writing",
    __wasi_path_open(RO, 0, "f", 0, ALL_RIGHTS, ALL_RIGHTS, 0, (__wasi_fd_t *)&fd));
  T("read-only: truncate", __wasi_path_open(RO, 0, "f", __WASI_OFLAGS_TRUNC, 0, 0, 0, (__wasi_fd_t *)&fd));
  fd = open_with("read-only: open f with every right but fd_write", RO, "f", 0,
                 ALL_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, ALL_RIGHTS, 0);
  show_rights("  its rights", fd);
  read_text("  read", fd, 4);
  write_text("  write", fd, "x");
  T("  set size", __wasi_fd_filestat_set_size(fd, 0));
}

static void flags_and_allocation(void) {
  static const __wasi_fdflags_t sync_flags[] = {__WASI_FDFLAGS_DSYNC, __WASI_FDFLAGS_RSYNC, __WASI_FDFLAGS_SYNC};
  for (int i = 0; i < 3; i++) {
    int fd = open_with("open with a sync flag", SCRATCH, "f", 0, ALL_RIGHTS, 0, sync_flags[i]);
    show_rights("  fdstat", fd);
    T("  clear it", __wasi_fd_fdstat_set_flags(fd, 0));
    T("  keep it, add append", __wasi_fd_fdstat_set_flags(fd, sync_flags[i] == __WASI_FDFLAGS_DSYNC
                                                              ? sync_flags[i] | __WASI_FDFLAGS_APPEND
                                                              : __WASI_FDFLAGS_SYNC | __WASI_FDFLAGS_RSYNC | __WASI_FDFLAGS_DSYNC | __WASI_FDFLAGS_APPEND));
    show_rights("  fdstat", fd);
    T("  close", __wasi_fd_close(fd));
  }
  int fd = open_with("open", SCRATCH, "f", __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, 0);
  T("  unknown fdflag", __wasi_fd_fdstat_set_flags(fd, 0x20));
  T("  allocate 100", __wasi_fd_allocate(fd, 0, 100));
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("  size %llu\n", (unsigned long long)st.size);
  T("  allocate 10 inside", __wasi_fd_allocate(fd, 10, 10));
  T("  allocate 90+20", __wasi_fd_allocate(fd, 90, 20));
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("  size %llu\n", (unsigned long long)st.size);
  T("  allocate nothing", __wasi_fd_allocate(fd, 0, 0));
  T("  close", __wasi_fd_close(fd));
  int dir = open_with("open directory", SCRATCH, ".", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, 0);
  T("  sync it", __wasi_fd_sync(dir));
  T("  datasync it", __wasi_fd_datasync(dir));
  T("  allocate in it", __wasi_fd_allocate(dir, 0, 1));
  T("  set its size", __wasi_fd_filestat_set_size(dir, 0));
  uint8_t buf[64];
  __wasi_size_t used;
  T("  readdir of a file", __wasi_fd_readdir(0, buf, sizeof buf, 0, &used));
  T("mkdir d", __wasi_path_create_directory(SCRATCH, "d"));
  T("rmdir d/", __wasi_path_remove_directory(SCRATCH, "d/"));
}

static void clocks_and_values(void) {
  static const char *const names[] = {"process cputime", "thread cputime"};
  for (int i = 0; i < 2; i++) {
    __wasi_timestamp_t res = 0, t = 0;
    printf("%s:\n", names[i]);
    T("  resolution", __wasi_clock_res_get(2 + i, &res));
    T("  time", __wasi_clock_time_get(2 + i, 0, &t));
    printf("  positive: %s\n", res > 0 && t > 0 ? "yes" : "no");
  }
  __wasi_timestamp_t t;
  T("unknown clock", raw_clock_time_get(4, 0, (int)&t));
  T("unknown clock resolution", raw_clock_res_get(4, (int)&t));
  T("whence 3", raw_fd_seek(SCRATCH, 0, 3, (int)&t));
  int fd = open_with("open", SCRATCH, "f", 0, ALL_RIGHTS, 0, 0);
  T("  advice 6", raw_fd_advise(fd, 0, 0, 6));
  T("  fst_flags 16", raw_set_times(fd, 0, 0, 16));
  T("oflags 16", raw_path_open(SCRATCH, 0, (int)"f", 1, 16, 0, 0, 0, (int)&t));
  T("fdflags 32", raw_path_open(SCRATCH, 0, (int)"f", 1, 0, 0, 0, 32, (int)&t));
  T("lookupflags 2", raw_path_open(SCRATCH, 2, (int)"f", 1, 0, 0, 0, 0, (int)&t));
  T("path_link following", __wasi_path_link(SCRATCH, FOLLOW, "f", SCRATCH, "g"));
  T("sdflags 0 on stdin", raw_sock_shutdown(0, 0));
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = 3;
  __wasi_event_t ev;
  __wasi_size_t n;
  T("subscription type 3", __wasi_poll_oneoff(&sub, &ev, 1, &n));
}

static void pointers(void) {
  T("args_sizes_get", raw_args_sizes_get(FAR, 0));
  T("args_get", raw_args_get(0, FAR));
  T("environ_sizes_get", raw_environ_sizes_get(0, FAR));
  T("clock_time_get", raw_clock_time_get(0, 0, FAR));
  T("random_get", raw_random_get(FAR, 16));
  T("random_get wrapping", raw_random_get(-8, 16));
  T("fd_write iovecs", raw_fd_write(1, FAR, 1, 0));
  T("fd_write buffer", raw_fd_write(1, (int)&(__wasi_ciovec_t){(const uint8_t *)FAR, 4}, 1, 0));
  T("fd_read count", raw_fd_read(0, 0, 0, FAR));
  int fd = open_with("open", SCRATCH, "f", 0, ALL_RIGHTS, 0, 0);
  T("  fd_pread buffer", raw_fd_pread(fd, (int)&(__wasi_iovec_t){(uint8_t *)FAR, 4}, 1, 0, 0));
  T("  fd_tell", raw_fd_tell(fd, FAR));
  T("  fd_fdstat_get", raw_fd_fdstat_get(fd, FAR));
  T("  fd_filestat_get", raw_fd_filestat_get(fd, FAR));
  T("fd_prestat_get", raw_fd_prestat_get(SCRATCH, FAR));
  T("fd_prestat_dir_name", raw_fd_prestat_dir_name(SCRATCH, FAR, 8));
  T("fd_readdir", raw_fd_readdir(SCRATCH, FAR, 64, 0, 0));
  T("path_create_directory", raw_mkdir(SCRATCH, FAR, 4));
  T("path_filestat_get", raw_path_filestat_get(SCRATCH, 0, (int)"f", 1, FAR));
  T("path_readlink", raw_path_readlink(SCRATCH, (int)"f", 1, FAR, 8, 0));
  T("path_symlink target", raw_path_symlink(FAR, 4, SCRATCH, (int)"s", 1));
  T("path_open result", raw_path_open(SCRATCH, 0, (int)"made", 4, __WASI_OFLAGS_CREAT, 0, 0, 0, FAR));
  __wasi_filestat_t st;
  T("  and no file was made", __wasi_path_filestat_get(SCRATCH, 0, "made", &st));
  T("poll_oneoff", raw_poll_oneoff(FAR, 0, 1, 0));
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static void polling_and_signals(void) {
  int fd = open_with("open", SCRATCH, "f", __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, 0);
  write_text("  write", fd, "0123456789");
  __wasi_filesize_t pos;
  (void)__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos);
  int no_rights = open_with("open without rights", SCRATCH, "f", 0, 0, 0, 0);
  __wasi_subscription_t in[3] = {fd_sub(1, __WASI_EVENTTYPE_FD_READ, fd),
                                 fd_sub(2, __WASI_EVENTTYPE_FD_READ, 99),
                                 fd_sub(3, __WASI_EVENTTYPE_FD_WRITE, no_rights)};
  __wasi_event_t out[3];
  __wasi_size_t n;
  T("poll", __wasi_poll_oneoff(in, out, 3, &n));
  for (unsigned i = 0; i < n; i++)
    printf("  event %llu: %s type=%u nbytes=%llu\n", (unsigned long long)out[i].userdata,
           errno_name(out[i].error), out[i].type, (unsigned long long)out[i].fd_readwrite.nbytes);
  static const int harmless[] = {13 /* pipe */, 16 /* chld */, 17 /* cont */, 22 /* urg */, 27 /* winch */};
  for (int i = 0; i < 5; i++) {
    char label[32];
    snprintf(label, sizeof label, "raise ignored signal %d", harmless[i]);
    T(label, raw_proc_raise(harmless[i]));
  }
  T("raise signal 0", raw_proc_raise(0));
  T("raise signal 31", raw_proc_raise(31));
}

int main(void) {
  rights();
  flags_and_allocation();
  clocks_and_values();
  pointers();
  polling_and_signals();
  return 0;
}
