/* wasi.c -- a guest of the WASI functions, with one page of memory.
 *
 * _start prints the guest's argv and environment, one string per line.
 * The `raw_*` exports pass their arguments straight to one WASI function
 * and return its errno; the others run a small scenario each. */
#include "wastrel.h"

static w_memory mem;

void w_program_instantiate(void) {
  w_memory_init(&mem, 1, 1, 1);
  w_wasi_memory = &mem;
}

/* Writes the NUL-terminated string at guest address `s` and a newline to
 * stdout (the iovecs at 0..15, nwritten at 16). */
static void put_line(uint32_t s) {
  w_i32_store(mem.base, 0, s);
  w_i32_store(mem.base, 4, (uint32_t)strlen((char *)mem.base + s));
  w_i32_store(mem.base, 8, 24);
  w_i32_store(mem.base, 12, 1);
  w_i32_store8(mem.base, 24, '\n');
  w_wasi_fd_write(1, 0, 2, 16);
}

/* Prints each string of an argv-like list whose sizes_get and get are
 * given: pointers at 1024, strings at 4096. */
static void print_list(uint32_t (*sizes_get)(uint32_t, uint32_t),
                       uint32_t (*get)(uint32_t, uint32_t)) {
  sizes_get(32, 36);
  get(1024, 4096);
  for (uint32_t i = 0; i < w_i32_load(mem.base, 32); i++) put_line(w_i32_load(mem.base, 1024 + 4 * i));
}

static void t__start(const w_value *a, w_value *r) {
  (void)a; (void)r;
  print_list(w_wasi_args_sizes_get, w_wasi_args_get);
  print_list(w_wasi_environ_sizes_get, w_wasi_environ_get);
}

static void t_exit(const w_value *a, w_value *r) {
  (void)r;
  w_wasi_proc_exit(a[0].i32);
}

/* Copies stdin to stdout through a 7-byte buffer; returns the byte count. */
static void t_cat(const w_value *a, w_value *r) {
  (void)a;
  uint32_t total = 0;
  w_i32_store(mem.base, 0, 100);
  w_i32_store(mem.base, 4, 7);
  for (;;) {
    if (w_wasi_fd_read(0, 0, 1, 8) != 0) break;
    uint32_t n = w_i32_load(mem.base, 8);
    if (n == 0) break;
    w_i32_store(mem.base, 4, n);
    w_wasi_fd_write(1, 0, 1, 12);
    w_i32_store(mem.base, 4, 7);
    total += n;
  }
  r[0].i32 = total;
}

/* Writes "hello\n" to fd; returns (errno, nwritten). */
static void t_hello(const w_value *a, w_value *r) {
  memcpy(mem.base + 100, "hello\n", 6);
  w_i32_store(mem.base, 0, 100);
  w_i32_store(mem.base, 4, 6);
  r[0].i32 = w_wasi_fd_write(a[0].i32, 0, 1, 8);
  r[1].i32 = w_i32_load(mem.base, 8);
}

/* fd_write(1) of one buffer (buf, len); returns (errno, nwritten). */
static void t_write_buf(const w_value *a, w_value *r) {
  w_i32_store(mem.base, 0, a[0].i32);
  w_i32_store(mem.base, 4, a[1].i32);
  r[0].i32 = w_wasi_fd_write(1, 0, 1, 8);
  r[1].i32 = w_i32_load(mem.base, 8);
}

/* Writes "hello\n" to fd 1, then fd_tell(1) and fd_seek(1, 2, set). */
static void t_tell(const w_value *a, w_value *r) {
  (void)a;
  t_hello((const w_value[]){{.i32 = 1}}, r);
  r[0].i32 = w_wasi_fd_tell(1, 16);
  r[1].i64 = w_i64_load(mem.base, 16);
  r[2].i32 = w_wasi_fd_seek(1, 2, 0, 16);
  r[3].i64 = w_i64_load(mem.base, 16);
}

/* fd_seek(fd, offset, whence); returns (errno, new offset). */
static void t_seek(const w_value *a, w_value *r) {
  r[0].i32 = w_wasi_fd_seek(a[0].i32, a[1].i64, a[2].i32, 16);
  r[1].i64 = w_i64_load(mem.base, 16);
}

/* fd_fdstat_get(fd); returns (errno, filetype, flags, rights base, rights inheriting). */
static void t_fdstat(const w_value *a, w_value *r) {
  memset(mem.base + 64, 0xff, 24);
  r[0].i32 = w_wasi_fd_fdstat_get(a[0].i32, 64);
  r[1].i32 = w_i32_load8_u(mem.base, 64);
  r[2].i32 = w_i32_load16_u(mem.base, 66);
  r[3].i64 = w_i64_load(mem.base, 72);
  r[4].i64 = w_i64_load(mem.base, 80);
}

