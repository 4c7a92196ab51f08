;; The unreachable instruction, reached through a call.
(module
  (func $fail
    (unreachable))
  (func $_start (export "_start")
    (call $fail))
)
