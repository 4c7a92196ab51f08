/* wasi_io.c -- WASI preview 1: reading, writing and moving the offset of
 * a descriptor, and the hints and syncs on its data (fd_read, fd_write,
 * fd_pread, fd_pwrite, fd_seek, fd_tell, fd_advise, fd_allocate, fd_sync,
 * fd_datasync).
 *
 * Errors follow POSIX where the guest would see the same thing natively:
 * reading or writing without the right is ERRNO_BADF (a descriptor opened
 * for the other direction); seeking what cannot seek is ERRNO_SPIPE, and a
 * directory, which has no offset the guest could use, ERRNO_BADF (as in
 * wasmtime).  Without the right to seek (or, for fd_tell, to tell) a file
 * that could, the answer is ERRNO_NOTCAPABLE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "wasi_fd.h"

uint32_t fd_host_iovecs(guest_ptr iovs, uint32_t len, struct iovec host[IOV_LIMIT], int *count) {
  const uint8_t *array = guest_bytes(iovs, (uint64_t)len * 8);
  if (!array) return ERRNO_FAULT;
  *count = 0;
  for (uint32_t i = 0; i < len; i++) {
    uint32_t buf_len = get_u32(array + 8 * (size_t)i + 4);
    uint8_t *buf = guest_bytes(guest(get_u32(array + 8 * (size_t)i)), buf_len);
    if (!buf) return ERRNO_FAULT;
    if (i < IOV_LIMIT) host[(*count)++] = (struct iovec){.iov_base = buf, .iov_len = buf_len};
  }
  return ERRNO_SUCCESS;
}

/* Looks up `fd` for reading or writing: ERRNO_BADF without `right`. */
static uint32_t fd_get_stream(uint32_t fd, rights right, fd_entry **e) {
  uint32_t err = fd_get(guest_fd_of(fd), right, e);
  return err == ERRNO_NOTCAPABLE ? ERRNO_BADF : err;
}

/* Why `e`, which lacks a right to seek or tell, cannot. */
static uint32_t seek_denied(const fd_entry *e) {
  if (e->filetype == FILETYPE_DIRECTORY) return ERRNO_BADF;
  if (lseek(e->host_fd, 0, SEEK_CUR) < 0) return w_wasi_errno(errno);
  return ERRNO_NOTCAPABLE;
}

/* A transfer of `n` bytes (or -1) whose count goes to `out`. */
static uint32_t transferred(ssize_t n, uint8_t *out) {
  if (n < 0) return w_wasi_errno(errno);
  put_u32(out, (uint32_t)n);
  return ERRNO_SUCCESS;
}

/* The iovecs and the count's address of a read or write, all checked. */
static uint32_t transfer_args(uint32_t iovs, uint32_t iovs_len, uint32_t count_out,
                              struct iovec host[IOV_LIMIT], int *count, uint8_t **out) {
  *out = guest_bytes(guest(count_out), 4);
  if (!*out) return ERRNO_FAULT;
  return fd_host_iovecs(guest(iovs), iovs_len, host, count);
}

uint32_t w_wasi_fd_read(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out) {
  fd_entry *e;
  uint32_t err = fd_get_stream(fd, RIGHT_FD_READ, &e);
  struct iovec host[IOV_LIMIT];
  int count;
  uint8_t *out;
  if (!err) err = transfer_args(iovs, iovs_len, nread_out, host, &count, &out);
  return err ? err : transferred(readv(e->host_fd, host, count), out);
}

uint32_t w_wasi_fd_write(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out) {
  fd_entry *e;
  uint32_t err = fd_get_stream(fd, RIGHT_FD_WRITE, &e);
  struct iovec host[IOV_LIMIT];
  int count;
  uint8_t *out;
  if (!err) err = transfer_args(iovs, iovs_len, nwritten_out, host, &count, &out);
  return err ? err : transferred(writev(e->host_fd, host, count), out);
}

