;; Many small structs: n pairs allocated, each replacing one of 65536 live
;; ones chosen by a pseudo-random sequence (most die young, some live
;; long).  run(n) returns a checksum of the survivors.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (type $pair (struct (field $a i32) (field $b i64)))
  (type $slots (array (mut (ref null $pair))))

  (func (export "run") (param $n i32) (result i64)
    (local $slots (ref $slots)) (local $i i32) (local $x i32) (local $sum i64) (local $p (ref null $pair))
    (call $bench_start)
    (local.set $slots (array.new_default $slots (i32.const 65536)))
    (local.set $x (i32.const 12345))
    (loop $alloc
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (array.set $slots (local.get $slots) (i32.shr_u (local.get $x) (i32.const 16))
        (struct.new $pair (local.get $i) (i64.extend_i32_u (local.get $x))))
      (br_if $alloc (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $p (array.get $slots (local.get $slots) (local.get $i)))
      (if (i32.eqz (ref.is_null (local.get $p)))
        (then (local.set $sum (i64.add (local.get $sum)
          (i64.add (i64.extend_i32_u (struct.get $pair $a (local.get $p))) (struct.get $pair $b (local.get $p)))))))
      (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 65536))))
    (call $bench_end)
    (local.get $sum))
)
