;; a block with a parameter needs a type-index block type (multi-value), even with one result
(module
  (type $t (func (param i32) (result i32)))
  (func (result i32)
    i32.const 1
    (block (type $t) (param i32) (result i32)
      i32.const 2
      i32.add)))
