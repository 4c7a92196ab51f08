;; Found by tests/fuzz.py (GC seeds 103 and 1015, smith's modules with GC):
;; two function types whose results differ only in which reference type
;; they hold -- (i32 funcref) and (i32 nullfuncref) here; (arrayref f64 i64
;; i32 funcref) and (nullref f64 i64 i32 nullfuncref) in seed 1015; anyref
;; and eqref do it too -- get one C name for their results' struct, after
;; the C representation of each value, and a typedef each:
;;     typedef struct { uint32_t r0; w_funcref r1; } w_results_ir;
;;     typedef struct { uint32_t r0; w_funcref r1; } w_results_ir;
;;     error: conflicting types for 'w_results_ir'
;; (gcc and clang both refuse it; fixed in 466ff9f: one typedef per name).
;; wasmtime: a -> 1 null, b -> 2 null.
(module
  (func (export "a") (result i32 funcref) (i32.const 1) (ref.null func))
  (func (export "b") (result i32 nullfuncref) (i32.const 2) (ref.null nofunc)))
