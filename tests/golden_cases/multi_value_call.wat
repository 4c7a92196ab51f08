;; Functions returning several values, and callers consuming them.
(module
  (func $divmod (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b)))

  ;; mixed result types, returned in swapped order
  (func $swap (export "swap") (param $x i64) (param $y f64) (result f64 i64)
    (local.get $y)
    (local.get $x))

  (func $sub (param $a i32) (param $b i32) (result i32)
    (i32.sub (local.get $a) (local.get $b)))

  ;; both results of $divmod passed straight on as the two arguments of $sub
  (func $quot_minus_rem (export "quot_minus_rem") (param $a i32) (param $b i32) (result i32)
    (call $sub (call $divmod (local.get $a) (local.get $b))))

  ;; results popped into locals (last result first): q * b + r == a
  (func $recombine (export "recombine") (param $a i32) (param $b i32) (result i32)
    (local $q i32)
    (local $r i32)
    (call $divmod (local.get $a) (local.get $b))
    (local.set $r)
    (local.set $q)
    (i32.add (i32.mul (local.get $q) (local.get $b)) (local.get $r)))
)
