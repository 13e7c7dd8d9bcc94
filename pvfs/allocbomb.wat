;; allocbomb.wat -- a PVF that allocates 16 MiB blocks through the host's allocator and never frees
;; them, for tests that running the allocator out of space traps (the candidate is invalid) and
;; leaves the worker healthy.
;;
;; Build:  wat2wasm allocbomb.wat -o allocbomb.wasm        (wabt)
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (loop $more
      (drop (call $malloc (i32.const 16777216)))
      (br $more))
    (i64.const 0))
)
