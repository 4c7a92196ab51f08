;; br_table whose targets are blocks with results: the operand is carried to each target.
(module
  ;; k = 0 -> (7 + 1) * 10 + 1000 = 1080
  ;; k = 1 -> 7 * 10 + 1000 = 1070
  ;; k >= 2 (default) -> 7 + 1000 = 1007
  (func $switch_value (export "switch_value") (param $k i32) (result i32)
    block $b2 (result i32)
      block $b1 (result i32)
        block $b0 (result i32)
          i32.const 7
          local.get $k
          br_table $b0 $b1 $b2
        end
        i32.const 1
        i32.add
      end
      i32.const 10
      i32.mul
    end
    i32.const 1000
    i32.add)
)
