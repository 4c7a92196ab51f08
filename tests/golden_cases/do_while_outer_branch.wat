;; A loop that would read best as `do { } while (c)` (its body ends with a
;; br_if to itself) while a nested loop branches to it: the nested branch is
;; a jump to the loop's top too, so it must stay `for (;;)` with a label.
;; (Found in graphviz.wasm, where it became a goto to a label never defined.)
(module
  (func (export "f") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $outer
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (loop $inner
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (br_if $outer (i32.lt_u (local.get $acc) (i32.const 10)))
        (br_if $inner (i32.lt_u (local.get $acc) (i32.const 20))))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))

  ;; The same shape with the inner loop's own back edge as a plain `br`
  ;; inside an `if`, and the outer jump from a `br_table`.
  (func (export "g") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $outer
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (block $done
        (loop $inner
          (local.set $acc (i32.add (local.get $acc) (local.get $i)))
          (br_table $outer $done $inner (i32.rem_u (local.get $acc) (i32.const 3)))))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
