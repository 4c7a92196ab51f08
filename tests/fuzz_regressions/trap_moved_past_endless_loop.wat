;; Found by tests/fuzz.py once seeds without smith's fuel were added (seeds
;; 10103, 10637, 10747, 11011, 11018, 11347: about 0.3% of seeds, every C
;; compiler and level).
;; An operand that may trap, still on the stack when a loop starts, is folded
;; by flush-temps into its use after the loop: nothing in the loop conflicts
;; with it (no reads, writes or traps).  But a loop may never end, and then
;; the trap that should have ended the call never comes:
;;     static uint32_t f_div(uint32_t l0) {
;;       do {
;;       } while (l0 == 0);
;;       return w_i32_div_u(1u, l0);    // Wasm divides (and traps) first
;;     }
;; `div 0`: wasmtime traps with "integer divide by zero"; wastrel spins.
(module
  (memory 1)
  (func (export "div") (param i32) (result i32)
    i32.const 1
    local.get 0
    i32.div_u
    loop
      local.get 0
      i32.eqz
      br_if 0
    end)
  (func (export "trunc") (result i64)
    f64.const nan
    i64.trunc_f64_u
    loop
      i32.const 1
      br_if 0
    end)
  (func (export "load") (result i32)
    i32.const 70000
    i32.load
    loop
      i32.const 1
      br_if 0
    end))
