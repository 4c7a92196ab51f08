/* wasi_libc.c -- what a C program does through wasi-libc: stdio files,
 * POSIX I/O, stat, directories, links, renames, the emulated current
 * directory, errno values.  The scratch directory is preopened as "/".
 * Compared with wasmtime. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Prints "label: ok" or "label: <errno name>" for a call's result. */
static int check(const char *label, int result) {
  if (result < 0) printf("%s: %s\n", label, strerror(errno));
  else printf("%s: ok\n", label);
  return result;
}

static void show_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("fopen %s: %s\n", path, strerror(errno));
    return;
  }
  char line[128];
  printf("%s:\n", path);
  while (fgets(line, sizeof line, f)) printf("  | %s", line);
  fclose(f);
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static void list(const char *path) {
  struct dirent **names;
  int n = scandir(path, &names, NULL, by_name);
  if (n < 0) {
    printf("scandir %s: %s\n", path, strerror(errno));
    return;
  }
  printf("%s holds:", path);
  for (int i = 0; i < n; i++) {
    printf(" %s%s", names[i]->d_name, names[i]->d_type == DT_DIR ? "/" : names[i]->d_type == DT_LNK ? "@" : "");
    free(names[i]);
  }
  printf("\n");
  free(names);
}

static void show_stat(const char *label, const char *path, int follow) {
  struct stat st;
  if (check(label, follow ? stat(path, &st) : lstat(path, &st)) == 0)
    printf("  %s size=%lld links=%lu\n",
           S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : "other",
           (long long)st.st_size, (unsigned long)st.st_nlink);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  FILE *f = fopen("notes.txt", "w");
  fprintf(f, "first line\nsecond line\n");
  printf("ftell after writing: %ld\n", ftell(f));
  fclose(f);
  f = fopen("notes.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  show_file("notes.txt");
  f = fopen("notes.txt", "r+");
  fseek(f, 6, SEEK_SET);
  fputs("LINE", f);
  fseek(f, 0, SEEK_END);
  printf("size by fseek: %ld\n", ftell(f));
  fclose(f);
  show_file("notes.txt");
  show_file("missing.txt");

  int fd = check("open O_CREAT|O_EXCL", open("raw.bin", O_CREAT | O_EXCL | O_WRONLY, 0644));
  check("write", (int)write(fd, "0123456789", 10));
  check("lseek", (int)lseek(fd, 2, SEEK_SET));
  check("write", (int)write(fd, "ab", 2));
  check("ftruncate", ftruncate(fd, 6));
  printf("O_ACCMODE is O_WRONLY: %s\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY ? "yes" : "no");
  printf("isatty: %d\n", isatty(fd));
  check("close", close(fd));
  check("open O_CREAT|O_EXCL again", open("raw.bin", O_CREAT | O_EXCL | O_WRONLY, 0644));
  check("open O_DIRECTORY on a file", open("raw.bin", O_RDONLY | O_DIRECTORY));
  fd = check("open O_APPEND", open("raw.bin", O_WRONLY | O_APPEND));
  printf("O_APPEND set: %s\n", fcntl(fd, F_GETFL) & O_APPEND ? "yes" : "no");
  check("write", (int)write(fd, "XY", 2));
  close(fd);
  fd = open("raw.bin", O_RDONLY);
  char buf[32] = "";
  check("pread", (int)pread(fd, buf, sizeof buf - 1, 1));
  printf("pread from 1: \"%s\"\n", buf);
  check("write to read-only", (int)write(fd, "x", 1));
  close(fd);
  check("truncate", truncate("raw.bin", 3));
  show_stat("stat raw.bin", "raw.bin", 1);

  check("mkdir", mkdir("dir", 0755));
  check("mkdir again", mkdir("dir", 0755));
  check("mkdir nested", mkdir("dir/inner", 0755));
  check("rmdir nonempty", rmdir("dir"));
  check("rename file into dir", rename("raw.bin", "dir/raw.bin"));
  check("rename over directory", rename("notes.txt", "dir/inner"));
  check("symlink", symlink("dir/raw.bin", "link"));
  char target[64] = "";
  ssize_t n = readlink("link", target, sizeof target - 1);
  printf("readlink: %zd \"%s\"\n", n, n > 0 ? target : "");
  show_stat("stat link", "link", 1);
  show_stat("lstat link", "link", 0);
  check("link", link("notes.txt", "dir/hard"));
  show_stat("stat hard link", "dir/hard", 1);
  check("symlink dangling", symlink("nothing", "dangling"));
  show_stat("stat dangling", "dangling", 1);
  show_stat("lstat dangling", "dangling", 0);
  printf("access notes.txt R_OK: %d\n", access("notes.txt", R_OK));
  printf("access missing F_OK: %d (%s)\n", access("missing", F_OK), strerror(errno));
  list(".");
  list("dir");
  list("nothing-here");

  check("chdir dir", chdir("dir"));
  char cwd[64];
  printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
  show_file("hard");
  check("chdir ..", chdir(".."));
  printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
  check("chdir to a file", chdir("notes.txt"));

  struct timespec times[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1200000000, .tv_nsec = 5}};
  check("utimensat", utimensat(AT_FDCWD, "notes.txt", times, 0));
  struct stat st;
  stat("notes.txt", &st);
  printf("mtime: %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  check("unlink", unlink("link"));
  check("unlink a directory", unlink("dir"));
  check("remove a file", remove("dangling"));
  check("remove an empty directory", remove("dir/inner"));
  check("rmdir a file", rmdir("notes.txt"));
  check("open an absolute path outside", open("/../etc/passwd", O_RDONLY));
  check("stat a path through ..", stat("dir/../notes.txt", &st));
  struct timespec nap = {0, 1000000};
  check("nanosleep", nanosleep(&nap, NULL));
  list(".");
  return 0;
}
