;; Found by tests/fuzz.py (SIMD expression modules, seeds 1368 at gcc -Os and
;; -O1, 2359 at -O2 and -Os: v128 globals there; the scalar form below fails
;; at -Os and -O1, and is fine at -O0, -O2, -O3 and with clang).
;; store_before_faulting_load across a call: a global.set, then a call of a
;; function whose store faults, then another global.set of the same global.
;; When the callee is not inlined, gcc deletes the first store as dead: the
;; global is a static whose address never escapes, so for gcc the callee
;; cannot read it -- the "memory" clobbers of W_ACCESS_BARRIER() in the
;; callee do not cover it -- and the second store overwrites it on every path
;; that returns.  After the trap the global still holds its old value:
;;     g_h = 5ull;                          // deleted
;;     g_h = (uint64_t)f_t(l0);             // f_t faults
(module
  (memory 1 1)
  (global $h (mut i64) (i64.const 1))
  (global $k (mut i64) (i64.const 0))
  (func $t (param i32) (result i32)
    (i64.store (local.get 0) (i64.const 0))
    (i64.store offset=8 (local.get 0) (i64.const 1))
    (i64.store offset=16 (local.get 0) (i64.const 2))
    (i64.store offset=24 (local.get 0) (i64.const 3))
    (global.set $k (i64.add (global.get $k) (i64.const 1)))
    (i32.const 0))
  (func (export "set_call_set") (param i32)
    (global.set $h (i64.const 5))
    (global.set $h (i64.extend_i32_u (call $t (local.get 0)))))
  (func (export "other") (param i32) (result i32) (call $t (local.get 0)))
  (func (export "h") (result i64) (global.get $h)))
