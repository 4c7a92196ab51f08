;; Found by tests/fuzz.py (seeds 36 and 134 of the first 300 with SIMD; as
;; commands, --command, also 12, 142, 174, 258 and 273: all built by clang).
;; A v128 value that is not used but whose computation may trap (a load, a
;; trapping truncation inside) is kept alive with W_KEEP(x), that is
;; `__asm__ volatile("" : : "rx"(x))`; for a 16-byte vector clang will not
;; choose "x" out of "rx" and stops: "couldn't allocate input reg for
;; constraint 'r'".  gcc builds it, and traps as it should.  Commands (fast
;; traps) also keep assignments this way, W_KEEP(t3 = <v128 load>) and
;; W_KEEP(g_8 = ...), with the same error.
(module
  (memory 1)
  (func (export "drop_load") (param i32)
    (drop (v128.load (local.get 0))))
  (func (export "dead_local") (param i32) (result i32)
    (local v128)
    (local.set 1 (v128.load offset=8 (local.get 0)))
    (i32.const 7))
  (func (export "drop_trunc") (param f32)
    (drop (i64x2.splat (i64.trunc_f32_s (local.get 0))))))
