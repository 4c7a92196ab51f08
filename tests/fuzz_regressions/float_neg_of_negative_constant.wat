;; Found by tests/fuzz.py (seeds 1, 11, 33, ...: about 4% of seeds).
;; f32.neg / f64.neg of a negative constant prints as `--1.5f` in C, which is
;; a decrement: the C compiler rejects the program ("lvalue required as
;; decrement operand").
(module
  (func (export "neg32") (result f32) f32.const -1.5 f32.neg)
  (func (export "neg64") (result f64) f64.const -2.5 f64.neg)
  (func (export "neg_tiny") (result f32) f32.const -0x1.6a60a6p-61 f32.neg))
