;; table.get at index 3 of a table with 3 entries.
(module
  (table $t 3 funcref)
  (func $_start (export "_start")
    (drop (table.get $t (i32.const 3))))
)
