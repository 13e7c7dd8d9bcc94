;; adder.wat -- hand-written reimplementation of Polkadot's "adder" test parachain PVF
;; (polkadot/parachain/test-parachains/adder, wasm_validation.rs), for pvf-host tests.
;;
;; Build:  wat2wasm adder.wat -o adder.wasm        (wabt; no extra feature flags needed)
;;
;; ABI (as a Cumulus runtime): imports only from "env": the memory (17 pages, no maximum) and
;; the allocator, keccak_256 and logging host functions; exports validate_block(ptr, len) -> i64
;; (packed: low 32 bits pointer, high 32 bits length) and the i32 global __heap_base.
;; Static data lives below 1024; __heap_base = 65536, so the host allocator owns [65536, ..).
;;
;; validate_block(params):
;;   ValidationParams = parent_head: compact-length bytes, block_data: compact-length bytes,
;;                      relay_parent_number: u32 LE, relay_parent_storage_root: [u8; 32]
;;     (compact lengths in modes 0/1/2, canonical only, like parity-scale-codec Compact<u32>;
;;      trailing input after the storage root is ignored, like Decode)
;;   HeadData  = { number: u64, parent_hash: [u8; 32], post_state: [u8; 32] }  (exactly 72 bytes)
;;   BlockData = { state: u64, add: u64 }   (at least 16 bytes; trailing bytes ignored, as Decode)
;;   require keccak256(state as 8 LE bytes) == parent.post_state
;;   new head  = { number + 1, keccak256(parent_head bytes), keccak256((state + add) as 8 LE) }
;;   result    = ValidationResult { head_data: 0x21 0x01 ++ new head (72 bytes),
;;               new_validation_code: None (00), upward_messages: [] (00),
;;               horizontal_messages: [] (00), processed_downward_messages: 0u32,
;;               hrmp_watermark: relay_parent_number }          -- 85 bytes, allocated with malloc
;; Failures log at level 0 (error), target "runtime" (like sp-io's panic handler), then trap
;; with `unreachable`:
;;   bad params encoding         -> "Invalid input data"
;;   parent head not 72 bytes    -> "invalid parent head format."
;;   block data under 16 bytes   -> "invalid block data format."
;;   state hash != post_state    -> "Executes block: StateMismatch"
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))
  (import "env" "ext_hashing_keccak_256_version_1" (func $keccak (param i64) (result i32)))
  (import "env" "ext_logging_log_version_1" (func $log (param i32 i64 i64)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  ;; static data (all below __heap_base)
  (data (i32.const 16)  "runtime")                        ;; log target, 7 bytes
  (data (i32.const 32)  "Invalid input data")             ;; 18 bytes
  (data (i32.const 64)  "invalid parent head format.")    ;; 27 bytes
  (data (i32.const 96)  "invalid block data format.")     ;; 26 bytes
  (data (i32.const 128) "Executes block: StateMismatch")  ;; 29 bytes
  ;; [512, 520): scratch for the 8-byte new state

  ;; decoding cursor and end of the params buffer
  (global $cur (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))

  ;; pack(ptr, len) = len << 32 | ptr
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 32))
      (i64.extend_i32_u (local.get $ptr))))

  ;; log an error (level 0, target "runtime") and trap
  (func $fail (param $msg i32) (param $len i32)
    (call $log (i32.const 0)
               (call $pack (i32.const 16) (i32.const 7))
               (call $pack (local.get $msg) (local.get $len)))
    unreachable)

  (func $bad_input (call $fail (i32.const 32) (i32.const 18)))

  ;; trap unless n more bytes are available at $cur (overflow-safe: cur <= end always)
  (func $need (param $n i32)
    (if (i32.gt_u (local.get $n) (i32.sub (global.get $end) (global.get $cur)))
      (then (call $bad_input))))

  ;; read a SCALE compact u32 used as a length (modes 0, 1, 2; canonical forms only)
  (func $read_compact (result i32)
    (local $b i32) (local $v i32)
    (call $need (i32.const 1))
    (local.set $b (i32.load8_u (global.get $cur)))
    (block $done
      (block $m2
        (block $m1
          (block $m0
            (br_table $m0 $m1 $m2 $m2 (i32.and (local.get $b) (i32.const 3))))
          ;; mode 0: one byte
          (local.set $v (i32.shr_u (local.get $b) (i32.const 2)))
          (global.set $cur (i32.add (global.get $cur) (i32.const 1)))
          (br $done))
        ;; mode 1: two bytes, value in [64, 2^14)
        (call $need (i32.const 2))
        (local.set $v (i32.shr_u (i32.load16_u (global.get $cur)) (i32.const 2)))
        (if (i32.lt_u (local.get $v) (i32.const 64)) (then (call $bad_input)))
        (global.set $cur (i32.add (global.get $cur) (i32.const 2)))
        (br $done))
      ;; mode 2: four bytes, value in [2^14, 2^30); mode 3 (big integer) is rejected
      (if (i32.eq (i32.and (local.get $b) (i32.const 3)) (i32.const 3))
        (then (call $bad_input)))
      (call $need (i32.const 4))
      (local.set $v (i32.shr_u (i32.load (global.get $cur)) (i32.const 2)))
      (if (i32.lt_u (local.get $v) (i32.const 16384)) (then (call $bad_input)))
      (global.set $cur (i32.add (global.get $cur) (i32.const 4))))
    (local.get $v))

  ;; read compact-length-prefixed bytes; returns a pointer to the bytes, length in $len_out
  (global $len_out (mut i32) (i32.const 0))
  (func $read_bytes (result i32)
    (local $n i32) (local $p i32)
    (local.set $n (call $read_compact))
    (call $need (local.get $n))
    (local.set $p (global.get $cur))
    (global.set $cur (i32.add (global.get $cur) (local.get $n)))
    (global.set $len_out (local.get $n))
    (local.get $p))

  ;; copy 32 bytes from src to dst
  (func $copy32 (param $dst i32) (param $src i32)
    (i64.store (local.get $dst) (i64.load (local.get $src)))
    (i64.store offset=8 (local.get $dst) (i64.load offset=8 (local.get $src)))
    (i64.store offset=16 (local.get $dst) (i64.load offset=16 (local.get $src)))
    (i64.store offset=24 (local.get $dst) (i64.load offset=24 (local.get $src))))

  ;; 32-byte equality
  (func $eq32 (param $a i32) (param $b i32) (result i32)
    (i32.and
      (i32.and
        (i64.eq (i64.load (local.get $a)) (i64.load (local.get $b)))
        (i64.eq (i64.load offset=8 (local.get $a)) (i64.load offset=8 (local.get $b))))
      (i32.and
        (i64.eq (i64.load offset=16 (local.get $a)) (i64.load offset=16 (local.get $b)))
        (i64.eq (i64.load offset=24 (local.get $a)) (i64.load offset=24 (local.get $b))))))

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $head i32) (local $head_len i32)
    (local $blk i32) (local $blk_len i32)
    (local $relay i32)
    (local $h i32) (local $out i32)

    ;; --- decode ValidationParams
    (global.set $cur (local.get $ptr))
    (global.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.lt_u (global.get $end) (local.get $ptr)) (then (call $bad_input)))
    (local.set $head (call $read_bytes))
    (local.set $head_len (global.get $len_out))
    (local.set $blk (call $read_bytes))
    (local.set $blk_len (global.get $len_out))
    (call $need (i32.const 36))                       ;; relay parent number + storage root
    (local.set $relay (i32.load (global.get $cur)))

    ;; --- decode HeadData and BlockData
    (if (i32.ne (local.get $head_len) (i32.const 72))
      (then (call $fail (i32.const 64) (i32.const 27))))
    (if (i32.lt_u (local.get $blk_len) (i32.const 16))
      (then (call $fail (i32.const 96) (i32.const 26))))

    ;; --- check keccak256(state) == parent.post_state
    (local.set $h (call $keccak (call $pack (local.get $blk) (i32.const 8))))
    (if (i32.eqz (call $eq32 (local.get $h) (i32.add (local.get $head) (i32.const 40))))
      (then (call $fail (i32.const 128) (i32.const 29))))
    (call $free (local.get $h))

    ;; --- build the ValidationResult (85 bytes)
    (local.set $out (call $malloc (i32.const 85)))
    (i32.store8 (local.get $out) (i32.const 0x21))    ;; compact(72) = 0x21 0x01
    (i32.store8 offset=1 (local.get $out) (i32.const 0x01))
    ;; number + 1 (u64 LE, wrapping)
    (i64.store offset=2 (local.get $out)
      (i64.add (i64.load (local.get $head)) (i64.const 1)))
    ;; parent_hash = keccak256(all 72 parent head bytes)
    (local.set $h (call $keccak (call $pack (local.get $head) (i32.const 72))))
    (call $copy32 (i32.add (local.get $out) (i32.const 10)) (local.get $h))
    (call $free (local.get $h))
    ;; post_state = keccak256((state + add) as 8 LE bytes), wrapping add
    (i64.store (i32.const 512)
      (i64.add (i64.load (local.get $blk)) (i64.load offset=8 (local.get $blk))))
    (local.set $h (call $keccak (call $pack (i32.const 512) (i32.const 8))))
    (call $copy32 (i32.add (local.get $out) (i32.const 42)) (local.get $h))
    (call $free (local.get $h))
    ;; new_validation_code None, upward_messages [], horizontal_messages []
    (i32.store8 offset=74 (local.get $out) (i32.const 0))
    (i32.store8 offset=75 (local.get $out) (i32.const 0))
    (i32.store8 offset=76 (local.get $out) (i32.const 0))
    ;; processed_downward_messages = 0, hrmp_watermark = relay_parent_number
    (i32.store offset=77 (local.get $out) (i32.const 0))
    (i32.store offset=81 (local.get $out) (local.get $relay))

    (call $pack (local.get $out) (i32.const 85)))
)
