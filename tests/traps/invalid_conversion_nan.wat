;; i32.trunc_f32_s of NaN.
(module
  (global $nan (mut f32) (f32.const nan))
  (func $_start (export "_start")
    (drop (i32.trunc_f32_s (global.get $nan))))
)
