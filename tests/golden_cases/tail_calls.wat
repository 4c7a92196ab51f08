;; Tail calls: mutual recursion by return_call (constant stack), a
;; return_call_indirect through the table, a tail call with two results.
(module
  (type $count_t (func (param i64) (result i32)))
  (table funcref (elem $is_even $is_odd))
  (func $is_even (export "is_even") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 1))
      (else (return_call $is_odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $is_odd (export "is_odd") (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n)) (then (i32.const 0))
      (else (return_call_indirect (type $count_t) (i64.sub (local.get $n) (i64.const 1)) (i32.const 0)))))
  ;; sum of 1..n with an accumulator, and how many steps it took
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64 i64)
    (if (result i64 i64) (i64.eqz (local.get $n)) (then (local.get $acc) (i64.const 0))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n)))))))
