;; A load whose value goes to a global that nothing reads (gcc removes the
;; global, and with fast traps the read with it) must still trap.
(module
  (memory 1)
  (global $sink (mut i64) (i64.const 0))
  (func $_start (export "_start")
    (global.set $sink (i64.load16_s offset=70000 (i32.const 0))))
)
