;; call_indirect through a table filled by an active elem segment.
;; Slots: 0 $add, 1 $sub, 2 $mul, 3 $neg (wrong type), 4 null; 5 is out of range.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (table $ops 5 funcref)
  (elem (table $ops) (i32.const 0) func $add $sub $mul $neg)

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))

  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $op)))
)
