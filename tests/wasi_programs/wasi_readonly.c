/* wasi_readonly.c -- opening files in a read-only preopen.  The same host
 * directory is preopened twice: writable as "/rw" (descriptor 3, used to
 * set things up and to look at the result) and read-only as "/ro"
 * (descriptor 4).  Through "/ro", and through directories opened from it,
 * every open that would write is refused; opens for reading work; the
 * files are unchanged afterwards.  Compared with wasmtime. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transcript.h"

#define RO 4

static void put_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    printf("setup %s: %s\n", path, strerror(errno));
    exit(1);
  }
}

static void show_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("fopen %s: %s\n", path, strerror(errno));
    return;
  }
  char line[128];
  printf("%s:", path);
  while (fgets(line, sizeof line, f)) printf(" %s", line);
  fclose(f);
}

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir %s: %s\n", path, strerror(errno));
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  for (int i = 1; i < n; i++)  /* insertion sort, by name */
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  printf("%s holds:", path);
  for (int i = 0; i < n; i++) printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

/* What came of an open: ok, or the errno's name; for a descriptor, whether
 * it reads and whether it writes (then it is closed). */
static void opened(const char *label, int fd) {
  if (fd < 0) {
    printf("%s: %s\n", label, strerror(errno));
    return;
  }
  char c;
  ssize_t r = read(fd, &c, 1);
  int read_errno = errno;
  ssize_t w = write(fd, "X", 1);
  int write_errno = errno;
  printf("%s: ok, read %s, write %s\n", label, r >= 0 ? "ok" : strerror(read_errno),
         w >= 0 ? "ok" : strerror(write_errno));
  close(fd);
}

static void opened_stream(const char *label, FILE *f) {
  if (!f) {
    printf("%s: %s\n", label, strerror(errno));
    return;
  }
  int w = fputs("X", f) >= 0 && fflush(f) == 0;
  printf("%s: ok, write %s\n", label, w ? "ok" : "fails");
  fclose(f);
}

/* path_open on the read-only preopen with these rights and flags. */
static void raw_open(const char *label, __wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                     __wasi_rights_t base, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd;
  unsigned e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, base, 0,
                                fdflags, &fd);
  if (e) {
    report(label, e);
    return;
  }
  __wasi_ciovec_t iov = {(const uint8_t *)"X", 1};
  __wasi_size_t n = 0;
  unsigned w = __wasi_fd_write(fd, &iov, 1, &n);
  printf("%s: ok, write %s\n", label, errno_name(w));
  __wasi_fd_close(fd);
}

int main(void) {
  if (mkdir("/rw/sub", 0755) != 0) printf("mkdir: %s\n", strerror(errno));
  put_file("/rw/file", "original\n");
  put_file("/rw/sub/file", "original\n");

  opened_stream("fopen r", fopen("/ro/file", "r"));
  opened_stream("fopen w", fopen("/ro/file", "w"));
  opened_stream("fopen a", fopen("/ro/file", "a"));
  opened_stream("fopen r+", fopen("/ro/file", "r+"));
  opened_stream("fopen w new", fopen("/ro/new", "w"));
  opened_stream("fopen a new", fopen("/ro/new", "a"));
  opened("open O_RDONLY", open("/ro/file", O_RDONLY));
  opened("open O_WRONLY", open("/ro/file", O_WRONLY));
  opened("open O_RDWR", open("/ro/file", O_RDWR));
  opened("open O_WRONLY|O_APPEND", open("/ro/file", O_WRONLY | O_APPEND));
  opened("open O_RDONLY|O_TRUNC", open("/ro/file", O_RDONLY | O_TRUNC));
  opened("open O_CREAT|O_WRONLY", open("/ro/new", O_CREAT | O_WRONLY, 0644));
  opened("open O_CREAT|O_RDONLY new", open("/ro/new", O_CREAT | O_RDONLY, 0644));
  opened("open O_CREAT|O_RDONLY existing", open("/ro/file", O_CREAT | O_RDONLY, 0644));
  opened("open O_WRONLY missing", open("/ro/missing", O_WRONLY));
  opened("open O_WRONLY sub/file", open("/ro/sub/file", O_WRONLY));
  opened("open O_RDONLY sub/file", open("/ro/sub/file", O_RDONLY));
  opened("open O_WRONLY dir", open("/ro/sub", O_WRONLY));

  int sub = open("/ro/sub", O_RDONLY | O_DIRECTORY);
  printf("open sub: %s\n", sub < 0 ? strerror(errno) : "ok");
  if (sub >= 0) {
    opened("openat sub O_RDONLY", openat(sub, "file", O_RDONLY));
    opened("openat sub O_WRONLY", openat(sub, "file", O_WRONLY));
    opened("openat sub O_RDWR|O_TRUNC", openat(sub, "file", O_RDWR | O_TRUNC));
    opened("openat sub O_CREAT|O_WRONLY", openat(sub, "new", O_CREAT | O_WRONLY, 0644));
    close(sub);
  }

  raw_open("rights fd_read", RO, "file", 0, __WASI_RIGHTS_FD_READ, 0);
  raw_open("rights fd_write", RO, "file", 0, __WASI_RIGHTS_FD_WRITE, 0);
  raw_open("rights fd_read fd_write", RO, "file", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
  raw_open("rights fd_allocate", RO, "file", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_ALLOCATE, 0);
  raw_open("rights fd_filestat_set_size", RO, "file", 0,
           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0);
  raw_open("rights fd_filestat_set_times", RO, "file", 0,
           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0);
  raw_open("rights all but writing", RO, "file", 0, DIR_RIGHTS, 0);
  raw_open("rights all", RO, "file", 0, ALL_RIGHTS, 0);
  raw_open("no rights", RO, "file", 0, 0, 0);
  raw_open("fd_read, append", RO, "file", 0, __WASI_RIGHTS_FD_READ, __WASI_FDFLAGS_APPEND);
  raw_open("fd_read, trunc", RO, "file", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0);
  raw_open("fd_read, creat", RO, "new", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0);
  raw_open("fd_read, creat existing", RO, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0);
  raw_open("fd_write, directory", RO, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0);

  show_file("/rw/file");
  show_file("/rw/sub/file");
  list("/rw");
  list("/rw/sub");
  return 0;
}
