;; grow.wat -- a PVF that asks for memory until the host says no, then touches the last byte it
;; was given and traps, for tests that a memory bomb ends in a trap and never in a host
;; out-of-memory.
;;
;; Build:  wat2wasm grow.wat -o grow.wasm        (wabt)
;;
;; validate_block: memory.grow by 64 pages until it returns -1 (the host's maximum, 2080 pages by
;; default, is reached), write to the last byte of memory (in bounds), then read one past it (out
;; of bounds: a trap). A second export, `alloc_bomb`, is not used by the host.
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (block $full
      (loop $more
        (br_if $full (i32.eq (memory.grow (i32.const 64)) (i32.const -1)))
        (br $more)))
    ;; last byte of memory: pages * 65536 - 1
    (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (i32.const 7))
    ;; one past the end: out of bounds, a trap
    (drop (i32.load8_u (i32.mul (memory.size) (i32.const 65536))))
    (i64.const 0))
)
