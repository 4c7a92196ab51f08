;; Two funcref tables: table.copy between them, table.init from a passive elem
;; segment (with a null entry), and elem.drop.
(module
  (type $thunk (func (result i32)))
  (table $src 4 funcref)
  (table $dst 4 funcref)
  (elem (table $src) (i32.const 0) func $one $two)
  (elem $passive funcref (ref.func $ten) (ref.func $twenty) (ref.null func))

  (func $one (type $thunk) (i32.const 1))
  (func $two (type $thunk) (i32.const 2))
  (func $ten (type $thunk) (i32.const 10))
  (func $twenty (type $thunk) (i32.const 20))

  (func $call_dst (export "call_dst") (param $i i32) (result i32)
    (call_indirect $dst (type $thunk) (local.get $i)))
  (func $copy (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $dst $src (local.get $d) (local.get $s) (local.get $n)))
  (func $init (export "init") (param $d i32) (param $s i32) (param $n i32)
    (table.init $dst $passive (local.get $d) (local.get $s) (local.get $n)))
  (func $drop_passive (export "drop_passive")
    (elem.drop $passive))
)
