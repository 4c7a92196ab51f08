;; GCBench-style binary trees (Boehm's GCBench, as in the benchmarks game):
;; a long-lived tree, then many short-lived trees of growing depth, each
;; built and walked.  run(max_depth) returns the total of nodes checked.
(module
  (import "bench" "start" (func $bench_start))
  (import "bench" "end" (func $bench_end))
  (type $tree (struct (field $left (ref null $tree)) (field $right (ref null $tree))))

  (func $make (param $depth i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $depth))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else (struct.new $tree
        (call $make (i32.sub (local.get $depth) (i32.const 1)))
        (call $make (i32.sub (local.get $depth) (i32.const 1)))))))

  (func $check (param $t (ref null $tree)) (result i32)
    (if (result i32) (ref.is_null (struct.get $tree $left (local.get $t)))
      (then (i32.const 1))
      (else (i32.add (i32.const 1)
        (i32.add (call $check (struct.get $tree $left (local.get $t)))
                 (call $check (struct.get $tree $right (local.get $t))))))))

  (func (export "run") (param $max i32) (result i64)
    (local $long (ref null $tree)) (local $depth i32) (local $iterations i32) (local $i i32) (local $total i64)
    (call $bench_start)
    (local.set $total (i64.extend_i32_u (call $check (call $make (i32.add (local.get $max) (i32.const 1))))))
    (local.set $long (call $make (local.get $max)))
    (local.set $depth (i32.const 4))
    (loop $depths
      (local.set $iterations (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
      (local.set $i (i32.const 0))
      (loop $trees
        (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (call $check (call $make (local.get $depth))))))
        (br_if $trees (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $iterations))))
      (br_if $depths (i32.le_u (local.tee $depth (i32.add (local.get $depth) (i32.const 2))) (local.get $max))))
    (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (call $check (local.get $long)))))
    (call $bench_end)
    (local.get $total))
)
