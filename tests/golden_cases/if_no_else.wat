;; if without else: conditional side effects only.
(module
  (func $clamp_low (export "clamp_low") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0))
      (then (local.set $x (i32.const 0))))
    (local.get $x))

  ;; 1 if a is non-zero, plus 2 if b is non-zero
  (func $flags (export "flags") (param $a i32) (param $b i32) (result i32)
    (local $n i32)
    (if (local.get $a)
      (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
    (if (local.get $b)
      (then (local.set $n (i32.add (local.get $n) (i32.const 2)))))
    (local.get $n))
)
