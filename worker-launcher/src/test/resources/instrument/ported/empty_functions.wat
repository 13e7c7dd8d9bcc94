(module
  (func
    call 0)
  (func (export "main")
    call 0))
