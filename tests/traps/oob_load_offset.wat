;; A load with offset=0xffffffff from address 1: the effective address is
;; 0x1_0000_0000, which must not wrap around to 0.
(module
  (memory 1)
  (func $_start (export "_start")
    (drop (i32.load8_u offset=0xffffffff (i32.const 1))))
)
