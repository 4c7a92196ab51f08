"""The host functions the C runtime provides, for linking a module's imports.

`HOST_FUNCTIONS` maps an import's (module name, field name) to the C function
that implements it and the function's Wasm type, which the import's declared
type must equal.  The C functions are declared in `wastrel/runtime/wasi.h`
and `wastrel/runtime/bench.h` (both included by `wastrel.h`), with i32 as
`uint32_t` and i64 as `uint64_t`.

Two host modules:

* `WASI_FUNCTIONS`: WASI preview 1, all of `wasi_snapshot_preview1` with the
  core Wasm signatures its witx lowers to: every pointer, length,
  descriptor, enum and flag set is an i32, every 64-bit integer an i64, and
  each function returns its errno as an i32, writing any other result
  through pointer parameters (`proc_exit` returns nothing, ever).
* `BENCH_FUNCTIONS`: `bench.start` and `bench.end`, both [] -> [], which
  sightglass benchmarks call around the work they measure (runtime/bench.c:
  silent, unless the program runs with --bench-time).
"""

from __future__ import annotations

from wastrel.ir.wasm import FuncType

WASI_MODULE = "wasi_snapshot_preview1"

# name -> (params, results), as space-separated value types
_WASI_SIGNATURES: dict[str, tuple[str, str]] = {
    "args_get": ("i32 i32", "i32"),
    "args_sizes_get": ("i32 i32", "i32"),
    "environ_get": ("i32 i32", "i32"),
    "environ_sizes_get": ("i32 i32", "i32"),
    "clock_res_get": ("i32 i32", "i32"),
    "clock_time_get": ("i32 i64 i32", "i32"),
    "fd_advise": ("i32 i64 i64 i32", "i32"),
    "fd_allocate": ("i32 i64 i64", "i32"),
    "fd_close": ("i32", "i32"),
    "fd_datasync": ("i32", "i32"),
    "fd_fdstat_get": ("i32 i32", "i32"),
    "fd_fdstat_set_flags": ("i32 i32", "i32"),
    "fd_fdstat_set_rights": ("i32 i64 i64", "i32"),
    "fd_filestat_get": ("i32 i32", "i32"),
    "fd_filestat_set_size": ("i32 i64", "i32"),
    "fd_filestat_set_times": ("i32 i64 i64 i32", "i32"),
    "fd_pread": ("i32 i32 i32 i64 i32", "i32"),
    "fd_prestat_get": ("i32 i32", "i32"),
    "fd_prestat_dir_name": ("i32 i32 i32", "i32"),
    "fd_pwrite": ("i32 i32 i32 i64 i32", "i32"),
    "fd_read": ("i32 i32 i32 i32", "i32"),
    "fd_readdir": ("i32 i32 i32 i64 i32", "i32"),
    "fd_renumber": ("i32 i32", "i32"),
    "fd_seek": ("i32 i64 i32 i32", "i32"),
    "fd_sync": ("i32", "i32"),
    "fd_tell": ("i32 i32", "i32"),
    "fd_write": ("i32 i32 i32 i32", "i32"),
    "path_create_directory": ("i32 i32 i32", "i32"),
    "path_filestat_get": ("i32 i32 i32 i32 i32", "i32"),
    "path_filestat_set_times": ("i32 i32 i32 i32 i64 i64 i32", "i32"),
    "path_link": ("i32 i32 i32 i32 i32 i32 i32", "i32"),
    "path_open": ("i32 i32 i32 i32 i32 i64 i64 i32 i32", "i32"),
    "path_readlink": ("i32 i32 i32 i32 i32 i32", "i32"),
    "path_remove_directory": ("i32 i32 i32", "i32"),
    "path_rename": ("i32 i32 i32 i32 i32 i32", "i32"),
    "path_symlink": ("i32 i32 i32 i32 i32", "i32"),
    "path_unlink_file": ("i32 i32 i32", "i32"),
    "poll_oneoff": ("i32 i32 i32 i32", "i32"),
    "proc_exit": ("i32", ""),
    "proc_raise": ("i32", "i32"),
    "sched_yield": ("", "i32"),
    "random_get": ("i32 i32", "i32"),
    "sock_accept": ("i32 i32 i32", "i32"),
    "sock_recv": ("i32 i32 i32 i32 i32 i32", "i32"),
    "sock_send": ("i32 i32 i32 i32 i32", "i32"),
    "sock_shutdown": ("i32 i32", "i32"),
}

WASI_FUNCTIONS: dict[tuple[str, str], tuple[str, FuncType]] = {
    (WASI_MODULE, name): (
        f"w_wasi_{name}",
        FuncType(tuple(params.split()), tuple(results.split())),
    )
    for name, (params, results) in _WASI_SIGNATURES.items()
}

BENCH_MODULE = "bench"

BENCH_FUNCTIONS: dict[tuple[str, str], tuple[str, FuncType]] = {
    (BENCH_MODULE, name): (f"w_bench_{name}", FuncType((), ())) for name in ("start", "end")
}

HOST_FUNCTIONS: dict[tuple[str, str], tuple[str, FuncType]] = {**WASI_FUNCTIONS, **BENCH_FUNCTIONS}

# For messages: the host modules, as a user would name them.
HOST_MODULES = f"{WASI_MODULE} and {BENCH_MODULE}"
