/* wasi_guest.h -- what the WASI files share: errno values, rights, and safe
 * access to guest memory.
 *
 * A guest address is a `guest_ptr` and a guest descriptor a `guest_fd`,
 * distinct types, so that neither can be mistaken for a host pointer, a
 * length or the other.  The only way from a guest_ptr to host memory is
 * guest_bytes, which checks the whole range against the current size of
 * w_wasi_memory; a WASI function answers ERRNO_FAULT for a range that does
 * not fit, and checks every range it will touch before it has any effect.
 */
#ifndef WASTREL_WASI_GUEST_H
#define WASTREL_WASI_GUEST_H

#include <stdint.h>
#include <string.h>

#include "internal.h"

/* errno, in the order of the witx enum (typenames.witx). */
enum {
  ERRNO_SUCCESS, ERRNO_2BIG, ERRNO_ACCES, ERRNO_ADDRINUSE, ERRNO_ADDRNOTAVAIL,
  ERRNO_AFNOSUPPORT, ERRNO_AGAIN, ERRNO_ALREADY, ERRNO_BADF, ERRNO_BADMSG, ERRNO_BUSY,
  ERRNO_CANCELED, ERRNO_CHILD, ERRNO_CONNABORTED, ERRNO_CONNREFUSED, ERRNO_CONNRESET,
  ERRNO_DEADLK, ERRNO_DESTADDRREQ, ERRNO_DOM, ERRNO_DQUOT, ERRNO_EXIST, ERRNO_FAULT,
  ERRNO_FBIG, ERRNO_HOSTUNREACH, ERRNO_IDRM, ERRNO_ILSEQ, ERRNO_INPROGRESS, ERRNO_INTR,
  ERRNO_INVAL, ERRNO_IO, ERRNO_ISCONN, ERRNO_ISDIR, ERRNO_LOOP, ERRNO_MFILE, ERRNO_MLINK,
  ERRNO_MSGSIZE, ERRNO_MULTIHOP, ERRNO_NAMETOOLONG, ERRNO_NETDOWN, ERRNO_NETRESET,
  ERRNO_NETUNREACH, ERRNO_NFILE, ERRNO_NOBUFS, ERRNO_NODEV, ERRNO_NOENT, ERRNO_NOEXEC,
  ERRNO_NOLCK, ERRNO_NOLINK, ERRNO_NOMEM, ERRNO_NOMSG, ERRNO_NOPROTOOPT, ERRNO_NOSPC,
  ERRNO_NOSYS, ERRNO_NOTCONN, ERRNO_NOTDIR, ERRNO_NOTEMPTY, ERRNO_NOTRECOVERABLE,
  ERRNO_NOTSOCK, ERRNO_NOTSUP, ERRNO_NOTTY, ERRNO_NXIO, ERRNO_OVERFLOW, ERRNO_OWNERDEAD,
  ERRNO_PERM, ERRNO_PIPE, ERRNO_PROTO, ERRNO_PROTONOSUPPORT, ERRNO_PROTOTYPE, ERRNO_RANGE,
  ERRNO_ROFS, ERRNO_SPIPE, ERRNO_SRCH, ERRNO_STALE, ERRNO_TIMEDOUT, ERRNO_TXTBSY, ERRNO_XDEV,
  ERRNO_NOTCAPABLE,
};
_Static_assert(ERRNO_FAULT == 21 && ERRNO_NOSYS == 52 && ERRNO_NOTCAPABLE == 76,
               "errno values follow the witx");

/* The WASI errno for a host errno value. */
uint32_t w_wasi_errno(int host_errno);

/* ---- rights: bit n is the n-th flag of the witx ---------------------- */

typedef uint64_t rights;

