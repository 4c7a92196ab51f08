;; Found by tests/fuzz.py: about 6% of seeds (40, 164, 183, 214, 226, 239,
;; 551, 605, ...); every one of them agrees with wasmtime at -O0.
;; An out-of-bounds load must trap.  wastrel's loads are plain C reads that
;; fault, but for C a read is not a side effect: when gcc -O2 proves the loaded
;; value unused, it deletes the read and the trap with it.  Two shapes:
;;
;; * the value is dead because a trap that always happens follows (a division
;;   by a constant zero, an `unreachable` in an inlined callee, a conversion of
;;   a constant that does not fit): the later trap is reported instead --
;;       h1 = w_i32_load(m0, 1u);
;;       return h1 + w_i32_div_u(1u, 0u);    // w_trap is noreturn: h1 is dead
;; * the value goes to a global that nothing reads (a static that gcc
;;   removes): the call returns normally --
;;       g_sink = w_i64_load16_s(m0, 0u + 70000ull);
(module
  (memory 1)
  (global $sink (mut i64) (i64.const 0))
  (func (export "div") (result i32)
    i32.const 70000
    i32.load
    i32.const 1
    i32.const 0
    i32.div_u
    i32.add)
  (func (export "call") (result i32)
    i32.const 70000
    i32.load
    call $trap
    i32.add)
  (func $trap (result i32) unreachable)
  (func (export "local") (result i32)
    (local i32)
    i32.const 70000
    i32.load
    local.set 0
    i32.const 1
    i32.const 0
    i32.div_u
    local.get 0
    i32.add)
  (func (export "trunc") (result f32)
    i32.const 70000
    i32.load16_u
    f32.convert_i32_u
    block (result f32)
      i64.const -7130239085030469521
      f32.convert_i64_u
      i32.trunc_f32_u
      f32.convert_i32_s
    end
    drop)
  (func (export "global")
    i32.const 0
    i64.load16_s offset=70000
    global.set $sink))
