;; Found by tests/fuzz.py (seeds 15, 47, 62, 82, ...: about 2.5% of seeds).
;; An export name with non-ASCII characters is mangled in the program's export
;; table: c_literals.c_string() keeps a byte b when chr(b).isalnum(), which is
;; true for Latin-1 letters such as 0xCE, and that character is then written
;; to the C file as UTF-8 (two bytes).  "θ" (CE B8) becomes "\303\216\270",
;; so `--invoke θ` reports "unknown export".
(module
  (func (export "θ") (result i32) i32.const 7)
  (func (export "ã^") (result i32) i32.const 8)
  (func (export "Zх") (result i32) i32.const 9))
