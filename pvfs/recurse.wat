;; recurse.wat -- a PVF that recurses as deep as its params ask, for tests that the deterministic
;; stack limit traps at the same depth on every run and in every worker.
;;
;; Build:  wat2wasm recurse.wat -o recurse.wasm        (wabt)
;;
;; validate_block reads n = the relay parent number (the u32 36 bytes before the end of the params)
;; and calls f(n) = n == 0 ? 0 : f(n - 1) + 1, which makes n + 1 activations of f. Each costs 5
;; stack units under the reference's limiter, so with logical limit L the deepest n that returns is
;; a little under L / 5; one more level traps with `unreachable`. When f returns, the result is a
;; valid ValidationResult: empty head data, no code, no messages, 0 processed, watermark 0.
(module
  (import "env" "memory" (memory 17))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))

  (global $heap_base i32 (i32.const 65536))
  (export "__heap_base" (global $heap_base))

  ;; head data [] (00), no code (00), no upward (00), no horizontal (00), dmq 0 (u32), watermark 0 (u32)
  (data (i32.const 1024) "\00\00\00\00\00\00\00\00\00\00\00\00")

  (func $f (param $n i32) (result i32)
    local.get $n
    i32.eqz
    if (result i32)
      i32.const 0
    else
      local.get $n
      i32.const 1
      i32.sub
      call $f
      i32.const 1
      i32.add
    end)

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    local.get $ptr
    local.get $len
    i32.add
    i32.const 36
    i32.sub
    i32.load
    call $f
    drop
    ;; 12 bytes at 1024
    i64.const 0x0000000C00000400)
)
