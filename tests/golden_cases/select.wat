;; Plain select (numeric operands) and typed select (including a reference type).
(module
  (func $max (export "max") (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))

  (func $pick_i64 (export "pick_i64") (param $c i32) (result i64)
    (select (i64.const 1) (i64.const -1) (local.get $c)))

  (func $pick_f64 (export "pick_f64") (param $c i32) (result f64)
    (select (result f64) (f64.const 1.5) (f64.const -2.25) (local.get $c)))

  ;; typed select is required for reference operands
  (func $pick_ref (export "pick_ref") (param $c i32) (result funcref)
    (select (result funcref) (ref.func $max) (ref.null func) (local.get $c)))
)
