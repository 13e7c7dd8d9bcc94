;; halt.wat -- a PVF whose validate_block never returns (an infinite `loop br 0`), for
;; pvf-host timeout / deadline tests.
;;
;; Build:  wat2wasm halt.wat -o halt.wasm        (wabt)
;;
;; Same ABI shape as adder.wat and a Cumulus runtime, so it prepares and instantiates like a real
;; PVF: imports only from "env" (memory of 17 pages with no maximum, allocator, keccak_256,
;; logging), exports validate_block(i32, i32) -> i64 and the i32 global __heap_base. It never
;; calls any host function and never touches memory.
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))
  (import "env" "ext_hashing_keccak_256_version_1" (func $keccak (param i64) (result i32)))
  (import "env" "ext_logging_log_version_1" (func $log (param i32 i64 i64)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (loop $forever
      (br $forever))
    unreachable)
)
