/* wasi_readdir.c -- fd_readdir: entries and their types, ".", "..", the
 * inode of ".", cookies, buffers too small for an entry, big directories,
 * and readdir on what is not a directory.  Entries are printed sorted by
 * name, since the order is the file system's.  Compared with wasmtime. */
#include <stdlib.h>

#include "transcript.h"


typedef struct entry {
  char name[64];
  unsigned type;
  unsigned long long next, ino;
} entry;

static int by_name(const void *a, const void *b) {
  return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* Parses the entries in buf[0..used); returns how many were whole. */
static int parse(const uint8_t *buf, size_t used, entry *out, int max) {
  int n = 0;
  size_t at = 0;
  while (n < max && at + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t d;
    memcpy(&d, buf + at, sizeof d);
    if (at + sizeof d + d.d_namlen > used) break;
    snprintf(out[n].name, sizeof out[n].name, "%.*s", (int)d.d_namlen, (const char *)buf + at + sizeof d);
    out[n].type = d.d_type;
    out[n].next = d.d_next;
    out[n].ino = d.d_ino;
    n++;
    at += sizeof d + d.d_namlen;
  }
  return n;
}

/* Reads the whole directory with buffers of `size` bytes, following
 * cookies; returns the number of entries and the calls it took. */
static int read_all(__wasi_fd_t fd, size_t size, entry *out, int max, int *calls) {
  uint8_t *buf = malloc(size);
  int n = 0;
  __wasi_dircookie_t cookie = 0;
  *calls = 0;
  for (;;) {
    __wasi_size_t used;
    ++*calls;
    if (__wasi_fd_readdir(fd, buf, size, cookie, &used) != 0) break;
    int got = parse(buf, used, out + n, max - n);
    n += got;
    if (used < size || got == 0) break;
    cookie = out[n - 1].next;
  }
  free(buf);
  return n;
}

static void make(const char *name) {
  __wasi_fd_t fd;
  if (__wasi_path_open(SCRATCH, 0, name, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd) == 0)
    (void)__wasi_fd_close(fd);
}

int main(void) {
  static entry entries[400];
  int calls;
  T("mkdir", __wasi_path_create_directory(SCRATCH, "dir"));
  int dir = open_at("open dir", SCRATCH, "dir", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0);

  int n = read_all(dir, 4096, entries, 400, &calls);
  qsort(entries, n, sizeof *entries, by_name);
  printf("empty: %d entries\n", n);
  for (int i = 0; i < n; i++) printf("  %s type=%u\n", entries[i].name, entries[i].type);
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(dir, &st);
  printf("inode of . is the directory's: %s\n", n && entries[0].ino == st.ino ? "yes" : "no");

  T("mkdir dir/sub", __wasi_path_create_directory(SCRATCH, "dir/sub"));
  make("dir/file");
  T("symlink", __wasi_path_symlink("file", SCRATCH, "dir/link"));
  n = read_all(dir, 4096, entries, 400, &calls);
  entry unsorted[8];
  memcpy(unsorted, entries, sizeof unsorted);
  qsort(entries, n, sizeof *entries, by_name);
  printf("with 3 more: %d entries in %d call(s)\n", n, calls);
  for (int i = 0; i < n; i++) printf("  %s type=%u\n", entries[i].name, entries[i].type);
  (void)__wasi_path_filestat_get(SCRATCH, 0, "dir/file", &st);
  for (int i = 0; i < n; i++)
    if (strcmp(entries[i].name, "file") == 0)
      printf("inode of file matches filestat: %s\n", entries[i].ino == st.ino ? "yes" : "no");

  /* A cookie resumes after the entry that gave it. */
  uint8_t buf[4096];
  __wasi_size_t used;
  for (int i = 0; i < n; i++) {
    T("readdir from cookie", __wasi_fd_readdir(dir, buf, sizeof buf, unsorted[i].next, &used));
    entry rest[8];
    int k = parse(buf, used, rest, 8);
    printf("  after %s: %d entries, first %s\n", unsorted[i].name, k, k ? rest[0].name : "-");
  }
  T("readdir past the end", __wasi_fd_readdir(dir, buf, sizeof buf, 1000, &used));
  printf("  used %u\n", (unsigned)used);

  /* Buffers smaller than an entry: the entry is cut, the buffer full. */
  T("readdir 10 bytes", __wasi_fd_readdir(dir, buf, 10, 0, &used));
  printf("  used %u\n", (unsigned)used);
  T("readdir 25 bytes", __wasi_fd_readdir(dir, buf, 25, 0, &used));
  printf("  used %u\n", (unsigned)used);
  T("readdir 0 bytes", __wasi_fd_readdir(dir, buf, 0, 0, &used));
  printf("  used %u\n", (unsigned)used);
  n = read_all(dir, 40, entries, 400, &calls);
  qsort(entries, n, sizeof *entries, by_name);
  printf("with 40-byte buffers: %d entries\n", n);
  for (int i = 0; i < n; i++) printf("  %s\n", entries[i].name);

  for (int i = 0; i < 300; i++) {
    char name[32];
    snprintf(name, sizeof name, "dir/sub/entry-%03d", i);
    make(name);
  }
  int sub = open_at("open sub", SCRATCH, "dir/sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0);
  n = read_all(sub, 256, entries, 400, &calls);
  qsort(entries, n, sizeof *entries, by_name);
  int in_order = 1;
  for (int i = 2; i < n; i++) {
    char want[32];
    snprintf(want, sizeof want, "entry-%03d", i - 2);
    in_order &= strcmp(entries[i].name, want) == 0;
  }
  printf("300 files with 256-byte buffers: %d entries, all there: %s, several calls: %s\n", n,
         in_order ? "yes" : "no", calls > 10 ? "yes" : "no");

  int file = open_at("open file", SCRATCH, "dir/file", 0, ALL_RIGHTS, 0);
  T("readdir a file", __wasi_fd_readdir(file, buf, sizeof buf, 0, &used));
  T("readdir stdout", __wasi_fd_readdir(1, buf, sizeof buf, 0, &used));
  T("readdir closed", __wasi_fd_readdir(77, buf, sizeof buf, 0, &used));
  return 0;
}
