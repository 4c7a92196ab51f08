;; Found by tests/fuzz.py (modules of exceptions, tail calls and function
;; references: seeds 5327, a return_call_ref of a null reference, and 6194, a
;; call_indirect past the table's end; both times a load's $observe call
;; among the arguments was lost).  A call whose callee traps -- a null or
;; out-of-bounds table slot, a null function reference -- must first
;; evaluate its arguments: their effects (here a global.set) stay after the
;; trap.  wastrel printed the call as `(callee lookup)->code)(arguments)`:
;;     return ((w_sig_0)w_table_func(&table0, 1u, 0)->code)(f_observe(l0));
;; and C leaves the order of a call's function designator and its
;; arguments unspecified: gcc and clang, at every -O level, looked the callee
;; up (and trapped) first.  call_indirect (Wasm 1.0), return_call_indirect,
;; call_ref and return_call_ref alike.  Fixed in 2eb5618 (the arguments
;; first, into temporaries, when one may write or trap).
(module
  (type $sig (func (param i32) (result i32)))
  (table 2 funcref)
  (global $seen (mut i32) (i32.const 0))
  (func $observe (param i32) (result i32)
    (global.set $seen (i32.add (global.get $seen) (i32.const 1)))
    (local.get 0))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $sig) (call $observe (local.get 0)) (local.get 1)))
  (func (export "tail_indirect") (param i32 i32) (result i32)
    (return_call_indirect (type $sig) (call $observe (local.get 0)) (local.get 1)))
  (func (export "ref") (param i32) (result i32)
    (call_ref $sig (call $observe (local.get 0)) (ref.null $sig)))
  (func (export "tail_ref") (param i32) (result i32)
    (return_call_ref $sig (call $observe (local.get 0)) (ref.null $sig)))
  (func (export "seen") (result i32) (global.get $seen)))
