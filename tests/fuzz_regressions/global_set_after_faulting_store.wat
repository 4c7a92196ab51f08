;; Found by tests/fuzz.py (seed 2728, gcc -O2 and -O3; fine at -O0/-O1 and
;; with clang).
;; A store to memory that is out of bounds traps, and nothing after it may
;; have happened: a global.set that follows must not be visible after the
;; trap.  W_ACCESS_BARRIER() sits before each access only, so gcc may move the
;; global's store above the memory store (the two cannot alias in C):
;;     w_f64_store(m0, 0u, 1.0);    // faults
;;     g_g = 5u;                    // gcc stores this first
;; and `global` then reads 5 instead of 0.
(module
  (memory 0)
  (global $g (mut i32) (i32.const 0))
  (func (export "const_address")
    (f64.store (i32.const 0) (f64.const 1))
    (global.set $g (i32.const 5)))
  (func (export "any_address") (param i32)
    (i32.store (local.get 0) (i32.const 1))
    (global.set $g (i32.const 7)))
  (func (export "set") (param i32) (global.set $g (local.get 0)))
  (func (export "global") (result i32) (global.get $g)))
