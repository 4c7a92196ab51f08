;; Flat form: a value loaded from memory stays on the stack across a store (or a
;; call) that overwrites the same address; the old value must be used.
(module
  (memory $mem 1)
  (data (i32.const 0) "\0a\00\00\00\11\22\33\44")
  ;; old mem[p] - v
  (func $load_store_load (export "load_store_load") (param $p i32) (param $v i32) (result i32)
    local.get $p
    i32.load              ;; old value
    local.get $p
    local.get $v
    i32.store             ;; mem[p] := v
    local.get $p
    i32.load              ;; new value
    i32.sub)

  ;; a partial overwrite: old word xor new word, after storing one byte at p + 1
  (func $partial_overwrite (export "partial_overwrite") (param $p i32) (param $b i32) (result i32)
    local.get $p
    i32.load
    local.get $p
    local.get $b
    i32.store8 offset=1
    local.get $p
    i32.load
    i32.xor)

  (func $clobber (param $p i32)
    (i32.store (local.get $p) (i32.const 1000)))
  ;; old mem[p] + mem[p] after a call that stores 1000 there
  (func $load_call_load (export "load_call_load") (param $p i32) (result i32)
    local.get $p
    i32.load
    local.get $p
    call $clobber
    local.get $p
    i32.load
    i32.add)
)
