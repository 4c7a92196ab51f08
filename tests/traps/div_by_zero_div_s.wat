;; i32.div_s by zero (the divisor comes from a mutable global, so it is not a constant).
(module
  (global $zero (mut i32) (i32.const 0))
  (func $_start (export "_start")
    (drop (i32.div_s (i32.const 42) (global.get $zero))))
)
