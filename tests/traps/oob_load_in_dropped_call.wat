;; A call whose result is dropped, to a function that only reads memory
;; (gcc finds it pure and, with fast traps, may delete the call), must
;; still trap.
(module
  (memory 1)
  (func $get (param i32) (result i32) (i32.load (local.get 0)))
  (func $_start (export "_start")
    (drop (call $get (i32.const 70000))))
)
