;; Exercise 3 (reduce-strength): products, quotients and remainders by powers of two.
(module
  (global $g (mut i32) (i32.const 0))
  (func (export "double") (param $x i32) (result i32)       ;; x << 1
    (i32.mul (local.get $x) (i32.const 2)))
  (func (export "mul") (param $x i32) (result i32)          ;; x << 3
    (i32.mul (local.get $x) (i32.const 8)))
  (func (export "mul_first") (param $x i32) (result i32)    ;; the constant may come first
    (i32.mul (i32.const 16) (local.get $x)))
  (func (export "mul_top") (param $x i64) (result i64)      ;; 2**63 is i64.const MIN: x << 63
    (i64.mul (local.get $x) (i64.const 0x8000000000000000)))
  (func (export "div_u") (param $x i32) (result i32)        ;; x >>u 4; no division, no trap
    (i32.div_u (local.get $x) (i32.const 16)))
  (func (export "rem_u") (param $x i64) (result i64)        ;; x & 1023
    (i64.rem_u (local.get $x) (i64.const 1024)))
  (func (export "div_s") (param $x i32) (result i32)        ;; rounds toward zero: -7 / 4 = -1
    (i32.div_s (local.get $x) (i32.const 4)))
  (func (export "rem_s") (param $x i32) (result i32)        ;; the sign of x: -7 % 4 = -3
    (i32.rem_s (local.get $x) (i32.const 4)))
  (func (export "div_s_big") (param $x i64) (result i64)    ;; the largest positive power, 2**62
    (i64.div_s (local.get $x) (i64.const 0x4000000000000000)))
  (func (export "by_one") (param $x i32) (result i32)       ;; x / 1 + x % 1 + x * 1
    (i32.add (i32.add (i32.div_s (local.get $x) (i32.const 1)) (i32.rem_s (local.get $x) (i32.const 1)))
             (i32.mul (local.get $x) (i32.const 1))))
  (func (export "div_s_pending") (param $x i32) (result i32)  ;; x / 4 + 1, in flat form:
    local.get $x                                           ;; x is a pending temporary t1,
    i32.const 1                                            ;; which the division reads
    local.set $x                                           ;; three times once reduced
    i32.const 4
    i32.div_s
    local.get $x
    i32.add)
  ;; Left alone:
  (func (export "div_s_negative") (param $x i32) (result i32)   ;; a negative divisor
    (i32.div_s (local.get $x) (i32.const -4)))
  (func (export "div_s_min") (param $x i32) (result i32)        ;; 2**31 is negative as i32
    (i32.div_s (local.get $x) (i32.const 0x80000000)))
  (func (export "div_s_impure") (param $x i32) (result i32)     ;; x would run three times
    (i32.div_s (call $bump (local.get $x)) (i32.const 4)))
  (func (export "div_by_zero") (param $x i32) (result i32)      ;; must still trap
    (i32.div_u (local.get $x) (i32.const 0)))
  (func (export "not_a_power") (param $x i32) (result i32)
    (i32.mul (local.get $x) (i32.const 12)))
  (func $bump (param $x i32) (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.add (local.get $x) (global.get $g)))
)
