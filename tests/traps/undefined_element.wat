;; call_indirect with an index (2) beyond the table's size (2).
(module
  (type $thunk (func))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $nothing $nothing)
  (func $nothing (type $thunk))
  (func $_start (export "_start")
    (call_indirect $t (type $thunk) (i32.const 2)))
)
