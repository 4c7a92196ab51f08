/* wasi_readdir.c -- WASI preview 1: fd_readdir.
 *
 * A read from cookie 0 takes a snapshot of the whole directory: "." and
 * ".." first (as in wasmtime), then the other entries in the file system's
 * order.  A cookie is an index into that snapshot (the d_next of an entry
 * is its index + 1), so later reads continue where the guest says even if
 * the directory changes meanwhile.  Entries are packed as the spec says: a
 * 24-byte dirent then the name, not NUL-terminated; the last one is cut at
 * the end of the buffer, and a full buffer tells the guest to read again.
 * The inode of "." is the directory's own, as fstat reports it (some file
 * systems report another in their listing).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi_fd.h"

typedef struct listing_entry {
  uint64_t ino;
  uint8_t type;
  uint32_t name_len;
  size_t name; /* offset in the listing's names */
} listing_entry;

struct fd_listing {
  size_t count, capacity;
  listing_entry *entries;
  char *names;
  size_t names_len, names_capacity;
};

void fd_listing_free(fd_listing *listing) {
  if (!listing) return;
  free(listing->entries);
  free(listing->names);
  free(listing);
}

static uint8_t dirent_type(unsigned char d_type) {
  switch (d_type) {
  case DT_REG: return FILETYPE_REGULAR_FILE;
  case DT_DIR: return FILETYPE_DIRECTORY;
  case DT_LNK: return FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return FILETYPE_SOCKET_STREAM;
  default: return FILETYPE_UNKNOWN;
  }
}

/* Appends an entry; returns 0 when out of memory. */
static int add_entry(fd_listing *l, int dirfd, const char *name, uint64_t ino, unsigned char d_type) {
  size_t len = strlen(name);
  if (l->count == l->capacity) {
    size_t cap = l->capacity ? 2 * l->capacity : 64;
    listing_entry *grown = realloc(l->entries, cap * sizeof *grown);
    if (!grown) return 0;
    l->entries = grown;
    l->capacity = cap;
  }
  if (l->names_len + len > l->names_capacity) {
    size_t cap = 2 * (l->names_capacity + len);
    char *grown = realloc(l->names, cap);
    if (!grown) return 0;
    l->names = grown;
    l->names_capacity = cap;
  }
  struct stat st;
  uint8_t type = dirent_type(d_type);
  if (d_type == DT_UNKNOWN && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    type = filetype_of_mode(st.st_mode);
  memcpy(l->names + l->names_len, name, len);
  l->entries[l->count++] = (listing_entry){ino, type, (uint32_t)len, l->names_len};
  l->names_len += len;
  return 1;
}

/* Reads the whole directory `dirfd` from its start. */
static uint32_t take_snapshot(int dirfd, fd_listing **out) {
  fd_listing *l = calloc(1, sizeof *l);
  struct stat st;
  if (!l || fstat(dirfd, &st) != 0 || !add_entry(l, dirfd, ".", st.st_ino, DT_DIR) ||
      !add_entry(l, dirfd, "..", 0, DT_DIR)) {
    fd_listing_free(l);
    return ERRNO_NOMEM;
  }
  char buf[32768];
  long n = lseek(dirfd, 0, SEEK_SET) < 0 ? -1 : 0;
  while (n >= 0 && (n = syscall(SYS_getdents64, dirfd, buf, sizeof buf)) > 0) {
    for (long at = 0; at < n;) {
      struct dirent64 *d = (struct dirent64 *)(buf + at);
      at += d->d_reclen;
      if (strcmp(d->d_name, "..") == 0) l->entries[1].ino = d->d_ino;
      if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) continue;
      if (!add_entry(l, dirfd, d->d_name, d->d_ino, d->d_type)) {
        fd_listing_free(l);
        return ERRNO_NOMEM;
      }
    }
  }
  if (n < 0) {
    uint32_t err = w_wasi_errno(errno);
    fd_listing_free(l);
    return err;
  }
  *out = l;
  return ERRNO_SUCCESS;
}

/* dirent: {u64 d_next, u64 d_ino, u32 d_namlen at 16, u8 d_type at 20}. */
uint32_t w_wasi_fd_readdir(uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                           uint32_t bufused_out) {
  fd_entry *e;
  uint32_t err = fd_get_dir(guest_fd_of(fd), RIGHT_FD_READDIR, &e);
  if (err) return err;
  uint8_t *to = guest_bytes(guest(buf), buf_len), *out = guest_bytes(guest(bufused_out), 4);
  if (!to || !out) return ERRNO_FAULT;
  if (cookie == 0 || !e->listing) {
    fd_listing *fresh;
    if ((err = take_snapshot(e->host_fd, &fresh))) return err;
    fd_listing_free(e->listing);
    e->listing = fresh;
  }
  const fd_listing *l = e->listing;
  uint32_t used = 0;
  for (uint64_t i = cookie; i < l->count && used < buf_len; i++) {
    const listing_entry *entry = &l->entries[i];
    uint8_t record[24 + NAME_MAX];
    memset(record, 0, 24);
    put_u64(record, i + 1);
    put_u64(record + 8, entry->ino);
    put_u32(record + 16, entry->name_len);
    record[20] = entry->type;
    memcpy(record + 24, l->names + entry->name, entry->name_len);
    uint32_t size = 24 + entry->name_len, room = buf_len - used;
    uint32_t n = size < room ? size : room;
    memcpy(to + used, record, n);
    used += n;
  }
  put_u32(out, used);
  return ERRNO_SUCCESS;
}
