;; A load into a local that is overwritten before anyone reads it must
;; still trap, before the program goes on to print (it prints nothing).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "after\n")
  (func $_start (export "_start")
    (local $x i32)
    (local.set $x (i32.load (i32.const 70000)))
    (local.set $x (i32.const 0))
    (i32.store (i32.const 16) (local.get $x))
    (i32.store (i32.const 20) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
)
