;; saturating float-to-int conversion and sign extension
(module
  (func (export "sat") (param f32) (result i32)
    local.get 0
    i32.trunc_sat_f32_s)
  (func (export "ext") (param i32) (result i32)
    local.get 0
    i32.extend8_s))
