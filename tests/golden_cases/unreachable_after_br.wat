;; Dead code after br, return and br_table. It is still type-checked (against a
;; polymorphic stack) but never executed.
(module
  (func $after_br (export "after_br") (param $x i32) (result i32)
    block $out (result i32)
      local.get $x
      br $out
      i32.add               ;; dead: operands come from the polymorphic stack
      i32.const 99
      i32.mul
    end)

  (func $after_return (export "after_return") (param $x i32) (result i32)
    local.get $x
    return
    drop                    ;; dead
    f64.const 1
    i64.trunc_f64_s
    drop)

  ;; dead code after br_table, including a dead nested block with a branch in it
  (func $after_br_table (export "after_br_table") (param $k i32) (result i32)
    (block $a
      (block $b
        local.get $k
        br_table $a $b
        block
          br 0
        end
        unreachable)
      (return (i32.const 1)))
    (i32.const 2))
)
