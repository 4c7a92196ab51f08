;; i64.load at 65532 in a one-page memory: starts in bounds but its last 4 bytes do not.
(module
  (memory 1)
  (func $_start (export "_start")
    (drop (i64.load (i32.const 65532))))
)
