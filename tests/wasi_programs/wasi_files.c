/* wasi_files.c -- files through their descriptors: open modes, reading and
 * writing, offsets, positioned I/O, append and nonblocking mode, sizes and
 * times, sync, renumber and close, prestat.  Compared with wasmtime. */
#include "transcript.h"

#define FILE_RIGHTS ALL_RIGHTS

static void show_stat(const char *label, __wasi_fd_t fd) {
  __wasi_filestat_t st;
  if (T(label, __wasi_fd_filestat_get(fd, &st)) == 0)
    printf("  type=%u size=%llu nlink=%llu\n", st.filetype, (unsigned long long)st.size,
           (unsigned long long)st.nlink);
}

static void show_offset(const char *label, __wasi_fd_t fd) {
  __wasi_filesize_t pos = 0;
  unsigned e = __wasi_fd_tell(fd, &pos);
  printf("%s: %s %llu\n", label, errno_name(e), (unsigned long long)pos);
}

static void seek(const char *label, __wasi_fd_t fd, __wasi_filedelta_t off, __wasi_whence_t w) {
  __wasi_filesize_t pos = 0;
  unsigned e = __wasi_fd_seek(fd, off, w, &pos);
  printf("%s: %s %llu\n", label, errno_name(e), (unsigned long long)pos);
}

static void show_flags(const char *label, __wasi_fd_t fd) {
  __wasi_fdstat_t st;
  if (T(label, __wasi_fd_fdstat_get(fd, &st)) == 0)
    printf("  type=%u flags=%u\n", st.fs_filetype, st.fs_flags);
}

/* Reads from `at` to the end of the file through two buffers, as often as
 * it takes (a runtime may fill only the first). */
static void pread_text(const char *label, __wasi_fd_t fd, __wasi_filesize_t at) {
  char all[128] = "";
  size_t total = 0;
  unsigned e;
  for (;;) {
    char a[4], b[60];
    __wasi_iovec_t iov[2] = {{(uint8_t *)a, sizeof a}, {(uint8_t *)b, sizeof b}};
    __wasi_size_t n = 0;
    e = __wasi_fd_pread(fd, iov, 2, at + total, &n);
    if (e || n == 0 || total + n >= sizeof all) break;
    memcpy(all + total, a, n < sizeof a ? n : sizeof a);
    if (n > sizeof a) memcpy(all + total + sizeof a, b, n - sizeof a);
    total += n;
  }
  all[total] = '\0';
  printf("%s: %s %u \"%s\"\n", label, errno_name(e), (unsigned)total, all);
}

static void pwrite_text(const char *label, __wasi_fd_t fd, const char *text, __wasi_filesize_t at) {
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  __wasi_size_t n = 0;
  unsigned e = __wasi_fd_pwrite(fd, &iov, 1, at, &n);
  printf("%s: %s %u\n", label, errno_name(e), (unsigned)n);
}

static void offsets_and_positioned_io(void) {
  int fd = open_at("create", SCRATCH, "data", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0);
  show_offset("tell new", fd);
  write_text("write", fd, "hello world\n");
  show_offset("tell after write", fd);
  seek("seek set 6", fd, 6, __WASI_WHENCE_SET);
  read_text("read from 6", fd, 6);
  seek("seek cur -3", fd, -3, __WASI_WHENCE_CUR);
  seek("seek end -6", fd, -6, __WASI_WHENCE_END);
  seek("seek cur 0", fd, 0, __WASI_WHENCE_CUR);
  seek("seek before 0", fd, -100, __WASI_WHENCE_CUR);
  seek("seek past end", fd, 100, __WASI_WHENCE_END);
  show_offset("tell past end", fd);
  read_text("read past end", fd, 10);
  pread_text("pread 0", fd, 0);
  pread_text("pread 8", fd, 8);
  pread_text("pread past end", fd, 1000);
  show_offset("tell after pread", fd);
  pwrite_text("pwrite 0", fd, "HELLO", 0);
  pwrite_text("pwrite 20", fd, "tail", 20);
  show_stat("stat after pwrite", fd);
  show_offset("tell after pwrite", fd);
  pread_text("pread all", fd, 0);
  T("close", __wasi_fd_close(fd));
  T("close again", __wasi_fd_close(fd));
}

