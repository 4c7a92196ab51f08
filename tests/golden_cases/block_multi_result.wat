;; Blocks and ifs that produce more than one value.
(module
  ;; (min, max) via a block with two results, exited early by br
  (func $minmax (export "minmax") (param $a i32) (param $b i32) (result i32 i32)
    (block $sorted (result i32 i32)
      (if (i32.le_s (local.get $a) (local.get $b))
        (then (br $sorted (local.get $a) (local.get $b))))
      (local.get $b)
      (local.get $a)))

  ;; |a - b|: an if with two results feeds both operands of i32.sub
  (func $distance (export "distance") (param $a i32) (param $b i32) (result i32)
    (i32.sub
      (if (result i32 i32) (i32.ge_s (local.get $a) (local.get $b))
        (then (local.get $a) (local.get $b))
        (else (local.get $b) (local.get $a)))))
)
