;; return from inside nested blocks, ifs and loops.
(module
  ;; 2 * target if lo <= target < hi (found by scanning), otherwise -1
  (func $find (export "find") (param $lo i32) (param $hi i32) (param $target i32) (result i32)
    (local $i i32)
    (local.set $i (local.get $lo))
    (block $done
      (loop $scan
        (br_if $done (i32.ge_s (local.get $i) (local.get $hi)))
        (if (i32.eq (local.get $i) (local.get $target))
          (then (return (i32.mul (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.const -1))

  (func $deep_return (export "deep_return") (param $x i32) (result i32)
    (block (block (block
      (if (local.get $x) (then (return (i32.const 1)))))))
    (i32.const 0))

  ;; flat form: return takes only the top value; 1 and 2 beneath it are discarded -> 3
  (func $return_with_extra (export "return_with_extra") (result i32)
    i32.const 1
    block (result i32)
      i32.const 2
      i32.const 3
      return
    end
    i32.add)
)
