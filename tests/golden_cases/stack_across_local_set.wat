;; Flat form: a value read from a local (or global) stays on the operand stack
;; while that local is overwritten. The old value must be used, not the new one.
(module
  (global $g (mut i32) (i32.const 40))
  ;; old x + 5
  (func $old_plus_new (export "old_plus_new") (param $x i32) (result i32)
    local.get $x          ;; old value of x
    i32.const 5
    local.set $x          ;; x := 5 while the old value is still on the stack
    local.get $x
    i32.add)
  ;; old x * (x + 1)
  (func $tee_under (export "tee_under") (param $x i32) (result i32)
    local.get $x
    local.get $x
    i32.const 1
    i32.add
    local.tee $x          ;; x := x + 1, the old x is still below it
    i32.mul)
  ;; swap a and b through the stack, then a - b = old b - old a
  (func $swap_sub (export "swap_sub") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    local.set $a
    local.set $b
    local.get $a
    local.get $b
    i32.sub)
  ;; same with a global: old g - new g, where new g = old g + x
  (func $global_delta (export "global_delta") (param $x i32) (result i32)
    global.get $g
    global.get $g
    local.get $x
    i32.add
    global.set $g
    global.get $g
    i32.sub)
)
