;; Table instructions on a funcref table: table.get/set/size/grow/fill,
;; ref.null, ref.func, ref.is_null, and calls through the table.
(module
  (type $thunk (func (result i32)))
  (table $t 2 10 funcref)
  (elem declare func $one $two)

  (func $one (type $thunk) (i32.const 1))
  (func $two (type $thunk) (i32.const 2))

  (func $size (export "size") (result i32) (table.size $t))
  (func $grow (export "grow") (param $n i32) (result i32)
    (table.grow $t (ref.null func) (local.get $n)))
  (func $set_one (export "set_one") (param $i i32)
    (table.set $t (local.get $i) (ref.func $one)))
  (func $get (export "get") (param $i i32) (result funcref)
    (table.get $t (local.get $i)))
  (func $is_null (export "is_null") (param $i i32) (result i32)
    (ref.is_null (table.get $t (local.get $i))))
  (func $fill_two (export "fill_two") (param $i i32) (param $n i32)
    (table.fill $t (local.get $i) (ref.func $two) (local.get $n)))
  (func $call_at (export "call_at") (param $i i32) (result i32)
    (call_indirect $t (type $thunk) (local.get $i)))
)
