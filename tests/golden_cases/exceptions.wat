;; Exception handling: throw and try_table with catch, catch_ref, catch_all
;; and catch_all_ref; a payload of two values; an exception from a callee
;; two calls down; throw_ref of a caught exception; a trap in a try_table is
;; not caught.
(module
  (tag $small (param i32))
  (tag $pair (param i32 f64))
  (tag $empty)

  ;; throws $small if n > 10, $pair if n > 100, $empty if n < 0
  (func $check (param $n i32) (result i32)
    (if (i32.gt_s (local.get $n) (i32.const 100))
      (then (throw $pair (local.get $n) (f64.const 0.5))))
    (if (i32.gt_s (local.get $n) (i32.const 10))
      (then (throw $small (local.get $n))))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (throw $empty)))
    (i32.mul (local.get $n) (i32.const 2)))
  (func $middle (param $n i32) (result i32)
    (i32.add (call $check (local.get $n)) (i32.const 1)))

  ;; 2n+1; or n+1000 if $small; or n + trunc(x*10) if $pair; or -1 if anything else
  (func (export "classify") (param $n i32) (result i32)
    (local $x f64)
    (block $other
      (block $p (result i32 f64)
        (block $s (result i32)
          (return (try_table (result i32) (catch $small $s) (catch $pair $p) (catch_all $other)
            (call $middle (local.get $n)))))
        (return (i32.add (i32.const 1000))))
      (local.set $x)
      (return (i32.add (i32.trunc_f64_s (f64.mul (f64.const 10) (local.get $x))))))
    (i32.const -1))

  ;; catch_ref then throw_ref: the outer handler sees the same exception
  (func (export "rethrown") (param $n i32) (result i32)
    (block $outer (result i32)
      (try_table (result i32) (catch $small $outer)
        (block $inner (result exnref)
          (try_table (catch_all_ref $inner)
            (drop (call $check (local.get $n))))
          (return (i32.const 7)))
        (throw_ref)))
    (i32.const 1)
    (i32.add))

  ;; a loop that catches on some iterations: the sum of the caught payloads
  (func (export "count") (param $n i32) (result i32)
    (local $i i32) (local $caught i32)
    (loop $l
      (block $next
        (block $h (result i32 exnref)
          (try_table (catch_ref $small $h)
            (drop (call $check (local.get $i))))
          (br $next))
        (drop)  ;; the exception; its value is counted
        (local.set $caught (i32.add (local.get $caught))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $caught))

  ;; a trap is never caught
  (func (export "trap") (param $d i32) (result i32)
    (block $h
      (try_table (result i32) (catch_all $h)
        (i32.div_u (i32.const 1) (local.get $d)))
      (return))
    (i32.const -2)))
