;; i64.rem_u by zero, with constant operands.
(module
  (func $_start (export "_start")
    (drop (i64.rem_u (i64.const 42) (i64.const 0))))
)
