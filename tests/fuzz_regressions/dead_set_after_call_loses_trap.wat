;; Found by tests/fuzz.py --command (seed 650 of the SIMD expression modules;
;; the scalar form below loses its trap the same way).  A WASI command (fast
;; traps).  A local.set whose value is never read (the local is overwritten)
;; holds a call and a load that faults.  The call is hoisted into a
;; temporary, kept as it should be; what remains, `h1 + w_i32_load(m0, l0);`,
;; is printed as a plain statement instead of W_KEEP_INT(...) (its Eval still
;; counts the hoisted call's global write?), and the C compiler deletes it:
;; no trap, the call returns 2.  Without the call, the dead value is kept
;; and traps.
(module
  (memory 1 1)
  (global $count (mut i32) (i32.const 0))
  (func $count (param i32) (result i32)
    (global.set $count (i32.add (global.get $count) (local.get 0)))
    (local.get 0))
  (func (export "_start"))
  (func (export "dead_set") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.add (call $count (i32.const 1)) (i32.load (local.get 0))))
    (local.set 1 (i32.const 0))
    (global.get $count)))
