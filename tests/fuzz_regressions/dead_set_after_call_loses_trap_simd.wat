;; Found by tests/fuzz.py --command (seed 650 of the SIMD expression modules),
;; as the module made it: dead_set_after_call_loses_trap with a v128 local
;; and a SIMD load.  The generated C:
;;   W_KEEP_V128(h1 = f_observe(...));
;;   w_i32x4_extmul_high_i16x8_u(h1, w_v128_load8x8_s(m0, l0));
(module
  (memory 1 1)
  (global $seen (mut v128) (v128.const i64x2 0 0))
  (func $observe (param v128) (result v128)
    (global.set $seen (i32x4.add (local.get 0) (global.get $seen)))
    (local.get 0))
  (func (export "_start"))
  (func (export "dead_set") (param i32) (result v128)
    (local v128)
    (local.set 1 (i32x4.extmul_high_i16x8_u
      (call $observe (v128.const i64x2 1 2))
      (v128.load8x8_s (local.get 0))))
    (local.set 1 (v128.const i64x2 0 0))
    (global.get $seen)))
