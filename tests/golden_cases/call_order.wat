;; Evaluation order of operands with side effects: each call appends a digit to
;; $log and returns the new log, so evaluating operands in the wrong order changes
;; the result.
(module
  (global $log (mut i32) (i32.const 0))

  (func $f (result i32)
    (global.set $log (i32.add (i32.mul (global.get $log) (i32.const 10)) (i32.const 1)))
    (global.get $log))
  (func $g (result i32)
    (global.set $log (i32.add (i32.mul (global.get $log) (i32.const 10)) (i32.const 2)))
    (global.get $log))

  ;; log = 0; f() - g() = 1 - 12 = -11 (g first would give 21 - 2 = 19)
  (func $sub_fg (export "sub_fg") (result i32)
    (global.set $log (i32.const 0))
    (i32.sub (call $f) (call $g)))

  ;; log = 5; the global is read before the call changes it: 5 + 51 = 56
  (func $read_then_call (export "read_then_call") (result i32)
    (global.set $log (i32.const 5))
    (i32.add (global.get $log) (call $f)))

  ;; arguments are evaluated left to right too: g() is called first -> 2 - 21 = -19
  (func $args_order (export "args_order") (result i32)
    (global.set $log (i32.const 0))
    (call $sub2 (call $g) (call $f)))
  (func $sub2 (param $a i32) (param $b i32) (result i32)
    (i32.sub (local.get $a) (local.get $b)))
)
