;; ref.null / ref.is_null (reference types)
(module
  (func (result i32)
    ref.null func
    ref.is_null))
