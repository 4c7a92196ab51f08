;; Exercise 1 (fold-constants): constants whose operations Wasm defines exactly.
(module
  (func (export "wrap") (result i32)                    ;; 2147483647 + 1 wraps around
    (i32.add (i32.const 2147483647) (i32.const 1)))
  (func (export "shift") (result i32)                   ;; the count is taken mod 32: 1 << 1
    (i32.shl (i32.const 1) (i32.const 33)))
  (func (export "unsigned") (result i32)                ;; -1 is 0xffffffff: not below 0 unsigned
    (i32.lt_u (i32.const -1) (i32.const 0)))
  (func (export "signed") (result i32)
    (i32.lt_s (i32.const -1) (i32.const 0)))
  (func (export "div") (result i32)                     ;; rounds toward zero: -3
    (i32.div_s (i32.const -7) (i32.const 2)))
  (func (export "rem") (result i32)                     ;; the sign of the dividend: -1
    (i32.rem_s (i32.const -7) (i32.const 2)))
  (func (export "rem_min") (result i32)                 ;; MIN rem_s -1 is 0, no trap
    (i32.rem_s (i32.const -2147483648) (i32.const -1)))
  (func (export "nested") (param $x i32) (result i32)   ;; x + (1 + 2) * 4: bottom-up
    (i32.add (local.get $x) (i32.mul (i32.add (i32.const 1) (i32.const 2)) (i32.const 4))))
  (func (export "rotate") (result i64)                  ;; rotl by 65 is rotl by 1: 3
    (i64.rotl (i64.const 0x8000000000000001) (i64.const 65)))
  (func (export "wide") (result i32)                    ;; i64 comparisons give an i32
    (i64.gt_u (i64.const -1) (i64.const 1)))
  (func (export "eqz") (result i32)
    (i64.eqz (i64.sub (i64.const 5) (i64.const 5))))
  ;; These must still trap when they run: not folded.
  (func (export "div_by_zero") (result i32)
    (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "overflow") (result i32)
    (i32.div_s (i32.const -2147483648) (i32.const -1)))
  (func (export "rem_by_zero") (result i64)
    (i64.rem_u (i64.const 1) (i64.const 0)))
  ;; ... and only when they run: a trap on a path not taken is no trap.
  (func (export "guarded") (param $x i32) (result i32)
    (if (result i32) (local.get $x)
      (then (i32.div_u (i32.const 1) (i32.const 0)))
      (else (i32.const 7))))
)
