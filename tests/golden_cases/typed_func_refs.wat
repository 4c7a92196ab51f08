;; Typed function references: call_ref through a non-null reference in a
;; local, a global and a table with an initial value; br_on_null and
;; br_on_non_null; ref.as_non_null; return_call_ref in constant stack; a
;; non-nullable local set before it is read.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $count (func (param i32 i32) (result i32)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (elem declare func $add $sub $down)
  (global $op (mut (ref null $binop)) (ref.null $binop))
  (table $ops 2 (ref $binop) (ref.func $add))

  (func (export "pick") (param $which i32) (param $a i32) (param $b i32) (result i32)
    (local $f (ref $binop))
    (local.set $f (if (result (ref $binop)) (local.get $which) (then (ref.func $sub)) (else (ref.func $add))))
    (call_ref $binop (local.get $a) (local.get $b) (local.get $f)))

  (func (export "via_table") (param $i i32) (param $a i32) (param $b i32) (result i32)
    (table.set $ops (i32.const 1) (ref.func $sub))
    (call_ref $binop (local.get $a) (local.get $b) (table.get $ops (local.get $i))))

  (func (export "set_op") (param $sub i32)
    (global.set $op (if (result (ref null $binop)) (local.get $sub) (then (ref.func $sub)) (else (ref.null $binop)))))

  (func (export "call_op") (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (global.get $op)))

  ;; -1 when the global is null
  (func (export "op_or_minus1") (param $a i32) (param $b i32) (result i32)
    (block $null
      (return (call_ref $binop (local.get $a) (local.get $b) (br_on_null $null (global.get $op)))))
    (i32.const -1))

  ;; the global's function if there is one (it goes with the branch), else $add
  (func (export "op_or_add") (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b)
      (block $found (result (ref $binop))
        (br_on_non_null $found (global.get $op))
        (ref.func $add))))

  (func (export "checked") (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (ref.as_non_null (global.get $op))))

  ;; n steps of return_call_ref to itself, adding 2 each time
  (func $down (type $count) (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_ref $count (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 2)) (ref.func $down)))))
  (func (export "down") (param $n i32) (result i32)
    (call $down (local.get $n) (i32.const 0))))
