;; Dropping call results: the calls must still happen (side effects on $calls).
(module
  (global $calls (mut i32) (i32.const 0))

  (func $tick (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.const 42))

  (func $tick_pair (result i32 i64)
    (global.set $calls (i32.add (global.get $calls) (i32.const 10)))
    (i32.const 1)
    (i64.const 2))

  ;; each call returns the running count: 2, then 14, ...
  (func $drop_results (export "drop_results") (result i32)
    (drop (call $tick))
    (drop (call $tick))
    (global.get $calls))

  (func $drop_pair (export "drop_pair") (result i32)
    call $tick_pair
    drop
    drop
    global.get $calls)
)
