;; A load whose value is both dropped and teed into a local that is then
;; overwritten (an `eval` of a `local.tee`) must still trap.
(module
  (memory 1)
  (func $_start (export "_start")
    (local $x i32)
    (drop (local.tee $x (i32.load (i32.const 70000))))
    (local.set $x (i32.const 1)))
)
