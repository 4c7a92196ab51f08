/* wasi_sockets.c -- sock_recv, sock_send, sock_shutdown and sock_accept
 * on a socket the host gave as stdin.
 *
 *   wasi_sockets talk     stdin is a connected stream socket; the peer
 *                         sends "ping", the program answers "pong" and
 *                         shuts down its side for writing
 *   wasi_sockets accept   stdin is a listening socket; the program accepts
 *                         one connection and answers it the same way
 *
 * The transcript goes to stdout (which the tests keep a pipe). */
#include "transcript.h"

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(sock_send) int raw_sock_send(int, int, int, int, int);

static void talk(__wasi_fd_t fd) {
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  __wasi_roflags_t flags = 0;
  T("peek", __wasi_sock_recv(fd, &iov, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &flags));
  printf("  \"%.*s\" flags=%u\n", (int)n, buf, flags);
  __wasi_iovec_t four = {(uint8_t *)buf, 4};
  T("recv all 4", __wasi_sock_recv(fd, &four, 1, __WASI_RIFLAGS_RECV_WAITALL, &n, &flags));
  printf("  \"%.*s\"\n", (int)n, buf);
  __wasi_ciovec_t out[2] = {{(const uint8_t *)"po", 2}, {(const uint8_t *)"ng", 2}};
  T("send", __wasi_sock_send(fd, out, 2, 0, &n));
  printf("  %u bytes\n", (unsigned)n);
  T("send with a flag", raw_sock_send(fd, (int)out, 1, 1, (int)&n));
  T("unknown recv flag", __wasi_sock_recv(fd, &iov, 1, 4, &n, &flags));
  T("shutdown write", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR));
  T("send after shutdown", __wasi_sock_send(fd, out, 1, 0, &n));
  T("recv until the peer closes", __wasi_sock_recv(fd, &iov, 1, 0, &n, &flags));
  printf("  %u bytes\n", (unsigned)n);
  T("shutdown nothing", __wasi_sock_shutdown(fd, 0));
}

int main(int argc, char **argv) {
  __wasi_fdstat_t st;
  if (T("fdstat stdin", __wasi_fd_fdstat_get(0, &st)) == 0)
    printf("  type=%u shutdown=%d accept=%d\n", st.fs_filetype,
           !!(st.fs_rights_base & __WASI_RIGHTS_SOCK_SHUTDOWN),
           !!(st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT));
  if (argc > 1 && strcmp(argv[1], "accept") == 0) {
    __wasi_fd_t conn;
    if (T("accept", __wasi_sock_accept(0, 0, &conn)) == 0) {
      printf("  descriptor %u\n", conn);
      T("fdstat connection", __wasi_fd_fdstat_get(conn, &st));
      printf("  type=%u accept=%d\n", st.fs_filetype, !!(st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT));
      talk(conn);
      T("close connection", __wasi_fd_close(conn));
    }
    T("accept with an unknown flag", __wasi_sock_accept(0, __WASI_FDFLAGS_APPEND, &conn));
  } else {
    talk(0);
    __wasi_fd_t conn;
    T("accept on a connected socket", __wasi_sock_accept(0, 0, &conn));
  }
  T("shutdown stdout (not a socket)", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD));
  T("shutdown a closed descriptor", __wasi_sock_shutdown(9, __WASI_SDFLAGS_RD));
  return 0;
}
