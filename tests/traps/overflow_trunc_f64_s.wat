;; i64.trunc_f64_s of 1e30, which is far outside the i64 range.
(module
  (global $big (mut f64) (f64.const 1e30))
  (func $_start (export "_start")
    (drop (i64.trunc_f64_s (global.get $big))))
)
