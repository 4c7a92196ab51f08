;; SIMD: a sum over memory four i32 lanes at a time, lanes in and out,
;; a shuffle, saturating bytes, a v128 global and a v128 block result.
(module
  (memory 1)
  (global $bias (mut v128) (v128.const i32x4 1 2 3 4))

  ;; fills n i32s at 0 with i*i, then sums them four lanes at a time
  (func $sum_squares (export "sum_squares") (param $n i32) (result i32)
    (local $i i32) (local $acc v128)
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $sum
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32x4.add (local.get $acc) (v128.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sum)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; bytes of x and y interleaved by a shuffle, added with unsigned saturation
  (func $mix (export "mix") (param $x i64) (param $y i64) (result i64)
    (i64x2.extract_lane 0
      (i8x16.add_sat_u
        (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23
          (i64x2.splat (local.get $x)) (i64x2.splat (local.get $y)))
        (v128.const i8x16 200 200 0 0 1 1 2 2 3 3 4 4 5 5 6 6))))

  ;; the global, bumped by a lane, read back through a block with a v128 result
  (func $bump (export "bump") (param $k i32) (result i32)
    (global.set $bias
      (block (result v128)
        (i32x4.replace_lane 2 (global.get $bias)
          (i32.add (i32x4.extract_lane 2 (global.get $bias)) (local.get $k)))))
    (i32x4.bitmask (i32x4.gt_s (global.get $bias) (i32x4.splat (i32.const 5))))))
