;; Found by tests/fuzz.py (GC expression modules, seeds 2794, 3507, 4751):
;; array.copy from a null source into a destination too short for the
;; length.  The spec (and its reference interpreter) tests both references
;; for null before any bounds: "null array reference", which wastrel gives;
;; wasmtime 50 tests the destination's bounds first and says "out of bounds
;; array access" -- a wasmtime deviation, not a wastrel bug.  The harness
;; takes either message for wasmtime's ARRAY_OUT_OF_BOUNDS at an array.copy
;; (fuzz.py, _array_trap); this case keeps the trap itself compared.
(module
  (type $a (array (mut i8)))
  (func (export "copy") (param i32) (result i32)
    (array.copy $a $a (array.new_default $a (i32.const 1)) (i32.const 0) (ref.null $a) (i32.const 0) (local.get 0))
    (i32.const 7)))
