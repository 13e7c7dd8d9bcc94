;; edges.wat -- a PVF for the edges where a host could part from the reference's verdict; its
;; validate_block does what the relay parent number in its params asks for:
;;   1: logs with a target that is not UTF-8 (bytes ff fe): the reference's call fails, a trap;
;;   2: returns 64 MiB + 1 bytes (an empty result, then zeros): more than a reply carries, invalid;
;;   3: logs with the target "t" and returns the empty result: valid;
;;   otherwise: the empty result (12 bytes): valid.
;; The relay parent number is read from the 36 bytes at the end of the params (u32, then the root).
;;
;; Build:  wat2wasm edges.wat -o edges.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_logging_log_version_1" (func $log (param i32 i64 i64)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  (data (i32.const 1024) "\ff\fe")
  (data (i32.const 1032) "t")
  (data (i32.const 1040) "msg")
  ;; head data [], no code, no upward, no horizontal, 0 downward messages processed (u32), watermark 0 (u32)
  (data (i32.const 2048) "\00\00\00\00\00\00\00\00\00\00\00\00")

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $rp i32)
    (local.set $rp (i32.load (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 36))))
    (if (i32.eq (local.get $rp) (i32.const 1))
      (then (call $log (i32.const 1)
        (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 1024))
        (i64.or (i64.shl (i64.const 3) (i64.const 32)) (i64.const 1040)))))
    (if (i32.eq (local.get $rp) (i32.const 2))
      (then
        (drop (memory.grow (i32.const 1040)))
        (return (i64.or (i64.shl (i64.const 67108865) (i64.const 32)) (i64.const 2048)))))
    (if (i32.eq (local.get $rp) (i32.const 3))
      (then (call $log (i32.const 1)
        (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1032))
        (i64.or (i64.shl (i64.const 3) (i64.const 32)) (i64.const 1040)))))
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
