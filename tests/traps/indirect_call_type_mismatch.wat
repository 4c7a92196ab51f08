;; call_indirect expecting (i32) -> i32 on a function of type () -> ().
(module
  (type $thunk (func))
  (type $unop (func (param i32) (result i32)))
  (table $t 1 funcref)
  (elem (table $t) (i32.const 0) func $nothing)
  (func $nothing (type $thunk))
  (func $_start (export "_start")
    (drop (call_indirect $t (type $unop) (i32.const 5) (i32.const 0))))
)
