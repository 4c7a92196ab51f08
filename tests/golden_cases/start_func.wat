;; A start function runs once during instantiation, before any export is called.
(module
  (memory $mem 1)
  (global $ready (mut i32) (i32.const 0))

  (func $init
    (i32.store (i32.const 8) (i32.const 1234))
    (global.set $ready (i32.add (global.get $ready) (i32.const 1))))
  (start $init)

  (func $ready (export "ready") (result i32)
    (global.get $ready))
  (func $stored (export "stored") (result i32)
    (i32.load (i32.const 8)))
)
