;; Locals: zero initialisation of every type, local.set and local.tee.
(module
  ;; a = 2x (via tee inside the expression), b = a + 1, returns a + 100 * b
  (func $tee_chain (export "tee_chain") (param $x i32) (result i32)
    (local $a i32)
    (local $b i32)
    (local.set $b
      (i32.add (local.tee $a (i32.mul (local.get $x) (i32.const 2))) (i32.const 1)))
    (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 100))))

  ;; declared locals start at zero: returns 0 + 0 + 0 + 0 + 7
  (func $zero_locals (export "zero_locals") (result i64)
    (local $i i32) (local $l i64) (local $f f32) (local $d f64)
    (i64.add
      (i64.add (i64.extend_i32_u (local.get $i)) (local.get $l))
      (i64.add
        (i64.trunc_f32_s (local.get $f))
        (i64.add (i64.trunc_f64_s (local.get $d)) (i64.const 7)))))

  ;; tee of a parameter: (x + 1) * (x + 1)
  (func $square_succ (export "square_succ") (param $x i32) (result i32)
    (i32.mul
      (local.tee $x (i32.add (local.get $x) (i32.const 1)))
      (local.get $x)))
)
