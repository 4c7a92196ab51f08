;; Exercise 2 (eliminate-dead-code): constant conditions, code after a
;; branch, drops of pure values.  $log counts its calls, so that the tests
;; see which ones ran.
(module
  (global $calls (mut i32) (i32.const 0))
  (func $log (param $v i32)
    (global.set $calls (i32.add (i32.mul (global.get $calls) (i32.const 10)) (local.get $v))))
  (func (export "calls") (result i32) (global.get $calls))

  (func (export "constant_if") (param $x i32) (result i32)
    (if (i32.const 1)
      (then (call $log (i32.const 1)))
      (else (call $log (i32.const 2))))
    (if (i32.const 0)
      (then (call $log (i32.const 3))))
    (if (result i32) (i32.const 0)
      (then (i32.const 10))
      (else (i32.add (local.get $x) (i32.const 1)))))

  (func (export "after_branch") (param $x i32) (result i32)
    (block $out
      (br_if $out (i32.const 1))
      (call $log (i32.const 4)))        ;; dead once br_if is known to branch
    (block $keep
      (br_if $keep (i32.const 0))       ;; never taken
      (call $log (i32.const 5)))
    (block $pick
      (block $b1
        (block $b0
          (br_table $b0 $b1 $pick (i32.const 1)))
        (call $log (i32.const 6)))      ;; $b0's code
      (call $log (i32.const 7)))        ;; $b1's code: the one that runs
    (local.get $x))

  (func (export "after_folding") (param $x i32) (result i32)
    (block $done
      (br_if $done (i32.gt_u (i32.const 2) (i32.const 1)))   ;; constant once folded
      (call $log (i32.const 9)))
    (local.get $x))

  (func (export "drops") (param $x i32) (result i32)
    (drop (i32.mul (local.get $x) (local.get $x)))   ;; pure: gone
    (drop (global.get $calls))                       ;; reads only: gone
    (drop (i32.div_u (i32.const 1) (local.get $x)))  ;; may trap: stays
    (drop (call $id (local.get $x)))                 ;; a call: stays
    (local.get $x))
  (func $id (param $v i32) (result i32)
    (call $log (i32.const 8))
    (local.get $v))

  (func (export "loop_exit") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n)))
      (return (local.get $i)))
    (unreachable))
)
