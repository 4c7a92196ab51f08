;; Bulk memory: memory.fill, memory.copy (overlapping), memory.init from a passive
;; data segment, and data.drop. Each function returns the i32 at $dst afterwards.
(module
  (memory $mem 1)
  (data $greeting "hello, wastrel")
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")

  (func $fill (export "fill") (param $dst i32) (param $val i32) (param $len i32) (result i32)
    (memory.fill (local.get $dst) (local.get $val) (local.get $len))
    (i32.load (local.get $dst)))

  (func $copy (export "copy") (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))
    (i32.load (local.get $dst)))

  (func $init (export "init") (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (memory.init $greeting (local.get $dst) (local.get $src) (local.get $len))
    (i32.load (local.get $dst)))

  (func $drop_greeting (export "drop_greeting")
    (data.drop $greeting))
)
