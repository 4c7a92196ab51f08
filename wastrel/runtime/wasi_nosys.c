/* wasi_nosys.c -- the WASI preview 1 functions NOT YET IMPLEMENTED.
 *
 * Each one only answers ERRNO_NOSYS ("function not supported"), so that a
 * program importing it still links and runs until it calls it.  The
 * filesystem (fd_* on files and directories, path_*) comes with the
 * sandboxed preopens; polling, signals and sockets after that.  When a
 * function is implemented, it moves out of this file.
 */
#include "wasi_guest.h"

uint32_t w_wasi_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  (void)fd; (void)offset; (void)len; (void)advice;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len) {
  (void)fd; (void)offset; (void)len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_datasync(uint32_t fd) {
  (void)fd;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_fdstat_set_flags(uint32_t fd, uint32_t flags) {
  (void)fd; (void)flags;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_fdstat_set_rights(uint32_t fd, uint64_t fs_rights_base,
                                     uint64_t fs_rights_inheriting) {
  (void)fd; (void)fs_rights_base; (void)fs_rights_inheriting;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_filestat_get(uint32_t fd, uint32_t filestat_out) {
  (void)fd; (void)filestat_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_filestat_set_size(uint32_t fd, uint64_t size) {
  (void)fd; (void)size;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags) {
  (void)fd; (void)atim; (void)mtim; (void)fst_flags;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_pread(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                         uint32_t nread_out) {
  (void)fd; (void)iovs; (void)iovs_len; (void)offset; (void)nread_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_pwrite(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                          uint32_t nwritten_out) {
  (void)fd; (void)iovs; (void)iovs_len; (void)offset; (void)nwritten_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_readdir(uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                           uint32_t bufused_out) {
  (void)fd; (void)buf; (void)buf_len; (void)cookie; (void)bufused_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_renumber(uint32_t fd, uint32_t to) {
  (void)fd; (void)to;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_fd_sync(uint32_t fd) {
  (void)fd;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_create_directory(uint32_t fd, uint32_t path, uint32_t path_len) {
  (void)fd; (void)path; (void)path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_filestat_get(uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                                  uint32_t filestat_out) {
  (void)fd; (void)flags; (void)path; (void)path_len; (void)filestat_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_filestat_set_times(uint32_t fd, uint32_t flags, uint32_t path,
                                        uint32_t path_len, uint64_t atim, uint64_t mtim,
                                        uint32_t fst_flags) {
  (void)fd; (void)flags; (void)path; (void)path_len; (void)atim; (void)mtim; (void)fst_flags;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_link(uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                          uint32_t new_path_len) {
  (void)old_fd; (void)old_flags; (void)old_path; (void)old_path_len; (void)new_fd; (void)new_path; (void)new_path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_open(uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                          uint32_t oflags, uint64_t fs_rights_base, uint64_t fs_rights_inheriting,
                          uint32_t fdflags, uint32_t fd_out) {
  (void)fd; (void)dirflags; (void)path; (void)path_len; (void)oflags; (void)fs_rights_base; (void)fs_rights_inheriting; (void)fdflags; (void)fd_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_readlink(uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused_out) {
  (void)fd; (void)path; (void)path_len; (void)buf; (void)buf_len; (void)bufused_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_remove_directory(uint32_t fd, uint32_t path, uint32_t path_len) {
  (void)fd; (void)path; (void)path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_rename(uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
                            uint32_t new_path, uint32_t new_path_len) {
  (void)fd; (void)old_path; (void)old_path_len; (void)new_fd; (void)new_path; (void)new_path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_symlink(uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                             uint32_t new_path, uint32_t new_path_len) {
  (void)old_path; (void)old_path_len; (void)fd; (void)new_path; (void)new_path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_path_unlink_file(uint32_t fd, uint32_t path, uint32_t path_len) {
  (void)fd; (void)path; (void)path_len;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_poll_oneoff(uint32_t in, uint32_t out, uint32_t nsubscriptions,
                            uint32_t nevents_out) {
  (void)in; (void)out; (void)nsubscriptions; (void)nevents_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_proc_raise(uint32_t sig) {
  (void)sig;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_sock_accept(uint32_t fd, uint32_t flags, uint32_t fd_out) {
  (void)fd; (void)flags; (void)fd_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_sock_recv(uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                          uint32_t ro_datalen_out, uint32_t ro_flags_out) {
  (void)fd; (void)ri_data; (void)ri_data_len; (void)ri_flags; (void)ro_datalen_out; (void)ro_flags_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_sock_send(uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                          uint32_t so_datalen_out) {
  (void)fd; (void)si_data; (void)si_data_len; (void)si_flags; (void)so_datalen_out;
  return ERRNO_NOSYS;
}

uint32_t w_wasi_sock_shutdown(uint32_t fd, uint32_t how) {
  (void)fd; (void)how;
  return ERRNO_NOSYS;
}
