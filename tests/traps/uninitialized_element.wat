;; call_indirect on a table slot that was never initialised (null).
(module
  (type $thunk (func))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $nothing)
  (func $nothing (type $thunk))
  (func $_start (export "_start")
    (call_indirect $t (type $thunk) (i32.const 1)))
)