/* Looks up `fd` for a positioned read or write at `offset`. */
static uint32_t fd_get_positioned(uint32_t fd, rights right, uint64_t offset, fd_entry **e) {
  uint32_t err = fd_get_stream(fd, right, e);
  if (err) return err;
  if (!((*e)->base & RIGHT_FD_SEEK)) return seek_denied(*e);
  return offset > INT64_MAX ? ERRNO_INVAL : ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_pread(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                         uint32_t nread_out) {
  fd_entry *e;
  uint32_t err = fd_get_positioned(fd, RIGHT_FD_READ, offset, &e);
  struct iovec host[IOV_LIMIT];
  int count;
  uint8_t *out;
  if (!err) err = transfer_args(iovs, iovs_len, nread_out, host, &count, &out);
  return err ? err : transferred(preadv(e->host_fd, host, count, (off_t)offset), out);
}

uint32_t w_wasi_fd_pwrite(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                          uint32_t nwritten_out) {
  fd_entry *e;
  uint32_t err = fd_get_positioned(fd, RIGHT_FD_WRITE, offset, &e);
  struct iovec host[IOV_LIMIT];
  int count;
  uint8_t *out;
  if (!err) err = transfer_args(iovs, iovs_len, nwritten_out, host, &count, &out);
  return err ? err : transferred(pwritev(e->host_fd, host, count, (off_t)offset), out);
}

/* ---- offsets --------------------------------------------------------- */

/* Moves the offset (whence: SEEK_SET, SEEK_CUR or SEEK_END) and writes the
 * new one to `out`. */
static uint32_t seek(const fd_entry *e, int64_t offset, int whence, uint8_t *out) {
  off_t pos = lseek(e->host_fd, (off_t)offset, whence);
  if (pos < 0) return w_wasi_errno(errno);
  put_u64(out, (uint64_t)pos);
  return ERRNO_SUCCESS;
}

/* fd_seek(0, cur) only tells, and the right to tell is enough for it. */
uint32_t w_wasi_fd_seek(uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_out) {
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), 0, &e);
  if (err) return err;
  if (whence > 2) return ERRNO_INVAL;
  rights needed = offset == 0 && whence == 1 ? RIGHT_FD_TELL : RIGHT_FD_SEEK;
  if (!(e->base & needed)) return seek_denied(e);
  uint8_t *out = guest_bytes(guest(newoffset_out), 8);
  if (!out) return ERRNO_FAULT;
  return seek(e, (int64_t)offset, host_whence[whence], out);
}

uint32_t w_wasi_fd_tell(uint32_t fd, uint32_t offset_out) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), 0, &e);
  if (err) return err;
  if (!(e->base & RIGHT_FD_TELL)) return seek_denied(e);
  uint8_t *out = guest_bytes(guest(offset_out), 8);
  if (!out) return ERRNO_FAULT;
  return seek(e, 0, SEEK_CUR, out);
}

/* ---- data ------------------------------------------------------------ */

uint32_t w_wasi_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  static const int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                    POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                    POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_ADVISE, &e);
  if (err) return err;
  if (advice > 5 || offset > INT64_MAX || len > INT64_MAX) return ERRNO_INVAL;
  return w_wasi_errno(posix_fadvise(e->host_fd, (off_t)offset, (off_t)len, host_advice[advice]));
}

/* fallocate, not posix_fallocate: glibc's would emulate a file system that
 * cannot allocate by writing zeros; the guest hears ERRNO_NOTSUP instead. */
uint32_t w_wasi_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_ALLOCATE, &e);
  if (err) return err;
  if (offset > INT64_MAX || len > INT64_MAX) return ERRNO_INVAL;
  if (fallocate(e->host_fd, 0, (off_t)offset, (off_t)len) != 0) return w_wasi_errno(errno);
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_fd_sync(uint32_t fd) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_SYNC, &e);
  if (err) return err;
  return fsync(e->host_fd) == 0 ? ERRNO_SUCCESS : w_wasi_errno(errno);
}

uint32_t w_wasi_fd_datasync(uint32_t fd) {
  fd_entry *e;
  uint32_t err = fd_get(guest_fd_of(fd), RIGHT_FD_DATASYNC, &e);
  if (err) return err;
  return fdatasync(e->host_fd) == 0 ? ERRNO_SUCCESS : w_wasi_errno(errno);
}
