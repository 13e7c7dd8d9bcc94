;; edges.wat -- a PVF for the edges where a host could part from the reference's verdict; its
;; validate_block does what the relay parent number in its params asks for:
;;   1: logs with a target that is not UTF-8 (bytes ff fe): the reference's call fails, a trap;
;;   2: returns a result of 65 upward messages of 1 MiB each (68 157 713 bytes): more than a reply
;;      carries, invalid (and far over what any relay chain accepts);
;;   3: logs with the target "t" and returns the empty result: valid;
;;   4: logs at level 5 (the reference takes 0, error, to 4, trace): a trap;
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
    (local $p i32)
    (local $i i32)
    (local.set $rp (i32.load (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 36))))
    (if (i32.eq (local.get $rp) (i32.const 1))
      (then (call $log (i32.const 1)
        (i64.or (i64.shl (i64.const 2) (i64.const 32)) (i64.const 1024))
        (i64.or (i64.shl (i64.const 3) (i64.const 32)) (i64.const 1040)))))
    (if (i32.eq (local.get $rp) (i32.const 2))
      (then
        (drop (memory.grow (i32.const 1100)))
        ;; at 131072: head data [] (00), no code (00), 65 upward messages (compact: 05 01)
        (i32.store16 (i32.const 131074) (i32.const 0x0105))
        (local.set $p (i32.const 131076))
        (loop $messages
          (i32.store (local.get $p) (i32.const 0x00400002)) ;; compact length 1 MiB, then 1 MiB of zeros
          (local.set $p (i32.add (local.get $p) (i32.const 1048580)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $messages (i32.lt_u (local.get $i) (i32.const 65))))
        ;; then no horizontal messages (00), 0 processed (u32), watermark 0 (u32): zeros already
        (return (i64.or
          (i64.shl (i64.extend_i32_u (i32.sub (i32.add (local.get $p) (i32.const 9)) (i32.const 131072))) (i64.const 32))
          (i64.const 131072)))))
    (if (i32.eq (local.get $rp) (i32.const 3))
      (then (call $log (i32.const 1)
        (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1032))
        (i64.or (i64.shl (i64.const 3) (i64.const 32)) (i64.const 1040)))))
    (if (i32.eq (local.get $rp) (i32.const 4))
      (then (call $log (i32.const 5)
        (i64.or (i64.shl (i64.const 1) (i64.const 32)) (i64.const 1032))
        (i64.or (i64.shl (i64.const 3) (i64.const 32)) (i64.const 1040)))))
    (i64.or (i64.shl (i64.const 12) (i64.const 32)) (i64.const 2048)))
)
