;; Unbounded mutual recursion between two functions with many (large) locals,
;; so that each frame is big.
(module
  (func $ping (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e f64) (local $f f64) (local $g f64) (local $h f64)
    (local.set $a (i64.add (local.get $n) (i64.const 1)))
    (local.set $e (f64.convert_i64_s (local.get $a)))
    (i64.add (call $pong (local.get $a) (local.get $e)) (local.get $b)))
  (func $pong (param $n i64) (param $x f64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e f64) (local $f f64) (local $g f64) (local $h f64)
    (local.set $e (f64.mul (local.get $x) (f64.const 2)))
    (i64.add (call $ping (local.get $n)) (i64.trunc_sat_f64_s (local.get $e))))
  (func $_start (export "_start")
    (drop (call $ping (i64.const 0))))
)
