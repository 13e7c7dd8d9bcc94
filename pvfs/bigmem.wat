;; bigmem.wat -- a PVF whose own memory asks for 3000 initial pages, more than the host's maximum
;; (2048 + 32): the reference lowers the initial size to the maximum and runs it, so it returns the
;; empty result (valid).
;;
;; Build:  wat2wasm bigmem.wat -o bigmem.wasm        (wabt)
(module
  (memory (export "memory") 3000)
  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))
  (data (i32.const 2048) "\00\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
