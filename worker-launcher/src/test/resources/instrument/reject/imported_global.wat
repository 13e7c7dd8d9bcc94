;; an imported global: the reference numbers its stack height global without imported globals
(module
  (import "env" "g" (global i32))
  (func (export "f") (result i32)
    global.get 0))
