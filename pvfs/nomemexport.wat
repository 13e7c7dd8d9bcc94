;; nomemexport.wat -- a PVF with a memory of its own that it does not export as `memory`: the
;; reference looks up the export `memory` when it calls, so the candidate is invalid.
;;
;; Build:  wat2wasm nomemexport.wat -o nomemexport.wasm        (wabt)
(module
  (memory (export "mem") 17)
  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))
  (data (i32.const 2048) "\00\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
