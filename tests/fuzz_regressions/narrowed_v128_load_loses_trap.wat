;; Found by tests/fuzz.py --command (SIMD expression modules).  A WASI
;; command (fast traps).  v128.load at 65528 of a one-page memory reads
;; 8 bytes past the end and must trap; only lane 0 of the value is used, so
;; gcc and clang (-O2) load 8 bytes instead of 16 (movq), which do not fault:
;; the call returns 0.  The scalar form does the same (gcc: `i32.load & 255`
;; becomes a byte load; clang: i32.wrap_i64 of i64.load a 4-byte one).
;; Perhaps what runtime/wastrel_ops.h allows fast traps ("a load that a
;; consumer in the same statement folds away"), though the load is used,
;; only narrowed; C compiled to Wasm would have a narrow load there already.
(module
  (memory 1 1)
  (func (export "_start"))
  (func (export "low_lane") (param i32) (result i64)
    (i64x2.extract_lane 0 (v128.load (local.get 0)))))
