;; WasmGC: structs, subtypes and casts, arrays (packed, from data, copied),
;; i31, conversions to and from extern, a global object, and the GC's traps.
(module
  (type $node (struct (field $value i32) (field $next (ref null $node))))
  (type $shape (sub (struct (field $id (mut i32)))))
  (type $circle (sub final $shape (struct (field $id (mut i32)) (field $r f64))))
  (type $rect (sub final $shape (struct (field $id (mut i32)) (field $w f64) (field $h f64))))
  (type $shapes (array (mut (ref null $shape))))
  (type $bytes (array (mut i8)))
  (type $counter (struct (field $n (mut i64))))

  (data $hello "Hello, \ffworld")
  (global $count (ref $counter) (struct.new $counter (i64.const 100)))

  ;; A list of n nodes, built and then walked: n allocations that stay live.
  (func $build (param $n i32) (result (ref null $node))
    (local $list (ref null $node))
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $list (struct.new $node (local.get $n) (local.get $list)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $more)))
    (local.get $list))
  (func (export "list_sum") (param $n i32) (result i64)
    (local $list (ref null $node)) (local $sum i64) (local $value i64)
    (local.set $list (call $build (local.get $n)))
    (block $end
      (loop $walk
        (br_on_null $end (local.get $list))
        (local.set $value (i64.extend_i32_u (struct.get $node $value)))
        (local.set $sum (i64.add (local.get $sum) (local.get $value)))
        (local.set $list (struct.get $node $next (local.get $list)))
        (br $walk)))
    (local.get $sum))

  ;; Garbage: many short-lived lists, one kept.
  (func (export "churn") (param $rounds i32) (result i64)
    (local $kept (ref null $node)) (local $total i64)
    (local.set $kept (call $build (i32.const 1000)))
    (loop $again
      (drop (call $build (i32.const 100)))
      (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (struct.get $node $value (ref.as_non_null (local.get $kept))))))
      (br_if $again (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $total))

  ;; Shapes in an array: areas through br_on_cast, kinds through ref.test.
  (func $area (param $s (ref null $shape)) (result f64)
    (local $r f64)
    (block $is_circle (result (ref $circle))
      (block $is_rect (result (ref $rect))
        (br_on_cast $is_circle (ref null $shape) (ref $circle) (local.get $s))
        (br_on_cast $is_rect (ref null $shape) (ref $rect))
        (drop)
        (return (f64.const 0)))
      (local.set $s)
      (return (f64.mul (struct.get $rect $w (ref.cast (ref $rect) (local.get $s)))
                       (struct.get $rect $h (ref.cast (ref $rect) (local.get $s))))))
    (struct.get $circle $r)
    (local.tee $r) (local.get $r) (f64.mul) (f64.const 3) (f64.mul))
  (func (export "shapes") (param $n i32) (result f64)
    (local $a (ref $shapes)) (local $i i32) (local $sum f64)
    (local.set $a (array.new_default $shapes (local.get $n)))
    (loop $fill
      (array.set $shapes (local.get $a) (local.get $i)
        (if (result (ref null $shape)) (i32.rem_u (local.get $i) (i32.const 3))
          (then (if (result (ref null $shape)) (i32.eq (i32.rem_u (local.get $i) (i32.const 3)) (i32.const 1))
            (then (struct.new $circle (local.get $i) (f64.convert_i32_u (local.get $i))))
            (else (struct.new $rect (local.get $i) (f64.const 2) (f64.convert_i32_u (local.get $i))))))
          (else (ref.null $shape))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (f64.add (local.get $sum) (call $area (array.get $shapes (local.get $a) (local.get $i)))))
      (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum))
  (func (export "count_circles") (param $n i32) (result i32)
    (local $a (ref $shapes)) (local $i i32) (local $c i32)
    (local.set $a (array.new $shapes (struct.new $circle (i32.const 7) (f64.const 1)) (local.get $n)))
    (array.set $shapes (local.get $a) (i32.const 0) (struct.new $rect (i32.const 8) (f64.const 1) (f64.const 1)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (array.len (local.get $a))))
        (local.set $c (i32.add (local.get $c) (ref.test (ref $circle) (array.get $shapes (local.get $a) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $c))

  ;; Packed bytes: from a data segment, copied over themselves, filled.
  (func (export "bytes") (param $k i32) (result i32)
    (local $b (ref $bytes))
    (local.set $b (array.new_data $bytes $hello (i32.const 0) (i32.const 13)))
    (array.copy $bytes $bytes (local.get $b) (i32.const 1) (local.get $b) (i32.const 0) (i32.const 5))
    (array.fill $bytes (local.get $b) (i32.const 10) (i32.const 0x1ff) (i32.const 3))
    (i32.add (i32.mul (array.get_s $bytes (local.get $b) (local.get $k)) (i32.const 1000))
             (array.get_u $bytes (local.get $b) (local.get $k))))

  ;; i31 and the conversions.
  (func (export "i31") (param $x i32) (result i32 i32 i32)
    (i31.get_s (ref.i31 (local.get $x)))
    (i31.get_u (ref.i31 (local.get $x)))
    (ref.eq (ref.i31 (local.get $x)) (ref.i31 (i32.and (local.get $x) (i32.const 0x7fffffff)))))
  (func (export "via_extern") (param $x i32) (result i32)
    (local $e externref)
    (local.set $e (extern.convert_any (ref.i31 (local.get $x))))
    (i31.get_s (ref.cast (ref i31) (any.convert_extern (local.get $e)))))

  ;; A global object, mutated.
  (func (export "bump") (param $by i64) (result i64)
    (struct.set $counter $n (global.get $count) (i64.add (struct.get $counter $n (global.get $count)) (local.get $by)))
    (struct.get $counter $n (global.get $count)))

  ;; Traps.
  (func (export "null_field") (result i32)
    (struct.get $node $value (ref.null $node)))
  (func (export "out_of_bounds") (param $i i32) (result i32)
    (array.get_u $bytes (array.new_default $bytes (i32.const 4)) (local.get $i)))
  (func (export "bad_cast") (result i32)
    (struct.get $rect $id (ref.cast (ref $rect) (struct.new $circle (i32.const 1) (f64.const 1)))))
)