#define RIGHT_FD_DATASYNC (UINT64_C(1) << 0)
#define RIGHT_FD_READ (UINT64_C(1) << 1)
#define RIGHT_FD_SEEK (UINT64_C(1) << 2)
#define RIGHT_FD_FDSTAT_SET_FLAGS (UINT64_C(1) << 3)
#define RIGHT_FD_SYNC (UINT64_C(1) << 4)
#define RIGHT_FD_TELL (UINT64_C(1) << 5)
#define RIGHT_FD_WRITE (UINT64_C(1) << 6)
#define RIGHT_FD_ADVISE (UINT64_C(1) << 7)
#define RIGHT_FD_ALLOCATE (UINT64_C(1) << 8)
#define RIGHT_PATH_CREATE_DIRECTORY (UINT64_C(1) << 9)
#define RIGHT_PATH_CREATE_FILE (UINT64_C(1) << 10)
#define RIGHT_PATH_LINK_SOURCE (UINT64_C(1) << 11)
#define RIGHT_PATH_LINK_TARGET (UINT64_C(1) << 12)
#define RIGHT_PATH_OPEN (UINT64_C(1) << 13)
#define RIGHT_FD_READDIR (UINT64_C(1) << 14)
#define RIGHT_PATH_READLINK (UINT64_C(1) << 15)
#define RIGHT_PATH_RENAME_SOURCE (UINT64_C(1) << 16)
#define RIGHT_PATH_RENAME_TARGET (UINT64_C(1) << 17)
#define RIGHT_PATH_FILESTAT_GET (UINT64_C(1) << 18)
#define RIGHT_PATH_FILESTAT_SET_SIZE (UINT64_C(1) << 19)
#define RIGHT_PATH_FILESTAT_SET_TIMES (UINT64_C(1) << 20)
#define RIGHT_FD_FILESTAT_GET (UINT64_C(1) << 21)
#define RIGHT_FD_FILESTAT_SET_SIZE (UINT64_C(1) << 22)
#define RIGHT_FD_FILESTAT_SET_TIMES (UINT64_C(1) << 23)
#define RIGHT_PATH_SYMLINK (UINT64_C(1) << 24)
#define RIGHT_PATH_REMOVE_DIRECTORY (UINT64_C(1) << 25)
#define RIGHT_PATH_UNLINK_FILE (UINT64_C(1) << 26)
#define RIGHT_POLL_FD_READWRITE (UINT64_C(1) << 27)
#define RIGHT_SOCK_SHUTDOWN (UINT64_C(1) << 28)
#define RIGHT_SOCK_ACCEPT (UINT64_C(1) << 29)

/* ---- guest values ---------------------------------------------------- */

typedef struct guest_ptr {
  uint32_t addr;
} guest_ptr;

typedef struct guest_fd {
  uint32_t index;
} guest_fd;

static inline guest_ptr guest(uint32_t addr) { return (guest_ptr){addr}; }
static inline guest_fd guest_fd_of(uint32_t index) { return (guest_fd){index}; }

/* The host address of the guest bytes [p, p + len), or NULL if they are not
 * all inside the memory (or there is no memory). */
static inline uint8_t *guest_bytes(guest_ptr p, uint64_t len) {
  const w_memory *mem = w_wasi_memory;
  if (!mem || (uint64_t)p.addr + len > mem->size) return NULL;
  return mem->base + p.addr;
}

/* Little-endian stores and loads at host addresses from guest_bytes. */
static inline void put_u16(uint8_t *at, uint16_t v) { memcpy(at, &v, 2); }
static inline void put_u32(uint8_t *at, uint32_t v) { memcpy(at, &v, 4); }
static inline void put_u64(uint8_t *at, uint64_t v) { memcpy(at, &v, 8); }
static inline uint16_t get_u16(const uint8_t *at) { uint16_t v; memcpy(&v, at, 2); return v; }
static inline uint32_t get_u32(const uint8_t *at) { uint32_t v; memcpy(&v, at, 4); return v; }
static inline uint64_t get_u64(const uint8_t *at) { uint64_t v; memcpy(&v, at, 8); return v; }

#endif
