;; Casts: an array of 1024 shapes of three subtypes, visited n times
;; through br_on_cast, ref.test and ref.cast.  run(n) returns a checksum.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (type $shape (sub (struct (field $id i32))))
  (type $circle (sub final $shape (struct (field $id i32) (field $r i32))))
  (type $rect (sub $shape (struct (field $id i32) (field $w i32) (field $h i32))))
  (type $square (sub final $rect (struct (field $id i32) (field $w i32) (field $h i32))))
  (type $shapes (array (mut (ref null $shape))))

  (func $measure (param $s (ref null $shape)) (result i32)
    (block $circle (result (ref $circle))
      (block $rect (result (ref $rect))
        (br_on_cast $circle (ref null $shape) (ref $circle) (local.get $s))
        (br_on_cast $rect (ref null $shape) (ref $rect))
        (drop)
        (return (i32.const 0)))
      (local.set $s)
      (return (i32.add
        (i32.mul (struct.get $rect $w (ref.cast (ref $rect) (local.get $s))) (struct.get $rect $h (ref.cast (ref $rect) (local.get $s))))
        (ref.test (ref $square) (local.get $s)))))
    (struct.get $circle $r))

  (func (export "run") (param $n i32) (result i64)
    (local $a (ref $shapes)) (local $i i32) (local $k i32) (local $sum i64)
    (local.set $a (array.new_default $shapes (i32.const 1024)))
    (loop $fill
      (array.set $shapes (local.get $a) (local.get $i)
        (if (result (ref $shape)) (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
          (then (struct.new $circle (local.get $i) (local.get $i)))
          (else (if (result (ref $shape)) (i32.eq (i32.rem_u (local.get $i) (i32.const 3)) (i32.const 1))
            (then (struct.new $rect (local.get $i) (i32.const 2) (local.get $i)))
            (else (struct.new $square (local.get $i) (i32.const 3) (i32.const 3)))))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
    (call $bench_start)
    (loop $rounds
      (local.set $i (i32.const 0))
      (loop $each
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (call $measure (array.get $shapes (local.get $a) (local.get $i))))))
        (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1024))))
      (br_if $rounds (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (call $bench_end)
    (local.get $sum))
)
