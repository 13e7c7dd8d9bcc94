;; novalidate.wat -- a PVF that exports no validate_block (its function is named validate): the
;; reference fails to resolve the entry point, so the candidate is invalid.
;;
;; Build:  wat2wasm novalidate.wat -o novalidate.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))
  (func (export "validate") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0))
)
