;; if/else producing values, including nested ifs and an i64 result.
(module
  (func $abs (export "abs") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get $x)))
      (else (local.get $x))))

  ;; -1, 0 or 1
  (func $sign (export "sign") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
      (then (i32.const -1))
      (else
        (if (result i32) (local.get $x)
          (then (i32.const 1))
          (else (i32.const 0))))))

  ;; if used as an operand: x * (flag ? 1000 : 1)
  (func $scale (export "scale") (param $x i64) (param $flag i32) (result i64)
    (i64.mul
      (local.get $x)
      (if (result i64) (local.get $flag)
        (then (i64.const 1000))
        (else (i64.const 1)))))
)
