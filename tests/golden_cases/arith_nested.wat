;; Nested arithmetic expression trees (folded form) and a trapping division.
(module
  ;; x + y * 3
  (func $affine (export "affine") (param $x i32) (param $y i32) (result i32)
    (i32.add (local.get $x) (i32.mul (local.get $y) (i32.const 3))))

  ;; x*x - (x << 1)
  (func $poly (export "poly") (param $x i32) (result i32)
    (i32.sub
      (i32.mul (local.get $x) (local.get $x))
      (i32.shl (local.get $x) (i32.const 1))))

  ;; ((a - b) & 0xff) | ((c ^ a) >>u 2)
  (func $mixed (export "mixed") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.or
      (i32.and (i32.sub (local.get $a) (local.get $b)) (i32.const 0xff))
      (i32.shr_u (i32.xor (local.get $c) (local.get $a)) (i32.const 2))))

  ;; a /s b + a %u b  (traps when b = 0, or a = INT_MIN and b = -1)
  (func $divs (export "divs") (param $a i32) (param $b i32) (result i32)
    (i32.add
      (i32.div_s (local.get $a) (local.get $b))
      (i32.rem_u (local.get $a) (local.get $b))))
)
