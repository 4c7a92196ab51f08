;; nop in various positions: an empty body, between operands, inside blocks.
(module
  (func $nothing (export "nothing")
    nop)

  (func $add_one (export "add_one") (param $x i32) (result i32)
    nop
    local.get $x
    nop
    i32.const 1
    nop
    i32.add
    nop)

  (func $in_block (export "in_block") (param $x i32) (result i32)
    (block (result i32)
      (nop)
      (loop (nop))
      (local.get $x)))
)
