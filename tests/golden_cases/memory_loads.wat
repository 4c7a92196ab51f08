;; Loads of every width and signedness, each with a static offset of 16.
;; Bytes at 16..31: 01 82 ff 7f 80 00 00 00 | fe ff ff ff ff ff ff ff
(module
  (memory $mem 1)
  (data (i32.const 16) "\01\82\ff\7f\80\00\00\00\fe\ff\ff\ff\ff\ff\ff\ff")

  (func $i32_load8_s (export "i32_load8_s") (param $p i32) (result i32) (i32.load8_s offset=16 (local.get $p)))
  (func $i32_load8_u (export "i32_load8_u") (param $p i32) (result i32) (i32.load8_u offset=16 (local.get $p)))
  (func $i32_load16_s (export "i32_load16_s") (param $p i32) (result i32) (i32.load16_s offset=16 (local.get $p)))
  (func $i32_load16_u (export "i32_load16_u") (param $p i32) (result i32) (i32.load16_u offset=16 (local.get $p)))
  (func $i32_load (export "i32_load") (param $p i32) (result i32) (i32.load offset=16 align=1 (local.get $p)))
  (func $i64_load8_s (export "i64_load8_s") (param $p i32) (result i64) (i64.load8_s offset=16 (local.get $p)))
  (func $i64_load8_u (export "i64_load8_u") (param $p i32) (result i64) (i64.load8_u offset=16 (local.get $p)))
  (func $i64_load16_s (export "i64_load16_s") (param $p i32) (result i64) (i64.load16_s offset=16 (local.get $p)))
  (func $i64_load16_u (export "i64_load16_u") (param $p i32) (result i64) (i64.load16_u offset=16 (local.get $p)))
  (func $i64_load32_s (export "i64_load32_s") (param $p i32) (result i64) (i64.load32_s offset=16 (local.get $p)))
  (func $i64_load32_u (export "i64_load32_u") (param $p i32) (result i64) (i64.load32_u offset=16 (local.get $p)))
  (func $i64_load (export "i64_load") (param $p i32) (result i64) (i64.load offset=16 (local.get $p)))
  (func $f32_load (export "f32_load") (param $p i32) (result f32) (f32.load offset=16 (local.get $p)))
  (func $f64_load (export "f64_load") (param $p i32) (result f64) (f64.load offset=16 (local.get $p)))
)
