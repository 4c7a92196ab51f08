;; Multi-value loops: loop parameters carry values around the back edge (flat form).
(module
  ;; n! for n >= 1, the running product is the loop parameter
  (func $fact_loop (export "fact_loop") (param $n i32) (result i32)
    i32.const 1                          ;; initial accumulator
    loop $step (param i32) (result i32)  ;; stack: acc
      local.get $n
      i32.mul                            ;; acc * n
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n                       ;; n := n - 1
      i32.const 1
      i32.gt_s
      br_if $step                        ;; loop again with acc * n as the parameter
    end)

  ;; fib(n) for n >= 1, the pair (fib(k), fib(k+1)) is carried as two loop parameters
  (func $fib_loop (export "fib_loop") (param $n i32) (result i32)
    (local $b i32)
    (local $sum i32)
    i32.const 0
    i32.const 1
    loop $step (param i32 i32) (result i32 i32)  ;; stack: a b
      local.set $b
      local.get $b
      i32.add
      local.set $sum                     ;; sum := a + b
      local.get $b
      local.get $sum                     ;; stack: b (a + b)
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $step
    end
    drop)                                ;; keep fib(n), drop fib(n+1)
)
