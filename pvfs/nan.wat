;; nan.wat -- a PVF whose result carries the raw bits of NaN-producing float operations, for tests
;; that NaN canonicalisation makes them identical on every run, worker and machine.
;;
;; Build:  wat2wasm nan.wat -o nan.wasm        (wabt)
;;
;; validate_block stores, as head data, the bits of: f32 0/0, f32 sqrt(-1), f64 0/0, f64 sqrt(-1),
;; f32 (NaN with payload 0x7fa00001) + 1, f64 (NaN with payload 0x7ff4000000000001) * 2,
;; f32.demote of an f64 NaN with payload, f64.promote of an f32 NaN with payload (4+4+8+8+4+8+4+8 =
;; 48 bytes), and returns a ValidationResult with that head data.
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  ;; result layout at 1024: compact length 48 (0xc0), 48 bytes of head data, then
  ;; no code (00), no upward (00), no horizontal (00), dmq 0 (u32), watermark 0 (u32): 1 + 48 + 11 = 60
  (data (i32.const 1024) "\c0")
  (data (i32.const 1073) "\00\00\00\00\00\00\00\00\00\00\00")

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (f32.store (i32.const 1025) (f32.div (f32.const 0) (f32.const 0)))
    (f32.store (i32.const 1029) (f32.sqrt (f32.const -1)))
    (f64.store (i32.const 1033) (f64.div (f64.const 0) (f64.const 0)))
    (f64.store (i32.const 1041) (f64.sqrt (f64.const -1)))
    (f32.store (i32.const 1049) (f32.add (f32.reinterpret_i32 (i32.const 0x7fa00001)) (f32.const 1)))
    (f64.store (i32.const 1053) (f64.mul (f64.reinterpret_i64 (i64.const 0x7ff4000000000001)) (f64.const 2)))
    (f32.store (i32.const 1061) (f32.demote_f64 (f64.reinterpret_i64 (i64.const 0x7ff4000000000001))))
    (f64.store (i32.const 1065) (f64.promote_f32 (f32.reinterpret_i32 (i32.const 0x7fa00001))))
    ;; 60 bytes at 1024
    i64.const 0x0000003C00000400)
)
