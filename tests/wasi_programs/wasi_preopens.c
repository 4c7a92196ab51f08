/* wasi_preopens.c -- lists the preopened directories: descriptor, guest
 * name, whether they may be changed (path_create_directory right), and
 * their entries, sorted. */
#include <stdlib.h>

#include "transcript.h"

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(fd, &pre) != 0) break;
    char name[256] = "";
    (void)__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, pre.u.dir.pr_name_len);
    __wasi_fdstat_t st;
    (void)__wasi_fd_fdstat_get(fd, &st);
    printf("%u \"%s\" %s:", fd, name,
           st.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_DIRECTORY ? "read-write" : "read-only");
    static uint8_t buf[65536];
    __wasi_size_t used = 0;
    (void)__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used);
    char *names[256];
    int n = 0;
    for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= used && n < 256;) {
      __wasi_dirent_t d;
      memcpy(&d, buf + at, sizeof d);
      names[n] = calloc(d.d_namlen + 1, 1);
      memcpy(names[n++], buf + at + sizeof d, d.d_namlen);
      at += sizeof d + d.d_namlen;
    }
    qsort(names, n, sizeof *names, by_name);
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
  }
  return 0;
}
