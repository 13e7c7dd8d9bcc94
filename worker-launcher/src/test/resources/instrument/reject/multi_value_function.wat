;; a function type with two results (multi-value)
(module
  (func (result i32 i32)
    i32.const 1
    i32.const 2))
