;; The unreachable instruction, unconditionally and on a guarded path.
(module
  (func $boom (export "boom")
    (unreachable))

  ;; traps for negative x, else returns x
  (func $guarded (export "guarded") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (unreachable)))
    (local.get $x))

  ;; unreachable in a branch that must produce an i64
  (func $as_value (export "as_value") (param $x i32) (result i64)
    (if (result i64) (local.get $x)
      (then (i64.const 42))
      (else (unreachable))))
)
