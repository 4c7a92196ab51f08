;; Exercise 4 (reuse-values): a pure value a local already holds is read
;; from the local, as long as nothing in between changes what it reads.
(module
  (global $scale (mut i32) (i32.const 3))
  (func $touch (param $v i32)                 ;; writes global state
    (global.set $scale (local.get $v)))

  (func (export "reused") (param $x i32) (param $y i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.mul (local.get $x) (local.get $y)))
    (call $touch (i32.const 5))                   ;; writes G: x * y does not read G
    (local.set $b (i32.add (i32.mul (local.get $x) (local.get $y)) (i32.const 1)))   ;; reused
    (i32.add (local.get $a) (local.get $b)))

  (func (export "input_changed") (param $x i32) (param $y i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.mul (local.get $x) (local.get $y)))
    (local.set $x (i32.const 2))                  ;; x * y is no longer in $a
    (local.set $b (i32.mul (local.get $x) (local.get $y)))
    (i32.sub (local.get $a) (local.get $b)))

  (func (export "changed_inside") (param $x i32) (param $y i32) (result i32)
    (local $a i32)
    (local.set $a (i32.mul (local.get $x) (local.get $y)))
    ;; the tee writes x before the second x * y is computed: not reused
    (i32.add (local.tee $x (i32.const 7)) (i32.mul (local.get $x) (local.get $y))))

  (func (export "reads_global") (param $x i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.add (global.get $scale) (local.get $x)))
    (local.set $b (i32.add (global.get $scale) (local.get $x)))   ;; reused: nothing wrote G
    (call $touch (local.get $x))                                  ;; G written
    (i32.add (i32.add (local.get $a) (local.get $b))
             (i32.add (global.get $scale) (local.get $x))))       ;; not reused

  (func (export "across_a_loop") (param $n i32) (result i32)
    (local $a i32) (local $i i32)
    (local.set $a (i32.shl (local.get $n) (i32.const 2)))
    (loop $l                                      ;; writes $i only: $a still holds n << 2
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.add (local.get $i) (i32.shl (local.get $n) (i32.const 2))))

  (func (export "own_input") (param $x i32) (result i32)
    ;; $x = x + 1 does not hold x + 1 afterwards: not reused
    (local.set $x (i32.add (local.get $x) (i32.const 1)))
    (i32.add (local.get $x) (i32.const 1)))

  (func (export "traps_are_not_pure") (param $x i32) (result i32)
    (local $a i32)
    ;; x / 3 may trap (it cannot, but the effect says t:div,ovf): not reused
    (local.set $a (i32.div_s (local.get $x) (i32.const 3)))
    (i32.add (local.get $a) (i32.div_s (local.get $x) (i32.const 3))))
)