static void sizes_and_times(void) {
  int fd = open_at("open", SCRATCH, "data", 0, FILE_RIGHTS, 0);
  T("set size 5", __wasi_fd_filestat_set_size(fd, 5));
  show_stat("stat", fd);
  T("set size 9", __wasi_fd_filestat_set_size(fd, 9));
  pread_text("pread grown", fd, 0);
  T("set mtim", __wasi_fd_filestat_set_times(fd, 0, 1234567890123456789ull, __WASI_FSTFLAGS_MTIM));
  T("set atim", __wasi_fd_filestat_set_times(fd, 987654321000000000ull, 0, __WASI_FSTFLAGS_ATIM));
  __wasi_filestat_t st;
  T("stat times", __wasi_fd_filestat_get(fd, &st));
  printf("mtim %llu atim %llu\n", (unsigned long long)st.mtim, (unsigned long long)st.atim);
  T("set both now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  T("stat", __wasi_fd_filestat_get(fd, &st));
  printf("mtim moved: %s\n", st.mtim != 1234567890123456789ull ? "yes" : "no");
  T("atim and atim_now", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  T("mtim and mtim_now", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  T("advise", __wasi_fd_advise(fd, 0, 9, __WASI_ADVICE_SEQUENTIAL));
  T("sync", __wasi_fd_sync(fd));
  T("datasync", __wasi_fd_datasync(fd));
  T("close", __wasi_fd_close(fd));
}

static void open_modes(void) {
  int fd;
  T("open missing", __wasi_path_open(SCRATCH, 0, "missing", 0, FILE_RIGHTS, FILE_RIGHTS, 0, (__wasi_fd_t *)&fd));
  T("create exclusive existing",
    __wasi_path_open(SCRATCH, 0, "data", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS,
                     FILE_RIGHTS, 0, (__wasi_fd_t *)&fd));
  T("file as directory", __wasi_path_open(SCRATCH, 0, "data", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS,
                                          DIR_RIGHTS, 0, (__wasi_fd_t *)&fd));

  fd = open_at("read-only", SCRATCH, "data", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0);
  read_text("read it", fd, 4);
  write_text("write it", fd, "x");
  T("close", __wasi_fd_close(fd));
  fd = open_at("write-only", SCRATCH, "data", 0, __WASI_RIGHTS_FD_WRITE, 0);
  read_text("read it", fd, 4);
  write_text("write it", fd, "J");
  T("close", __wasi_fd_close(fd));

  fd = open_at("truncate", SCRATCH, "data", __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0);
  show_stat("stat truncated", fd);
  T("close", __wasi_fd_close(fd));

  fd = open_at("append", SCRATCH, "log", __WASI_OFLAGS_CREAT, FILE_RIGHTS, __WASI_FDFLAGS_APPEND);
  show_flags("flags", fd);
  write_text("write", fd, "one\n");
  seek("seek 0", fd, 0, __WASI_WHENCE_SET);
  write_text("write at 0 appends", fd, "two\n");
  show_offset("tell", fd);
  T("clear append", __wasi_fd_fdstat_set_flags(fd, 0));
  show_flags("flags", fd);
  seek("seek 0", fd, 0, __WASI_WHENCE_SET);
  write_text("write at 0", fd, "ONE\n");
  pread_text("contents", fd, 0);
  T("set append again", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  write_text("write appends", fd, "3\n");
  pread_text("contents", fd, 0);
  T("close", __wasi_fd_close(fd));

  fd = open_at("nonblocking", SCRATCH, "log", 0, FILE_RIGHTS, __WASI_FDFLAGS_NONBLOCK);
  show_flags("flags", fd);
  read_text("read", fd, 5);
  T("clear nonblock", __wasi_fd_fdstat_set_flags(fd, 0));
  show_flags("flags", fd);
  T("close", __wasi_fd_close(fd));
}

static void descriptors(void) {
  int a = open_at("open a", SCRATCH, "a", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0);
  int b = open_at("open b", SCRATCH, "b", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0);
  write_text("write a", a, "from a");
  T("renumber a to b", __wasi_fd_renumber(a, b));
  T("close a", __wasi_fd_close(a));
  write_text("write b", b, "!");
  pread_text("b holds a's file", b, 0);
  T("renumber to closed", __wasi_fd_renumber(b, a));
  T("renumber from closed", __wasi_fd_renumber(a, b));
  T("close b", __wasi_fd_close(b));
  show_flags("fdstat closed", b);

  int dir = open_at("open dir", SCRATCH, ".", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0);
  show_flags("fdstat dir", dir);
  show_stat("filestat dir", dir);
  read_text("read dir", dir, 4);
  write_text("write dir", dir, "x");
  seek("seek dir", dir, 0, __WASI_WHENCE_SET);
  show_offset("tell dir", dir);
  T("close dir", __wasi_fd_close(dir));

  __wasi_prestat_t pre;
  unsigned e = __wasi_fd_prestat_get(SCRATCH, &pre);
  printf("prestat: %s tag=%u len=%u\n", errno_name(e), pre.tag, (unsigned)pre.u.dir.pr_name_len);
  char name[16] = "";
  T("prestat name", __wasi_fd_prestat_dir_name(SCRATCH, (uint8_t *)name, sizeof name - 1));
  printf("name: \"%s\"\n", name);
  T("prestat of stdout", __wasi_fd_prestat_get(1, &pre));
  T("prestat of closed", __wasi_fd_prestat_get(99, &pre));
}

int main(void) {
  offsets_and_positioned_io();
  sizes_and_times();
  open_modes();
  descriptors();
  return 0;
}
