;; externref values passed in from the host, stored in a table and returned.
(module
  (table $refs 4 externref)

  (func $identity (export "identity") (param $r externref) (result externref)
    (local.get $r))
  (func $is_null (export "is_null") (param $r externref) (result i32)
    (ref.is_null (local.get $r)))
  (func $stash (export "stash") (param $i i32) (param $r externref)
    (table.set $refs (local.get $i) (local.get $r)))
  (func $fetch (export "fetch") (param $i i32) (result externref)
    (table.get $refs (local.get $i)))
  (func $make_null (export "make_null") (result externref)
    (ref.null extern))
)
