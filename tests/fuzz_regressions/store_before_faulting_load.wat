;; Found by tests/fuzz.py once `fz:state` showed the globals after each call:
;; about 3% of seeds (103, 183, 206, 208, 216, 238, 272, ...; smith's fuel
;; counter, decremented at every loop head, is usually the global that shows
;; it); all agree with wasmtime at -O0.
;; A store to a global or to memory that comes before a load that traps must
;; still have happened when the trap ends the call.  For C the load cannot
;; fault, so gcc -O2 may delete the first of two stores to the same place
;; (nothing reads it in between) or keep a global in a register across a loop
;; and store it once at the exit; when the load faults, the store is lost:
;;     g_g = 1u;
;;     W_KEEP(w_i32_load(m0, l0));     // faults
;;     g_g = 2u;                       // gcc deleted `g_g = 1u`
;; Explicit traps (w_trap: division by zero, unreachable) are not affected.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "global_twice") (param i32)
    (global.set $g (i32.const 1))
    (drop (i32.load (local.get 0)))
    (global.set $g (i32.const 2)))
  (func (export "global_loop") (param i32) (result i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (drop (i32.load (local.get 0)))
      (br_if $l (i32.lt_u (global.get $g) (i32.const 100))))
    (global.get $g))
  (func (export "memory_twice")
    (i32.store (i32.const 8) (i32.const 1))
    (drop (i32.load offset=70000 (i32.const 0)))
    (i32.store (i32.const 8) (i32.const 2)))
  (func (export "memory_loop")
    (loop $l
      (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1)))
      (drop (i32.load offset=70000 (i32.const 0)))
      (br_if $l (i32.lt_u (i32.load (i32.const 16)) (i32.const 100)))))
  (func (export "global") (result i32) (global.get $g))
  (func (export "memory") (param i32) (result i32) (i32.load (local.get 0))))
