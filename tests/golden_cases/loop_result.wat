;; Loops whose fallthrough produces the function's value.
(module
  ;; smallest power of two >= n (n <= 2^30)
  (func $next_pow2 (export "next_pow2") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (i32.const 1))
    (loop $grow (result i32)
      (if (i32.lt_u (local.get $p) (local.get $n))
        (then
          (local.set $p (i32.shl (local.get $p) (i32.const 1)))
          (br $grow)))
      (local.get $p)))

  ;; Euclid's gcd, flat form: the loop's fallthrough value is a once b reaches 0
  (func $gcd (export "gcd") (param $a i32) (param $b i32) (result i32)
    loop $step (result i32)
      local.get $b
      if
        local.get $b
        local.get $a
        local.get $b
        i32.rem_u
        local.set $b      ;; b := a % b
        local.set $a      ;; a := old b
        br $step
      end
      local.get $a
    end)
)
