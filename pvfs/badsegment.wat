;; badsegment.wat -- a PVF whose data segment lies past the end of its memory (one page): its
;; instantiation fails, which the reference reports as a runtime construction error.
;;
;; Build:  wat2wasm badsegment.wat -o badsegment.wasm        (wabt)
(module
  (memory (export "memory") 1)
  (global $heap_base i32 (i32.const 1024))
  (export "__heap_base" (global $heap_base))
  (data (i32.const 70000) "x")
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0))
)
