;; SIMD: refused wherever it appears (here in function 1, after an ordinary function 0)
(module
  (func (result i32) i32.const 1)
  (func (result i32)
    v128.const i32x4 1 2 3 4
    i32x4.extract_lane 0))
