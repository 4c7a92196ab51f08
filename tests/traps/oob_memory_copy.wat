;; memory.copy whose source range runs past the end of memory.
(module
  (memory 1)
  (func $_start (export "_start")
    (memory.copy (i32.const 0) (i32.const 65000) (i32.const 1000)))
)
