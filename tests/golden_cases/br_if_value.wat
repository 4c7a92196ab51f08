;; br_if carrying a value; when not taken the value stays on the stack.
(module
  ;; a if a != 0, else b if b != 0, else -1
  (func $first_nonzero (export "first_nonzero") (param $a i32) (param $b i32) (result i32)
    (block $found (result i32)
      (br_if $found (local.get $a) (local.get $a))
      (drop)
      (br_if $found (local.get $b) (local.get $b))
      (drop)
      (i32.const -1)))

  ;; flat form: x != 0 -> 100, x = 0 -> 100 + 5 (the not-taken value is reused)
  (func $br_if_kept (export "br_if_kept") (param $x i32) (result i32)
    block $out (result i32)
      i32.const 100
      local.get $x
      br_if $out
      i32.const 5
      i32.add
    end)
)
