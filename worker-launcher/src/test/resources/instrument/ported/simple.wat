(module
  (func (export "simple")
    i32.const 123
    drop))
