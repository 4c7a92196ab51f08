;; memory.size and memory.grow with a maximum of 3 pages; accesses near the end.
(module
  (memory $mem 1 3)

  (func $size (export "size") (result i32)
    (memory.size))

  ;; returns the old size in pages, or -1 if the memory cannot grow
  (func $grow (export "grow") (param $delta i32) (result i32)
    (memory.grow (local.get $delta)))

  ;; store then load one byte at $addr (traps when $addr is past the end)
  (func $poke (export "poke") (param $addr i32) (param $v i32) (result i32)
    (i32.store8 (local.get $addr) (local.get $v))
    (i32.load8_u (local.get $addr)))
)
