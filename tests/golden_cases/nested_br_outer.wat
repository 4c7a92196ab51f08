;; Nested blocks with branches to outer labels, with and without values.
(module
  ;; x = 0: exits $inner, runs both tails -> 111
  ;; x = 1: exits $middle, runs only the outer tail -> 110
  ;; else : exits $outer directly -> 100
  (func $classify (export "classify") (param $x i32) (result i32)
    (local $r i32)
    (local.set $r (i32.const 100))
    (block $outer
      (block $middle
        (block $inner
          (br_if $inner (i32.eqz (local.get $x)))
          (br_if $middle (i32.eq (local.get $x) (i32.const 1)))
          (br $outer))
        (local.set $r (i32.add (local.get $r) (i32.const 1))))
      (local.set $r (i32.add (local.get $r) (i32.const 10))))
    (local.get $r))

  ;; x != 0: br_if jumps two levels out with 7; x = 0: 3 + 40 = 43
  (func $outer_value (export "outer_value") (param $x i32) (result i32)
    (block $outer (result i32)
      (i32.add
        (block $inner (result i32)
          (drop (br_if $outer (i32.const 7) (local.get $x)))
          (i32.const 3))
        (i32.const 40))))
)
