;; i32 shifts (count taken mod 32), rotates, bit counts and signed vs unsigned compares.
(module
  (func $shl (export "shl") (param $x i32) (param $n i32) (result i32)
    (i32.shl (local.get $x) (local.get $n)))
  (func $shr_s (export "shr_s") (param $x i32) (param $n i32) (result i32)
    (i32.shr_s (local.get $x) (local.get $n)))
  (func $shr_u (export "shr_u") (param $x i32) (param $n i32) (result i32)
    (i32.shr_u (local.get $x) (local.get $n)))
  (func $rotr (export "rotr") (param $x i32) (param $n i32) (result i32)
    (i32.rotr (local.get $x) (local.get $n)))
  (func $clz_ctz_popcnt (export "clz_ctz_popcnt") (param $x i32) (result i32 i32 i32)
    (i32.clz (local.get $x))
    (i32.ctz (local.get $x))
    (i32.popcnt (local.get $x)))
  ;; bit 0: a <s b, bit 1: a <u b, bit 2: a >=s b, bit 3: a >=u b
  (func $compare (export "compare") (param $a i32) (param $b i32) (result i32)
    (i32.or
      (i32.or (i32.lt_s (local.get $a) (local.get $b))
              (i32.shl (i32.lt_u (local.get $a) (local.get $b)) (i32.const 1)))
      (i32.or (i32.shl (i32.ge_s (local.get $a) (local.get $b)) (i32.const 2))
              (i32.shl (i32.ge_u (local.get $a) (local.get $b)) (i32.const 3)))))
)
