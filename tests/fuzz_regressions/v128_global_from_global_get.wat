;; Found by tests/fuzz.py (GC seed 13027, smith's module with GC and SIMD):
;; with GC, a global's initializer may read an earlier global of the module
;; (not only an imported one); for a v128 global that does, wastrel
;; declares its C variable with the scalars' zero initializer,
;;     static w_v128 g_b = 0;
;;     error: incompatible types when initializing type 'w_v128'
;;     {aka '__vector(2) long int'} using type 'int'
;; and gcc refuses the module (i64 and f64 globals so initialized compile
;; and run; fixed in 7045cb2: {0}).  wasmtime: b -> 0x00000004000000030000000200000001.
(module
  (global $a v128 (v128.const i32x4 1 2 3 4))
  (global $b v128 (global.get $a))
  (func (export "b") (result v128) (global.get $b)))
