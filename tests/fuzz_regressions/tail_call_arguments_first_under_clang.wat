;; Found by tests/fuzz.py (modules of exceptions, tail calls and function
;; references: seed 8789 at clang -Os), after 2eb5618 (callee_checked_before_
;; arguments): a return_call_ref or return_call_indirect one of whose
;; arguments may write or trap now evaluates its arguments into a statement
;; expression's temporaries, first, and clang refuses the tail call:
;;     W_MUSTTAIL return ({ uint32_t w_a0 = f_observe(l0);
;;                          ((w_sig_0)w_ref_func_callee(NULL)->code)(w_a0); });
;;     error: 'musttail' attribute requires that the return value is the
;;     result of a function call
;; (gcc builds it; clang at every -O level fails to).
(module
  (type $sig (func (param i32) (result i32)))
  (table 2 funcref)
  (global $seen (mut i32) (i32.const 0))
  (func $observe (param i32) (result i32)
    (global.set $seen (i32.add (global.get $seen) (i32.const 1)))
    (local.get 0))
  (func (export "tail_ref") (param i32) (result i32)
    (return_call_ref $sig (call $observe (local.get 0)) (ref.null $sig)))
  (func (export "tail_indirect") (param i32 i32) (result i32)
    (return_call_indirect (type $sig) (call $observe (local.get 0)) (local.get 1)))
  (func (export "seen") (result i32) (global.get $seen)))
