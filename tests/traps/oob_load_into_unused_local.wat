;; A load whose value goes to a local nothing reads must still trap.
(module
  (memory 1)
  (func $_start (export "_start")
    (local $unused i32)
    (local.set $unused (i32.load (i32.const 65536))))
)
