;; A block that produces a value, and a block exited early with br carrying a value.
(module
  ;; ((x + 1) << 1) * 3, the shift computed inside a block with a result
  (func $block_value (export "block_value") (param $x i32) (result i32)
    (i32.mul
      (block $double (result i32)
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (i32.shl (local.get $x) (i32.const 1)))
      (i32.const 3)))

  ;; -1 for negative x, otherwise x*x
  (func $early_exit (export "early_exit") (param $x i32) (result i32)
    (block $done (result i32)
      (if (i32.lt_s (local.get $x) (i32.const 0))
        (then (br $done (i32.const -1))))
      (i32.mul (local.get $x) (local.get $x))))
)
