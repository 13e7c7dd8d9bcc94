;; heap64.wat -- a PVF whose __heap_base is an i64 global: the reference refuses it when called
;; (HeapBaseNotFoundOrInvalid), so the candidate is invalid; otherwise it returns the empty result.
;;
;; Build:  wat2wasm heap64.wat -o heap64.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (global $heap_base i64 (i64.const 65536))
  (export "__heap_base" (global $heap_base))
  (data (i32.const 2048) "\00\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
