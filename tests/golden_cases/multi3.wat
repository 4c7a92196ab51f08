;; 128-bit multiplication helpers (recognize-helpers): compiler-rt's
;; __multi3 as clang compiles it (from sightglass shootout-ed25519), the same
;; with other operand orders (sqlite3), Rust's compiler-builtins (rust-json),
;; and a function named __multi3 that computes something else (the cross term
;; a_hi*b_lo subtracted): the first three become one native product, the last
;; stays as it is.  Each writes the product of (a_hi:a_lo) and (b_hi:b_lo) at
;; its first parameter; `*_at` write where told, to see which half a store
;; that traps leaves behind (compiler-rt stores the high half first, Rust the
;; low half).
(module
  (memory 1)
  (func $multi3_compiler_rt (param i32 i64 i64 i64 i64) (local i64)
    local.get 0  local.get 4  local.get 1  i64.mul  local.get 2  local.get 3  i64.mul  i64.add
    local.get 3  i64.const 32  i64.shr_u  local.tee 2  local.get 1  i64.const 32  i64.shr_u
    local.tee 4  i64.mul  i64.add  local.get 3  i64.const 4294967295  i64.and  local.tee 3
    local.get 1  i64.const 4294967295  i64.and  local.tee 1  i64.mul  local.tee 5  i64.const 32
    i64.shr_u  local.get 3  local.get 4  i64.mul  i64.add  local.tee 3  i64.const 32  i64.shr_u
    i64.add  local.get 3  i64.const 4294967295  i64.and  local.get 2  local.get 1  i64.mul
    i64.add  local.tee 1  i64.const 32  i64.shr_u  i64.add  i64.store offset=8
    local.get 0  local.get 1  i64.const 32  i64.shl  local.get 5  i64.const 4294967295  i64.and
    i64.or  i64.store)
  (func $multi3_compiler_rt_reordered (param i32 i64 i64 i64 i64) (local i64)
    local.get 0  local.get 1  local.get 4  i64.mul  local.get 2  local.get 3  i64.mul  i64.add
    local.get 3  i64.const 32  i64.shr_u  local.tee 2  local.get 1  i64.const 32  i64.shr_u
    local.tee 4  i64.mul  i64.add  local.get 3  i64.const 4294967295  i64.and  local.tee 3
    local.get 1  i64.const 4294967295  i64.and  local.tee 1  i64.mul  local.tee 5  i64.const 32
    i64.shr_u  local.get 3  local.get 4  i64.mul  i64.add  local.tee 3  i64.const 32  i64.shr_u
    i64.add  local.get 1  local.get 2  i64.mul  local.get 3  i64.const 4294967295  i64.and
    i64.add  local.tee 1  i64.const 32  i64.shr_u  i64.add  i64.store offset=8
    local.get 0  local.get 5  i64.const 4294967295  i64.and  local.get 1  i64.const 32  i64.shl
    i64.or  i64.store)
  (func $multi3_rust (param i32 i64 i64 i64 i64) (local i64 i64 i64 i64 i64 i64)
    local.get 0  local.get 3  i64.const 4294967295  i64.and  local.tee 5  local.get 1
    i64.const 4294967295  i64.and  local.tee 6  i64.mul  local.tee 7  local.get 3  i64.const 32
    i64.shr_u  local.tee 8  local.get 6  i64.mul  local.tee 6  local.get 5  local.get 1
    i64.const 32  i64.shr_u  local.tee 9  i64.mul  i64.add  local.tee 5  i64.const 32  i64.shl
    i64.add  local.tee 10  i64.store
    local.get 0  local.get 8  local.get 9  i64.mul  local.get 5  local.get 6  i64.lt_u
    i64.extend_i32_u  i64.const 32  i64.shl  local.get 5  i64.const 32  i64.shr_u  i64.or
    i64.add  local.get 10  local.get 7  i64.lt_u  i64.extend_i32_u  i64.add  local.get 4
    local.get 1  i64.mul  local.get 3  local.get 2  i64.mul  i64.add  i64.add  i64.store offset=8)
  (func $__multi3 (param i32 i64 i64 i64 i64) (local i64)
    local.get 0  local.get 4  local.get 1  i64.mul  local.get 2  local.get 3  i64.mul  i64.sub
    local.get 3  i64.const 32  i64.shr_u  local.tee 2  local.get 1  i64.const 32  i64.shr_u
    local.tee 4  i64.mul  i64.add  local.get 3  i64.const 4294967295  i64.and  local.tee 3
    local.get 1  i64.const 4294967295  i64.and  local.tee 1  i64.mul  local.tee 5  i64.const 32
    i64.shr_u  local.get 3  local.get 4  i64.mul  i64.add  local.tee 3  i64.const 32  i64.shr_u
    i64.add  local.get 3  i64.const 4294967295  i64.and  local.get 2  local.get 1  i64.mul
    i64.add  local.tee 1  i64.const 32  i64.shr_u  i64.add  i64.store offset=8
    local.get 0  local.get 1  i64.const 32  i64.shl  local.get 5  i64.const 4294967295  i64.and
    i64.or  i64.store)

  (func (export "compiler_rt") (param i64 i64 i64 i64) (result i64 i64)
    (call $multi3_compiler_rt (i32.const 16) (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (i64.load (i32.const 16)) (i64.load offset=8 (i32.const 16)))
  (func (export "compiler_rt_reordered") (param i64 i64 i64 i64) (result i64 i64)
    (call $multi3_compiler_rt_reordered (i32.const 16) (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (i64.load (i32.const 16)) (i64.load offset=8 (i32.const 16)))
  (func (export "rust") (param i64 i64 i64 i64) (result i64 i64)
    (call $multi3_rust (i32.const 16) (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (i64.load (i32.const 16)) (i64.load offset=8 (i32.const 16)))
  (func (export "not_multi3") (param i64 i64 i64 i64) (result i64 i64)
    (call $__multi3 (i32.const 16) (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (i64.load (i32.const 16)) (i64.load offset=8 (i32.const 16)))
  (func (export "compiler_rt_at") (param i32 i64 i64 i64 i64)
    (call $multi3_compiler_rt (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "rust_at") (param i32 i64 i64 i64 i64)
    (call $multi3_rust (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "peek") (param i32) (result i64) (i64.load (local.get 0))))
