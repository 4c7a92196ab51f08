;; memory.fill of 16 bytes starting 8 bytes before the end of memory.
(module
  (memory 1)
  (func $_start (export "_start")
    (memory.fill (i32.const 65528) (i32.const 0xaa) (i32.const 16)))
)
