/* wasi_sock.c -- WASI preview 1: sockets (sock_accept, sock_recv,
 * sock_send, sock_shutdown).
 *
 * Preview 1 cannot create sockets; a guest has one only if the host gave
 * it one as a standard stream (inetd-style, or a socket pair), or accepted
 * a connection on such a listening socket.  On a descriptor that is not a
 * socket these answer ERRNO_NOTSOCK; receiving or sending without the
 * right to read or write is ERRNO_BADF, as for fd_read and fd_write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/socket.h>

#include "wasi_fd.h"

enum { RIFLAGS_RECV_PEEK = 1, RIFLAGS_RECV_WAITALL = 2, ROFLAGS_RECV_DATA_TRUNCATED = 1 };
enum { SDFLAGS_RD = 1, SDFLAGS_WR = 2 };

static int is_socket(const fd_entry *e) {
  return e->filetype == FILETYPE_SOCKET_STREAM || e->filetype == FILETYPE_SOCKET_DGRAM;
}

/* Looks up the socket `fd` with `needed` (whose absence is `denied`). */
static uint32_t sock_get(uint32_t fd, rights needed, uint32_t denied, fd_entry **e) {
  uint32_t err = fd_get(guest_fd_of(fd), 0, e);
  if (err) return err;
  if (!is_socket(*e)) return ERRNO_NOTSOCK;
  return ((*e)->base & needed) == needed ? ERRNO_SUCCESS : denied;
}

uint32_t w_wasi_sock_accept(uint32_t fd, uint32_t flags, uint32_t fd_out) {
  fd_entry *e;
  uint32_t err = sock_get(fd, RIGHT_SOCK_ACCEPT, ERRNO_NOTCAPABLE, &e);
  if (err) return err;
  if (flags & ~(uint32_t)FDFLAGS_NONBLOCK) return ERRNO_INVAL;
  uint8_t *out = guest_bytes(guest(fd_out), 4);
  if (!out) return ERRNO_FAULT;
  int host = accept4(e->host_fd, NULL, NULL,
                     SOCK_CLOEXEC | (flags & FDFLAGS_NONBLOCK ? SOCK_NONBLOCK : 0));
  if (host < 0) return w_wasi_errno(errno);
  rights r = RIGHTS_SOCKET & ~RIGHT_SOCK_ACCEPT;
  put_u32(out, fd_install(host, r, r, 0).index); /* e is stale from here */
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_sock_recv(uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                          uint32_t ro_datalen_out, uint32_t ro_flags_out) {
  fd_entry *e;
  uint32_t err = sock_get(fd, RIGHT_FD_READ, ERRNO_BADF, &e);
  if (err) return err;
  if (ri_flags & ~(uint32_t)(RIFLAGS_RECV_PEEK | RIFLAGS_RECV_WAITALL)) return ERRNO_INVAL;
  uint8_t *len_out = guest_bytes(guest(ro_datalen_out), 4);
  uint8_t *flags_out = guest_bytes(guest(ro_flags_out), 2);
  if (!len_out || !flags_out) return ERRNO_FAULT;
  struct iovec host[IOV_LIMIT];
  int count;
  if ((err = fd_host_iovecs(guest(ri_data), ri_data_len, host, &count))) return err;
  struct msghdr msg = {.msg_iov = host, .msg_iovlen = (size_t)count};
  int flags = (ri_flags & RIFLAGS_RECV_PEEK ? MSG_PEEK : 0) |
              (ri_flags & RIFLAGS_RECV_WAITALL ? MSG_WAITALL : 0);
  ssize_t n = recvmsg(e->host_fd, &msg, flags);
  if (n < 0) return w_wasi_errno(errno);
  put_u32(len_out, (uint32_t)n);
  put_u16(flags_out, msg.msg_flags & MSG_TRUNC ? ROFLAGS_RECV_DATA_TRUNCATED : 0);
  return ERRNO_SUCCESS;
}

/* siflags has no flags yet: it must be 0. */
uint32_t w_wasi_sock_send(uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                          uint32_t so_datalen_out) {
  fd_entry *e;
  uint32_t err = sock_get(fd, RIGHT_FD_WRITE, ERRNO_BADF, &e);
  if (err) return err;
  if (si_flags != 0) return ERRNO_INVAL;
  uint8_t *out = guest_bytes(guest(so_datalen_out), 4);
  if (!out) return ERRNO_FAULT;
  struct iovec host[IOV_LIMIT];
  int count;
  if ((err = fd_host_iovecs(guest(si_data), si_data_len, host, &count))) return err;
  struct msghdr msg = {.msg_iov = host, .msg_iovlen = (size_t)count};
  ssize_t n = sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  if (n < 0) return w_wasi_errno(errno);
  put_u32(out, (uint32_t)n);
  return ERRNO_SUCCESS;
}

uint32_t w_wasi_sock_shutdown(uint32_t fd, uint32_t how) {
  static const int host_how[] = {0, SHUT_RD, SHUT_WR, SHUT_RDWR};
  fd_entry *e;
  uint32_t err = sock_get(fd, RIGHT_SOCK_SHUTDOWN, ERRNO_NOTCAPABLE, &e);
  if (err) return err;
  if (how == 0 || how > (SDFLAGS_RD | SDFLAGS_WR)) return ERRNO_INVAL;
  return shutdown(e->host_fd, host_how[how]) == 0 ? ERRNO_SUCCESS : w_wasi_errno(errno);
}
