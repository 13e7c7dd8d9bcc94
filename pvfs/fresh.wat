;; fresh.wat -- a PVF whose result shows what its memory held before it wrote to it, for tests that
;; every execution starts on a memory like a new one (zeroed, 17 pages), also when the worker reuses
;; the pages of earlier executions.
;;
;; Build:  wat2wasm fresh.wat -o fresh.wasm        (wabt)
;;
;; validate_block notes memory.size, grows memory by 3 pages, ORs together the i64 at offset 60000
;; of each of the 20 pages (past the data and the params it is given), then writes 0x5a5a..5a there
;; in every page. Its head data (12 bytes) is that OR (i64, 0 on a fresh memory) and the size it
;; found (i32, 17 on a fresh memory).
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  ;; result layout at 1024: compact length 12 (0x30), 12 bytes of head data, then
  ;; no code (00), no upward (00), no horizontal (00), dmq 0 (u32), watermark 0 (u32): 1 + 12 + 11 = 24
  (data (i32.const 1024) "\30")
  (data (i32.const 1037) "\00\00\00\00\00\00\00\00\00\00\00")

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $page i32)
    (local $seen i64)
    (i32.store (i32.const 1033) (memory.size))
    (drop (memory.grow (i32.const 3)))
    (loop $each
      (local.set $seen (i64.or (local.get $seen)
        (i64.load (i32.add (i32.mul (local.get $page) (i32.const 65536)) (i32.const 60000)))))
      (i64.store (i32.add (i32.mul (local.get $page) (i32.const 65536)) (i32.const 60000))
        (i64.const 0x5a5a5a5a5a5a5a5a))
      (local.set $page (i32.add (local.get $page) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $page) (memory.size))))
    (i64.store (i32.const 1025) (local.get $seen))
    ;; 24 bytes at 1024
    i64.const 0x0000001800000400)
)
