;; i32.store8 at address -1, i.e. 0xffffffff (addresses are unsigned).
(module
  (memory 1)
  (func $_start (export "_start")
    (i32.store8 (i32.const -1) (i32.const 7)))
)
