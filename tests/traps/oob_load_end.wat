;; i32.load at address 65536 in a one-page memory: the first byte past the end.
(module
  (memory 1)
  (global $addr (mut i32) (i32.const 65536))
  (func $_start (export "_start")
    (drop (i32.load (global.get $addr))))
)
