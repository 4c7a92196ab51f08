/* wasi_paths.c -- naming files: directories, unlink, rename, hard and
 * symbolic links, readlink, filestat by path; with the edge cases C and
 * Rust programs rely on (trailing slashes, dangling symlinks, symlink
 * loops, O_DIRECTORY on files, renaming over directories, "." and "..",
 * absolute paths, paths that are not UTF-8).  Compared with wasmtime. */
#include "transcript.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* path_open with a path of explicit length, closing what it opens. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int raw_path_open(int, int, int, int, int, long long, long long, int, int);

static unsigned try_open(const char *label, const char *path, size_t len,
                         __wasi_lookupflags_t lookup, __wasi_oflags_t oflags, __wasi_rights_t r) {
  __wasi_fd_t fd;
  unsigned e = report(label, raw_path_open(SCRATCH, lookup, (int)path, (int)len, oflags,
                                           (long long)r, (long long)r, 0, (int)&fd));
  if (!e) (void)__wasi_fd_close(fd);
  return e;
}

#define OPEN(label, path, lookup, oflags) try_open(label, path, strlen(path), lookup, oflags, 0)

static void make_file(const char *path, const char *text) {
  __wasi_fd_t fd;
  if (__wasi_path_open(SCRATCH, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                       __WASI_RIGHTS_FD_WRITE, 0, 0, &fd) == 0) {
    write_text(path, fd, text);
    (void)__wasi_fd_close(fd);
  }
}

static void show_type(const char *label, __wasi_lookupflags_t lookup, const char *path) {
  __wasi_filestat_t st;
  if (T(label, __wasi_path_filestat_get(SCRATCH, lookup, path, &st)) == 0)
    printf("  type=%u size=%llu nlink=%llu\n", st.filetype, (unsigned long long)st.size,
           (unsigned long long)st.nlink);
}

static void show_link(const char *label, const char *path, size_t buf_len) {
  char buf[64];
  __wasi_size_t n = 0;
  memset(buf, '#', sizeof buf);
  if (T(label, __wasi_path_readlink(SCRATCH, path, (uint8_t *)buf, buf_len, &n)) == 0)
    printf("  %u \"%.*s\" then '%c'\n", (unsigned)n, (int)n, buf, buf[n]);
}

static void path_strings(void) {
  make_file("file", "contents");
  T("mkdir d", __wasi_path_create_directory(SCRATCH, "d"));
  try_open("NUL inside", "file\0x", 6, 0, 0, 0);
  try_open("not UTF-8", "fi\xff", 3, 0, 0, 0);
  try_open("overlong UTF-8", "\xc0\xaf", 2, 0, 0, 0);
  try_open("empty", "", 0, 0, 0, 0);
  OPEN("dot", ".", 0, 0);
  OPEN("d/..", "d/..", 0, 0);
  OPEN("dot dot", "..", 0, 0);
  OPEN("d/../..", "d/../..", 0, 0);
  OPEN("absolute", "/file", 0, 0);
  OPEN("root", "/", 0, 0);
  OPEN("winding", "d/./../d/../file", 0, 0);
  OPEN("double slashes", "d//..//file", 0, 0);
}

