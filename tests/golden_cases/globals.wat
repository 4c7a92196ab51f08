;; Mutable and immutable globals of several types; one mutable global is exported.
;; State persists across the invocations listed in expected.json.
(module
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $step i32 (i32.const 3))
  (global $total (mut i64) (i64.const 1000))
  (global $scale (mut f64) (f64.const 0.5))

  (func $bump (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (global.get $step)))
    (global.get $counter))

  (func $add_total (export "add_total") (param $x i64) (result i64)
    (global.set $total (i64.add (global.get $total) (local.get $x)))
    (global.get $total))

  ;; doubles the scale each call and returns the new value
  (func $double_scale (export "double_scale") (result f64)
    (global.set $scale (f64.mul (global.get $scale) (f64.const 2)))
    (global.get $scale))
)
