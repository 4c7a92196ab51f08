;; table.fill of 4 entries starting at index 2 of a table with 4 entries.
(module
  (table $t 4 funcref)
  (func $_start (export "_start")
    (table.fill $t (i32.const 2) (ref.null func) (i32.const 4)))
)
