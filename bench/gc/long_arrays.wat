;; Long arrays: arrays of 10^5 f64s and of 10^4 references, made, filled,
;; copied and summed, most dropped, a window of them kept.  run(rounds)
;; returns a checksum.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (type $floats (array (mut f64)))
  (type $refs (array (mut (ref null $floats))))

  (func (export "run") (param $rounds i32) (result i64)
    (local $kept (ref $refs)) (local $a (ref $floats)) (local $b (ref $floats))
    (local $r i32) (local $i i32) (local $sum f64)
    (call $bench_start)
    (local.set $kept (array.new $refs (array.new_default $floats (i32.const 100000)) (i32.const 16)))
    (loop $round
      (local.set $a (array.new $floats (f64.convert_i32_u (local.get $r)) (i32.const 100000)))
      (local.set $i (i32.const 0))
      (loop $fill
        (array.set $floats (local.get $a) (local.get $i)
          (f64.add (array.get $floats (local.get $a) (local.get $i)) (f64.convert_i32_u (local.get $i))))
        (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100000))))
      (local.set $b (array.new_default $floats (i32.const 100000)))
      (array.copy $floats $floats (local.get $b) (i32.const 0) (local.get $a) (i32.const 0) (i32.const 100000))
      (array.set $refs (local.get $kept) (i32.and (local.get $r) (i32.const 15)) (local.get $b))
      (local.set $sum (f64.add (local.get $sum)
        (array.get $floats (ref.as_non_null (array.get $refs (local.get $kept) (i32.and (i32.mul (local.get $r) (i32.const 7)) (i32.const 15))))
                   (i32.rem_u (i32.mul (local.get $r) (i32.const 7919)) (i32.const 100000)))))
      (br_if $round (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rounds))))
    (call $bench_end)
    (i64.trunc_f64_u (local.get $sum)))
)