static void open_flags(void) {
  OPEN("file/", "file/", 0, 0);
  OPEN("file//", "file//", 0, 0);
  OPEN("d/", "d/", 0, 0);
  OPEN("d///", "d///", 0, 0);
  OPEN("file O_DIRECTORY", "file", 0, __WASI_OFLAGS_DIRECTORY);
  OPEN("d O_DIRECTORY", "d", 0, __WASI_OFLAGS_DIRECTORY);
  OPEN("dot O_TRUNC", ".", 0, __WASI_OFLAGS_TRUNC);
  OPEN("d O_DIRECTORY|O_TRUNC", "d", 0, __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC);
  OPEN("new O_CREAT|O_DIRECTORY", "new", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY);
  OPEN("d O_CREAT", "d", 0, __WASI_OFLAGS_CREAT);
  OPEN("new/ O_CREAT", "new/", 0, __WASI_OFLAGS_CREAT);
  OPEN("d O_CREAT|O_EXCL", "d", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  OPEN("file O_EXCL alone", "file", 0, __WASI_OFLAGS_EXCL);
  try_open("d for writing", "d", 1, 0, 0, __WASI_RIGHTS_FD_WRITE);
  try_open("d O_DIRECTORY read+write", "d", 1, 0, __WASI_OFLAGS_DIRECTORY,
           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE);
  try_open("d O_DIRECTORY read", "d", 1, 0, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ);
  OPEN("missing/x", "missing/x", 0, 0);
  OPEN("file/x", "file/x", 0, 0);
}

static void directories(void) {
  T("mkdir d again", __wasi_path_create_directory(SCRATCH, "d"));
  T("mkdir empty", __wasi_path_create_directory(SCRATCH, ""));
  T("mkdir dot", __wasi_path_create_directory(SCRATCH, "."));
  T("mkdir dot dot", __wasi_path_create_directory(SCRATCH, ".."));
  T("mkdir d/..", __wasi_path_create_directory(SCRATCH, "d/.."));
  T("mkdir missing/x", __wasi_path_create_directory(SCRATCH, "missing/x"));
  T("mkdir file/x", __wasi_path_create_directory(SCRATCH, "file/x"));
  T("mkdir d/sub/", __wasi_path_create_directory(SCRATCH, "d/sub/"));
  T("mkdir d/sub/deep", __wasi_path_create_directory(SCRATCH, "d/sub/deep"));
  T("rmdir nonempty", __wasi_path_remove_directory(SCRATCH, "d/sub"));
  T("rmdir file", __wasi_path_remove_directory(SCRATCH, "file"));
  T("rmdir file/", __wasi_path_remove_directory(SCRATCH, "file/"));
  T("rmdir dot", __wasi_path_remove_directory(SCRATCH, "."));
  T("rmdir d/.", __wasi_path_remove_directory(SCRATCH, "d/."));
  T("rmdir dot dot", __wasi_path_remove_directory(SCRATCH, ".."));
  T("rmdir missing", __wasi_path_remove_directory(SCRATCH, "missing"));
  T("rmdir d/sub/deep", __wasi_path_remove_directory(SCRATCH, "d/sub/deep"));
  T("unlink d", __wasi_path_unlink_file(SCRATCH, "d"));
  T("unlink d/", __wasi_path_unlink_file(SCRATCH, "d/"));
  T("unlink file/", __wasi_path_unlink_file(SCRATCH, "file/"));
  T("unlink dot", __wasi_path_unlink_file(SCRATCH, "."));
  T("unlink d/..", __wasi_path_unlink_file(SCRATCH, "d/.."));
  T("unlink empty", __wasi_path_unlink_file(SCRATCH, ""));
  T("unlink missing", __wasi_path_unlink_file(SCRATCH, "missing"));
  T("unlink dot dot", __wasi_path_unlink_file(SCRATCH, ".."));
}

static void renames(void) {
  make_file("r1", "one");
  make_file("r2", "two");
  T("rename over file", __wasi_path_rename(SCRATCH, "r1", SCRATCH, "r2"));
  show_type("r2 now", 0, "r2");
  show_type("r1 gone", 0, "r1");
  T("rename file over dir", __wasi_path_rename(SCRATCH, "r2", SCRATCH, "d"));
  T("rename dir over file", __wasi_path_rename(SCRATCH, "d", SCRATCH, "r2"));
  T("rename dir over nonempty dir", __wasi_path_rename(SCRATCH, "d", SCRATCH, "d/sub/.."));
  T("mkdir e", __wasi_path_create_directory(SCRATCH, "e"));
  T("rename d over empty e", __wasi_path_rename(SCRATCH, "d", SCRATCH, "e"));
  show_type("e/sub", 0, "e/sub");
  T("mkdir d", __wasi_path_create_directory(SCRATCH, "d"));
  make_file("d/f", "in d");
  T("rename e over nonempty d", __wasi_path_rename(SCRATCH, "e", SCRATCH, "d"));
  T("rename into itself", __wasi_path_rename(SCRATCH, "e", SCRATCH, "e/sub/x"));
  T("rename dir/ to x/", __wasi_path_rename(SCRATCH, "e/", SCRATCH, "x/"));
  T("rename x to e", __wasi_path_rename(SCRATCH, "x", SCRATCH, "e"));
  T("rename file/ to y", __wasi_path_rename(SCRATCH, "r2/", SCRATCH, "y"));
  T("rename file to y/", __wasi_path_rename(SCRATCH, "r2", SCRATCH, "y/"));
  T("rename dot", __wasi_path_rename(SCRATCH, ".", SCRATCH, "z"));
  T("rename to dot", __wasi_path_rename(SCRATCH, "r2", SCRATCH, "d/.."));
  T("rename to dot dot", __wasi_path_rename(SCRATCH, "r2", SCRATCH, ".."));
  T("rename missing", __wasi_path_rename(SCRATCH, "missing", SCRATCH, "z"));
  T("rename to itself", __wasi_path_rename(SCRATCH, "r2", SCRATCH, "r2"));
  T("rename across directories", __wasi_path_rename(SCRATCH, "r2", SCRATCH, "e/sub/r2"));
  show_type("moved", 0, "e/sub/r2");
}

static void links(void) {
  T("link", __wasi_path_link(SCRATCH, 0, "file", SCRATCH, "hard"));
  show_type("hard", 0, "hard");
  T("link over existing", __wasi_path_link(SCRATCH, 0, "file", SCRATCH, "hard"));
  T("link to itself", __wasi_path_link(SCRATCH, 0, "file", SCRATCH, "file"));
  T("link over dir", __wasi_path_link(SCRATCH, 0, "file", SCRATCH, "d"));
  T("link a directory", __wasi_path_link(SCRATCH, 0, "d", SCRATCH, "dlink"));
  T("link to trailing slash", __wasi_path_link(SCRATCH, 0, "file", SCRATCH, "new/"));
  T("link from trailing slash", __wasi_path_link(SCRATCH, 0, "file/", SCRATCH, "new"));
  T("link missing", __wasi_path_link(SCRATCH, 0, "missing", SCRATCH, "new"));
  T("link following", __wasi_path_link(SCRATCH, FOLLOW, "file", SCRATCH, "new"));
  T("link dot dot", __wasi_path_link(SCRATCH, 0, "..", SCRATCH, "new"));
  T("unlink hard", __wasi_path_unlink_file(SCRATCH, "hard"));
}

static void symlinks(void) {
  T("symlink to file", __wasi_path_symlink("file", SCRATCH, "sfile"));
  T("symlink to dir", __wasi_path_symlink("d", SCRATCH, "sdir"));
  T("symlink dangling", __wasi_path_symlink("nowhere", SCRATCH, "sdangling"));
  T("symlink loop", __wasi_path_symlink("sloop", SCRATCH, "sloop"));
  T("symlink absolute", __wasi_path_symlink("/file", SCRATCH, "sabs"));
  T("symlink up", __wasi_path_symlink("../x", SCRATCH, "sup"));
  T("symlink empty target", __wasi_path_symlink("", SCRATCH, "sempty"));
  T("symlink over existing", __wasi_path_symlink("file", SCRATCH, "file"));
  T("symlink over dir/", __wasi_path_symlink("file", SCRATCH, "d/"));
  T("symlink to missing/", __wasi_path_symlink("file", SCRATCH, "snew/"));
  T("symlink over file/", __wasi_path_symlink("x", SCRATCH, "file/"));
  T("symlink at dot", __wasi_path_symlink("x", SCRATCH, "."));
  T("symlink in d", __wasi_path_symlink("../file", SCRATCH, "d/supfile"));

  OPEN("sfile nofollow", "sfile", 0, 0);
  OPEN("sfile follow", "sfile", FOLLOW, 0);
  OPEN("sdir nofollow", "sdir", 0, 0);
  OPEN("sdir nofollow O_DIRECTORY", "sdir", 0, __WASI_OFLAGS_DIRECTORY);
  OPEN("sdir follow O_DIRECTORY", "sdir", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  OPEN("sdir/ nofollow", "sdir/", 0, 0);
  OPEN("sfile follow O_DIRECTORY", "sfile", FOLLOW, __WASI_OFLAGS_DIRECTORY);
  OPEN("sfile/ follow", "sfile/", FOLLOW, 0);
  OPEN("sdangling nofollow", "sdangling", 0, 0);
  OPEN("sdangling follow", "sdangling", FOLLOW, 0);
  OPEN("sdangling nofollow O_DIRECTORY", "sdangling", 0, __WASI_OFLAGS_DIRECTORY);
  OPEN("sdangling follow O_CREAT", "sdangling", FOLLOW, __WASI_OFLAGS_CREAT);
  show_type("created through the dangling link", 0, "nowhere");
  OPEN("sloop nofollow", "sloop", 0, 0);
  OPEN("sloop follow", "sloop", FOLLOW, 0);
  OPEN("sloop/x", "sloop/x", 0, 0);
  OPEN("sabs follow", "sabs", FOLLOW, 0);
  OPEN("sup follow", "sup", FOLLOW, 0);
  OPEN("d/supfile follow", "d/supfile", FOLLOW, 0);
  OPEN("sdir/../file", "sdir/../file", 0, 0);

  show_link("readlink sfile", "sfile", 64);
  show_link("readlink short", "sfile", 2);
  show_link("readlink zero", "sfile", 0);
  show_link("readlink sup", "sup", 64);
  show_link("readlink file", "file", 64);
  show_link("readlink dir", "d", 64);
  show_link("readlink missing", "missing", 64);
  show_link("readlink sfile/", "sfile/", 64);
  show_link("readlink sdir/", "sdir/", 64);
  show_link("readlink dot", ".", 64);
  show_link("readlink dot dot", "..", 64);

  show_type("stat sfile nofollow", 0, "sfile");
  show_type("stat sfile follow", FOLLOW, "sfile");
  show_type("stat sdir follow", FOLLOW, "sdir");
  show_type("stat sdangling nofollow", 0, "sdangling");
  show_type("stat sloop follow", FOLLOW, "sloop");
  show_type("stat sfile/ nofollow", 0, "sfile/");
  show_type("stat sdir/ nofollow", 0, "sdir/");
  show_type("stat file/", 0, "file/");
  show_type("stat dot dot", 0, "..");
  show_type("stat d/..", 0, "d/..");
  show_type("stat empty", 0, "");
  show_type("stat absolute", 0, "/file");

  __wasi_filestat_t before, target, link;
  (void)__wasi_path_filestat_get(SCRATCH, 0, "file", &before);
  T("set link's mtim", __wasi_path_filestat_set_times(SCRATCH, 0, "sfile", 0, 1000000000,
                                                      __WASI_FSTFLAGS_MTIM));
  (void)__wasi_path_filestat_get(SCRATCH, 0, "file", &target);
  (void)__wasi_path_filestat_get(SCRATCH, 0, "sfile", &link);
  printf("  link mtim %llu, target unchanged: %s\n", (unsigned long long)link.mtim,
         target.mtim == before.mtim ? "yes" : "no");
  T("set target's mtim", __wasi_path_filestat_set_times(SCRATCH, FOLLOW, "sfile", 0, 2000000000,
                                                        __WASI_FSTFLAGS_MTIM));
  (void)__wasi_path_filestat_get(SCRATCH, 0, "file", &target);
  printf("  target mtim %llu\n", (unsigned long long)target.mtim);
  T("set times dot dot", __wasi_path_filestat_set_times(SCRATCH, 0, "..", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  T("set times missing", __wasi_path_filestat_set_times(SCRATCH, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  T("set times both", __wasi_path_filestat_set_times(SCRATCH, 0, "file", 1, 1,
                                                     __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

  T("unlink sdir/", __wasi_path_unlink_file(SCRATCH, "sdir/"));
  T("rmdir sdir", __wasi_path_remove_directory(SCRATCH, "sdir"));
  T("rmdir sdir/", __wasi_path_remove_directory(SCRATCH, "sdir/"));
  T("rename sdir/", __wasi_path_rename(SCRATCH, "sdir/", SCRATCH, "sdir2"));
  T("unlink sdir", __wasi_path_unlink_file(SCRATCH, "sdir"));
  show_type("d survives", 0, "d");
  T("rename over symlink", __wasi_path_rename(SCRATCH, "sloop", SCRATCH, "sdangling"));
  show_type("sdangling", 0, "sdangling");
  T("link a symlink", __wasi_path_link(SCRATCH, 0, "sdangling", SCRATCH, "hardlink-to-symlink"));
  show_type("hard link to a symlink", 0, "hardlink-to-symlink");
}

int main(void) {
  path_strings();
  open_flags();
  directories();
  renames();
  links();
  symlinks();
  return 0;
}
