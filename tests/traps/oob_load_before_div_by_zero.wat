;; A command's traps are fast (runtime/wastrel_ops.h): loads are plain C
;; reads.  Here the load's value is dead once the division by zero, which
;; always traps, follows; gcc would drop the read and report the division.
;; Wasm traps at the load first.
(module
  (memory 1)
  (func $_start (export "_start")
    (local $x i32)
    (local.set $x (i32.load (i32.const 70000)))
    (drop (i32.add (local.get $x) (i32.div_u (i32.const 1) (i32.const 0)))))
)
