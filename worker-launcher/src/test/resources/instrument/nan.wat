;; Float operations whose NaN results the instrumentation must canonicalise (or leave alone).
(module
  ;; NaN produced by arithmetic: bits depend on the machine without canonicalisation
  (func (export "f32_zero_div_zero") (result i32)
    f32.const 0 f32.const 0 f32.div i32.reinterpret_f32)
  (func (export "f64_zero_div_zero") (result i64)
    f64.const 0 f64.const 0 f64.div i64.reinterpret_f64)
  (func (export "f32_sqrt_minus_one") (result i32)
    f32.const -1 f32.sqrt i32.reinterpret_f32)
  (func (export "f64_sqrt_minus_one") (result i64)
    f64.const -1 f64.sqrt i64.reinterpret_f64)
  ;; a NaN operand with a payload: propagated payloads are canonicalised too
  (func (export "f32_add_bits") (param i32 i32) (result i32)
    local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.add i32.reinterpret_f32)
  (func (export "f64_mul_bits") (param i64 i64) (result i64)
    local.get 0 f64.reinterpret_i64 local.get 1 f64.reinterpret_i64 f64.mul i64.reinterpret_f64)
  (func (export "f32_min_bits") (param i32 i32) (result i32)
    local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.min i32.reinterpret_f32)
  (func (export "f64_max_bits") (param i64 i64) (result i64)
    local.get 0 f64.reinterpret_i64 local.get 1 f64.reinterpret_i64 f64.max i64.reinterpret_f64)
  (func (export "f32_nearest_bits") (param i32) (result i32)
    local.get 0 f32.reinterpret_i32 f32.nearest i32.reinterpret_f32)
  (func (export "f64_floor_bits") (param i64) (result i64)
    local.get 0 f64.reinterpret_i64 f64.floor i64.reinterpret_f64)
  (func (export "demote_bits") (param i64) (result i32)
    local.get 0 f64.reinterpret_i64 f32.demote_f64 i32.reinterpret_f32)
  (func (export "promote_bits") (param i32) (result i64)
    local.get 0 f32.reinterpret_i32 f64.promote_f32 i64.reinterpret_f64)
  ;; sign-bit operations: never canonicalised
  (func (export "f32_neg_bits") (param i32) (result i32)
    local.get 0 f32.reinterpret_i32 f32.neg i32.reinterpret_f32)
  (func (export "f64_abs_bits") (param i64) (result i64)
    local.get 0 f64.reinterpret_i64 f64.abs i64.reinterpret_f64)
  (func (export "f32_copysign_bits") (param i32 i32) (result i32)
    local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.copysign i32.reinterpret_f32)
  ;; params and locals of both float types, and both scratch locals in one function
  (func (export "mixed") (param $a f32) (param $b f64) (result i64) (local $c i32) (local $d f64)
    local.get $b
    local.get $a
    local.get $a
    f32.div
    f64.promote_f32
    f64.add
    local.set $d
    i32.const 7
    local.set $c
    local.get $d
    i64.reinterpret_f64
    local.get $c
    i64.extend_i32_u
    i64.add))
