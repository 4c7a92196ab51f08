;; br_table as a dense switch statement with a default case.
(module
  ;; 0 -> 100, 1 -> 101, 2 -> 102, anything else -> -1
  (func $switch (export "switch") (param $k i32) (result i32)
    (block $default
      (block $case2
        (block $case1
          (block $case0
            (br_table $case0 $case1 $case2 $default (local.get $k)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const -1))

  ;; several table entries sharing one target: 0 -> 0, 1..3 -> 1, else -> 2
  (func $bucket (export "bucket") (param $k i32) (result i32)
    (block $big
      (block $small
        (block $zero
          (br_table $zero $small $small $small $big (local.get $k)))
        (return (i32.const 0)))
      (return (i32.const 1)))
    (i32.const 2))
)
