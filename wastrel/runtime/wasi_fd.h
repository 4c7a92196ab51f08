/* wasi_fd.h -- the guest's descriptor table, as the WASI files see it.
 *
 * A guest descriptor is an index into a table of host descriptors, each
 * with its WASI file type, its rights (base and inheriting), the name of a
 * preopened directory, and the snapshot fd_readdir reads from.  The table
 * itself is in wasi_fd.c; the functions that look descriptors up check the
 * rights a WASI function needs, so that no function can forget to.
 *
 * The rights a descriptor can hold depend on what it is: a directory holds
 * only directory rights, a pipe no seek right, and so on.  The preopened
 * directories hold all directory rights and inherit all the others, except
 * that a read-only preopen holds and passes on no right to change anything.
 */
#ifndef WASTREL_WASI_FD_H
#define WASTREL_WASI_FD_H

#include <sys/stat.h>
#include <sys/uio.h>

#include "wasi_guest.h"

enum filetype {
  FILETYPE_UNKNOWN, FILETYPE_BLOCK_DEVICE, FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY,
  FILETYPE_REGULAR_FILE, FILETYPE_SOCKET_DGRAM, FILETYPE_SOCKET_STREAM, FILETYPE_SYMBOLIC_LINK,
};

enum fdflags {
  FDFLAGS_APPEND = 1 << 0, FDFLAGS_DSYNC = 1 << 1, FDFLAGS_NONBLOCK = 1 << 2,
  FDFLAGS_RSYNC = 1 << 3, FDFLAGS_SYNC = 1 << 4,
};
#define FDFLAGS_ALL 0x1fu

/* What each kind of descriptor can be given. */
#define RIGHTS_REGULAR_FILE                                                                \
  (RIGHT_FD_DATASYNC | RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_FDSTAT_SET_FLAGS |          \
   RIGHT_FD_SYNC | RIGHT_FD_TELL | RIGHT_FD_WRITE | RIGHT_FD_ADVISE | RIGHT_FD_ALLOCATE |   \
   RIGHT_FD_FILESTAT_GET | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES |       \
   RIGHT_POLL_FD_READWRITE)
#define RIGHTS_DIRECTORY                                                                   \
  (RIGHT_FD_DATASYNC | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC |                          \
   RIGHT_PATH_CREATE_DIRECTORY | RIGHT_PATH_CREATE_FILE | RIGHT_PATH_LINK_SOURCE |          \
   RIGHT_PATH_LINK_TARGET | RIGHT_PATH_OPEN | RIGHT_FD_READDIR | RIGHT_PATH_READLINK |      \
   RIGHT_PATH_RENAME_SOURCE | RIGHT_PATH_RENAME_TARGET | RIGHT_PATH_FILESTAT_GET |          \
   RIGHT_PATH_FILESTAT_SET_SIZE | RIGHT_PATH_FILESTAT_SET_TIMES | RIGHT_FD_FILESTAT_GET |   \
   RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_PATH_SYMLINK | RIGHT_PATH_REMOVE_DIRECTORY |         \
   RIGHT_PATH_UNLINK_FILE)
/* Pipes, terminals and other devices that cannot seek. */
#define RIGHTS_STREAM                                                                      \
  (RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET |     \
   RIGHT_POLL_FD_READWRITE)
#define RIGHTS_SOCKET (RIGHTS_STREAM | RIGHT_SOCK_SHUTDOWN | RIGHT_SOCK_ACCEPT)
/* The rights to change a file or a directory, which a read-only preopen
 * does not have.  It keeps RIGHT_FD_WRITE among its inheriting rights only
 * so that a guest that asks to write is told so: wasi-libc asks path_open
 * for what the directory can pass on, and path_open refuses any open for
 * writing in a read-only tree (ERRNO_PERM, as wasmtime) -- it never passes
 * the right on. */
#define RIGHTS_CHANGING                                                                    \
  (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE |                        \
   RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_PATH_CREATE_DIRECTORY | RIGHT_PATH_CREATE_FILE |     \
   RIGHT_PATH_LINK_SOURCE | RIGHT_PATH_LINK_TARGET | RIGHT_PATH_RENAME_SOURCE |             \
   RIGHT_PATH_RENAME_TARGET | RIGHT_PATH_FILESTAT_SET_SIZE | RIGHT_PATH_FILESTAT_SET_TIMES | \
   RIGHT_PATH_SYMLINK | RIGHT_PATH_REMOVE_DIRECTORY | RIGHT_PATH_UNLINK_FILE)

typedef struct fd_listing fd_listing; /* wasi_readdir.c */

typedef struct fd_entry {
  int host_fd;          /* -1: the slot is free */
  int owned;            /* the host descriptor is closed with this one */
  uint8_t filetype;
  rights base;
  rights inheriting;
  int readonly;         /* in a read-only preopen's tree: nothing opened for writing */
  char *preopen;        /* a preopened directory's guest name, else NULL */
  fd_listing *listing;  /* fd_readdir's snapshot of a directory, or NULL */
} fd_entry;

/* Looks up the open descriptor `fd` and checks that it has every right in
 * `needed`: ERRNO_BADF if it is not open, ERRNO_NOTCAPABLE if a right is
 * missing; else sets *out. */
uint32_t fd_get(guest_fd fd, rights needed, fd_entry **out);

/* fd_get for the directory a path is resolved from: ERRNO_NOTDIR if `fd`
 * is open but not a directory. */
uint32_t fd_get_dir(guest_fd fd, rights needed, fd_entry **out);

/* Gives the guest a new descriptor for `host_fd` (which it then owns),
 * with the given rights cut down to those that apply to what it is, in a
 * read-only tree or not.  The number is the lowest free one. */
guest_fd fd_install(int host_fd, rights base, rights inheriting, int readonly);

/* The WASI file type for the file type bits of a st_mode. */
uint8_t filetype_of_mode(mode_t mode);

/* ---- wasi_io.c ------------------------------------------------------- */

/* Linux's IOV_MAX.  A guest may pass more buffers; a transfer through the
 * first IOV_LIMIT of them is a valid short read or write. */
#define IOV_LIMIT 1024

/* Translates the guest's array of `len` iovecs (or ciovecs: same layout,
 * {u32 buf, u32 buf_len}) at `iovs` into host iovecs, after checking the
 * array and every buffer.  Returns the errno; sets *count. */
uint32_t fd_host_iovecs(guest_ptr iovs, uint32_t len, struct iovec host[IOV_LIMIT], int *count);

/* ---- wasi_readdir.c -------------------------------------------------- */

void fd_listing_free(fd_listing *listing);

#endif
