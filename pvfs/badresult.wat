;; badresult.wat -- a PVF whose validate_block returns what its params ask for, for tests of the
;; host's checks on the result:
;;   relay parent number 1: a result span that ends beyond memory (an error, never a read);
;;   relay parent number 2: a valid ValidationResult followed by one trailing byte (ignored, as the
;;                          reference's Decode::decode does: valid);
;;   relay parent number 3: a vector length prefix that claims about 2^30 upward messages (rejected).
;; The relay parent number is read from the 36 bytes at the end of the params (u32, then the root).
;;
;; Build:  wat2wasm badresult.wat -o badresult.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  ;; head data [] (00), no code (00), no upward (00), no horizontal (00), 0 dmq (u32), watermark (u32), extra byte
  (data (i32.const 1024) "\00\00\00\00\00\00\00\00\00\00\00\00\ff")
  ;; head data [] (00), no code (00), upward messages: compact mode 2, fe ff ff ff = 2^30 - 1 messages
  (data (i32.const 2048) "\00\00\fe\ff\ff\ff")

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $rp i32)
    (local.set $rp (i32.load (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 36))))
    (if (i32.eq (local.get $rp) (i32.const 1))
      (then (return (i64.or (i64.shl (i64.const 4096) (i64.const 32)) (i64.const 0x10FFFF0)))))
    (if (i32.eq (local.get $rp) (i32.const 2))
      (then (return (i64.or (i64.shl (i64.const 13) (i64.const 32)) (i64.const 1024)))))
    (i64.or (i64.shl (i64.const 6) (i64.const 32)) (i64.const 2048)))
)
