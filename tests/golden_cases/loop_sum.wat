;; Counting loops: sum 1..n (count up), and a nested loop.
(module
  (func $sum_to (export "sum_to") (param $n i32) (result i32)
    (local $i i32)
    (local $acc i32)
    (local.set $i (i32.const 1))
    (block $exit
      (loop $next
        (br_if $exit (i32.gt_s (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; number of pairs (i, j) with 0 <= i < j < n; the inner loop branches to the outer one
  (func $count_pairs (export "count_pairs") (param $n i32) (result i32)
    (local $i i32)
    (local $j i32)
    (local $count i32)
    (block $done
      (loop $outer
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (loop $inner
          (br_if $outer (i32.ge_s (local.get $j) (local.get $n)))
          (local.set $count (i32.add (local.get $count) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner))))
    (local.get $count))
)