/* clock_time_get(id) twice and clock_res_get(id); returns (errno, errno,
 * second >= first, errno, resolution > 0). */
static void t_clock(const w_value *a, w_value *r) {
  r[0].i32 = w_wasi_clock_time_get(a[0].i32, 1, 16);
  uint64_t t0 = w_i64_load(mem.base, 16);
  r[1].i32 = w_wasi_clock_time_get(a[0].i32, 1, 16);
  r[2].i32 = w_i64_load(mem.base, 16) >= t0 && t0 > 0;
  r[3].i32 = w_wasi_clock_res_get(a[0].i32, 24);
  r[4].i32 = w_i64_load(mem.base, 24) > 0;
}

/* Realtime now, in seconds. */
static void t_now(const w_value *a, w_value *r) {
  (void)a;
  w_wasi_clock_time_get(0, 0, 16);
  r[0].i64 = w_i64_load(mem.base, 16) / 1000000000u;
}

/* random_get(0, 65536) twice; returns (errno, the two results differ). */
static void t_random(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_wasi_random_get(0, 65536);
  uint64_t first = w_i64_load(mem.base, 0);
  w_wasi_random_get(0, 65536);
  r[1].i32 = w_i64_load(mem.base, 0) != first;
}

/* fd_close(fd), then writes "hello\n" to it; returns both errnos. */
static void t_close_write(const w_value *a, w_value *r) {
  w_value hello[2];
  r[0].i32 = w_wasi_fd_close(a[0].i32);
  t_hello(a, hello);
  r[1] = hello[0];
}

static void t_sched_yield(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_wasi_sched_yield();
}

#define RAW2(name)                                                         \
  static void t_raw_##name(const w_value *a, w_value *r) {                 \
    r[0].i32 = w_wasi_##name(a[0].i32, a[1].i32);                          \
  }
#define RAW3(name)                                                         \
  static void t_raw_##name(const w_value *a, w_value *r) {                 \
    r[0].i32 = w_wasi_##name(a[0].i32, a[1].i32, a[2].i32);                \
  }
#define RAW4(name)                                                         \
  static void t_raw_##name(const w_value *a, w_value *r) {                 \
    r[0].i32 = w_wasi_##name(a[0].i32, a[1].i32, a[2].i32, a[3].i32);      \
  }
RAW2(args_get) RAW2(args_sizes_get) RAW2(environ_get) RAW2(environ_sizes_get)
RAW2(clock_res_get) RAW2(random_get) RAW2(fd_tell) RAW2(fd_fdstat_get) RAW2(fd_prestat_get)
RAW3(fd_prestat_dir_name) RAW4(fd_write) RAW4(fd_read) RAW4(poll_oneoff)
static void t_raw_clock_time_get(const w_value *a, w_value *r) {
  r[0].i32 = w_wasi_clock_time_get(a[0].i32, 0, a[1].i32);
}
static void t_raw_fd_seek(const w_value *a, w_value *r) {
  r[0].i32 = w_wasi_fd_seek(a[0].i32, 0, a[1].i32, a[2].i32);
}
static void t_raw_fd_close(const w_value *a, w_value *r) { r[0].i32 = w_wasi_fd_close(a[0].i32); }
static void t_raw_path_open(const w_value *a, w_value *r) {
  (void)a;
  r[0].i32 = w_wasi_path_open(3, 0, 0, 1, 0, 0, 0, 0, 0);
}

#define E(name, params, results) {#name, params, results, t_##name}
const w_export w_program_exports[] = {
    E(_start, "", ""), E(exit, "i", ""), E(cat, "", "i"), E(hello, "i", "ii"),
    E(write_buf, "ii", "ii"), E(tell, "", "iIiI"), E(seek, "iIi", "iI"),
    E(fdstat, "i", "iiiII"), E(clock, "i", "iiiii"), E(now, "", "I"), E(random, "", "ii"),
    E(close_write, "i", "ii"), E(sched_yield, "", "i"),
    E(raw_args_get, "ii", "i"), E(raw_args_sizes_get, "ii", "i"), E(raw_environ_get, "ii", "i"),
    E(raw_environ_sizes_get, "ii", "i"), E(raw_clock_res_get, "ii", "i"),
    E(raw_clock_time_get, "ii", "i"), E(raw_random_get, "ii", "i"), E(raw_fd_tell, "ii", "i"),
    E(raw_fd_fdstat_get, "ii", "i"), E(raw_fd_prestat_get, "ii", "i"),
    E(raw_fd_prestat_dir_name, "iii", "i"), E(raw_fd_write, "iiii", "i"),
    E(raw_fd_read, "iiii", "i"), E(raw_poll_oneoff, "iiii", "i"), E(raw_fd_seek, "iii", "i"),
    E(raw_fd_close, "i", "i"), E(raw_path_open, "", "i"),
};
const uint32_t w_program_num_exports = sizeof w_program_exports / sizeof *w_program_exports;
