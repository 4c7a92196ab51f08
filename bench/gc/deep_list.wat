;; Deep lists: a list of n nodes built, reversed (a new list), walked and
;; dropped, ten times.  run(n) returns the sum of every walk.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (type $node (struct (field $value i32) (field $next (ref null $node))))

  (func (export "run") (param $n i32) (result i64)
    (local $round i32) (local $i i32) (local $list (ref null $node)) (local $rev (ref null $node)) (local $sum i64)
    (call $bench_start)
    (loop $round
      (local.set $list (ref.null $node))
      (local.set $i (i32.const 0))
      (loop $build
        (local.set $list (struct.new $node (local.get $i) (local.get $list)))
        (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.set $rev (ref.null $node))
      (block $done
        (loop $reverse
          (br_if $done (ref.is_null (local.get $list)))
          (local.set $rev (struct.new $node (struct.get $node $value (local.get $list)) (local.get $rev)))
          (local.set $list (struct.get $node $next (local.get $list)))
          (br $reverse)))
      (block $walked
        (loop $walk
          (br_if $walked (ref.is_null (local.get $rev)))
          (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (struct.get $node $value (local.get $rev)))))
          (local.set $rev (struct.get $node $next (local.get $rev)))
          (br $walk)))
      (br_if $round (i32.lt_u (local.tee $round (i32.add (local.get $round) (i32.const 1))) (i32.const 10))))
    (call $bench_end)
    (local.get $sum))
)
