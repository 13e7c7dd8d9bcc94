;; dupimport.wat -- a PVF importing the same missing host function env:foo with two types, never
;; calling it: the reference stubs a missing name once, so linking fails there (a runtime
;; construction error), even though a single such import would only trap when called.
;;
;; Build:  wat2wasm dupimport.wat -o dupimport.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (import "env" "foo" (func $foo_a (param i32)))
  (import "env" "foo" (func $foo_b (param i64) (result i32)))
  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))
  (data (i32.const 2048) "\00\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
