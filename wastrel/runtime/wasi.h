/* wasi.h -- the WASI preview 1 functions (module wasi_snapshot_preview1).
 *
 * Included by wastrel.h.  Each function `name` of the witx is the C function
 * `w_wasi_<name>` with its core Wasm signature: i32 parameters (guest
 * addresses, lengths, descriptors, enums and flags) are uint32_t, i64 ones
 * uint64_t, and the result is the errno (0 on success) as uint32_t.  A
 * result the witx calls `(expected T ...)` is written to guest memory at the
 * extra address parameters named `..._out` here.  backend_c/host.py lists
 * the same functions with their Wasm types for the compiler.
 *
 * Implemented in wasi.c (process, clocks, randomness), wasi_fd.c (the
 * descriptor table), wasi_io.c (reading, writing, offsets), wasi_filestat.c,
 * wasi_readdir.c, wasi_path.c, wasi_poll.c and wasi_sock.c.
 */
#ifndef WASTREL_WASI_H
#define WASTREL_WASI_H

#include <stdint.h>

uint32_t w_wasi_args_get(uint32_t argv, uint32_t argv_buf);
uint32_t w_wasi_args_sizes_get(uint32_t argc_out, uint32_t argv_buf_size_out);
uint32_t w_wasi_environ_get(uint32_t environ, uint32_t environ_buf);
uint32_t w_wasi_environ_sizes_get(uint32_t count_out, uint32_t buf_size_out);
uint32_t w_wasi_clock_res_get(uint32_t id, uint32_t resolution_out);
uint32_t w_wasi_clock_time_get(uint32_t id, uint64_t precision, uint32_t time_out);
uint32_t w_wasi_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
uint32_t w_wasi_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len);
uint32_t w_wasi_fd_close(uint32_t fd);
uint32_t w_wasi_fd_datasync(uint32_t fd);
uint32_t w_wasi_fd_fdstat_get(uint32_t fd, uint32_t fdstat_out);
uint32_t w_wasi_fd_fdstat_set_flags(uint32_t fd, uint32_t flags);
uint32_t w_wasi_fd_fdstat_set_rights(uint32_t fd, uint64_t fs_rights_base,
                                     uint64_t fs_rights_inheriting);
uint32_t w_wasi_fd_filestat_get(uint32_t fd, uint32_t filestat_out);
uint32_t w_wasi_fd_filestat_set_size(uint32_t fd, uint64_t size);
uint32_t w_wasi_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim,
                                      uint32_t fst_flags);
uint32_t w_wasi_fd_pread(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                         uint32_t nread_out);
uint32_t w_wasi_fd_prestat_get(uint32_t fd, uint32_t prestat_out);
uint32_t w_wasi_fd_prestat_dir_name(uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t w_wasi_fd_pwrite(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                          uint32_t nwritten_out);
uint32_t w_wasi_fd_read(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
uint32_t w_wasi_fd_readdir(uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                           uint32_t bufused_out);
uint32_t w_wasi_fd_renumber(uint32_t fd, uint32_t to);
uint32_t w_wasi_fd_seek(uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_out);
uint32_t w_wasi_fd_sync(uint32_t fd);
uint32_t w_wasi_fd_tell(uint32_t fd, uint32_t offset_out);
uint32_t w_wasi_fd_write(uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out);
uint32_t w_wasi_path_create_directory(uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t w_wasi_path_filestat_get(uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                                  uint32_t filestat_out);
uint32_t w_wasi_path_filestat_set_times(uint32_t fd, uint32_t flags, uint32_t path,
                                        uint32_t path_len, uint64_t atim, uint64_t mtim,
                                        uint32_t fst_flags);
uint32_t w_wasi_path_link(uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                          uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                          uint32_t new_path_len);
uint32_t w_wasi_path_open(uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                          uint32_t oflags, uint64_t fs_rights_base,
                          uint64_t fs_rights_inheriting, uint32_t fdflags, uint32_t fd_out);
uint32_t w_wasi_path_readlink(uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                              uint32_t buf_len, uint32_t bufused_out);
uint32_t w_wasi_path_remove_directory(uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t w_wasi_path_rename(uint32_t fd, uint32_t old_path, uint32_t old_path_len,
                            uint32_t new_fd, uint32_t new_path, uint32_t new_path_len);
uint32_t w_wasi_path_symlink(uint32_t old_path, uint32_t old_path_len, uint32_t fd,
                             uint32_t new_path, uint32_t new_path_len);
uint32_t w_wasi_path_unlink_file(uint32_t fd, uint32_t path, uint32_t path_len);
uint32_t w_wasi_poll_oneoff(uint32_t in, uint32_t out, uint32_t nsubscriptions,
                            uint32_t nevents_out);
_Noreturn void w_wasi_proc_exit(uint32_t rval);
uint32_t w_wasi_proc_raise(uint32_t sig);
uint32_t w_wasi_sched_yield(void);
uint32_t w_wasi_random_get(uint32_t buf, uint32_t buf_len);
uint32_t w_wasi_sock_accept(uint32_t fd, uint32_t flags, uint32_t fd_out);
uint32_t w_wasi_sock_recv(uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                          uint32_t ro_datalen_out, uint32_t ro_flags_out);
uint32_t w_wasi_sock_send(uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                          uint32_t so_datalen_out);
uint32_t w_wasi_sock_shutdown(uint32_t fd, uint32_t how);

#endif
