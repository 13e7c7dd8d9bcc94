;; compute.wat -- a compute-heavy PVF for benchmarks (bin/pvf-host bench, section compute): the same
;; deterministic mixing loop runs on our engine through validate_block and, through the plain export
;; run, on peer engines (V8, wasmtime), so all of them run the same wasm.
;;
;; Build:  wat2wasm compute.wat -o compute.wasm        (wabt; no extra feature flags needed)
;;
;; ABI (as pvfs/adder.wat): imports only from "env" (the memory, 80 pages, no maximum; the
;; allocator's malloc for the result); exports validate_block(ptr, len) -> i64 (packed: low 32 bits
;; pointer, high 32 bits length) and the i32 global __heap_base. Our buffer lies below __heap_base.
;;
;; run(n) -> i64: fills a 4 MiB buffer at 65536 with xorshift64 output (seed 0x9E3779B97F4A7C15),
;; then n times walks it as 524288 little-endian u64 words: w = rotl((w xor xorshift64()) *
;; FNV64_PRIME, 29), stores w back, and folds it into an FNV-1a style hash h = (h xor w) *
;; FNV64_PRIME (h starts at the FNV-64 offset basis). Returns h. Integer only, so NaN
;; canonicalisation does not touch it; no calls inside the loop, so the stack limiter costs only
;; its entry check.
;;
;; validate_block(params): n = the relay parent number (the u32 36 bytes before the end of the
;; params, as pvfs/recurse.wat), h = run(n); returns a ValidationResult of 20 bytes allocated with
;; malloc: head data = h as 8 LE bytes (20 = compact 8), no code (00), no upward (00), no horizontal
;; (00), processed downward 0 (u32), hrmp watermark = n (u32). Deterministic: the same n gives the
;; same bytes on every engine.
(module
  (import "env" "memory" (memory 80))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))

  ;; buffer [65536, 4259840) = 4 MiB; the host's allocator owns [4259840, ..)
  (global $heap_base i32 (i32.const 4259840))
  (export "__heap_base" (global $heap_base))

  (func $run (export "run") (param $n i32) (result i64)
    (local $x i64) (local $h i64) (local $w i64) (local $p i32) (local $r i32)
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (local.set $h (i64.const 0xcbf29ce484222325))
    ;; fill
    (local.set $p (i32.const 65536))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $p) (i32.const 4259840)))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        (i64.store (local.get $p) (local.get $x))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $fill)))
    ;; n rounds of mixing
    (local.set $r (i32.const 0))
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $p (i32.const 65536))
        (block $end
          (loop $word
            (br_if $end (i32.ge_u (local.get $p) (i32.const 4259840)))
            (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
            (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
            (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
            (local.set $w
              (i64.rotl
                (i64.mul (i64.xor (i64.load (local.get $p)) (local.get $x)) (i64.const 0x100000001b3))
                (i64.const 29)))
            (i64.store (local.get $p) (local.get $w))
            (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $w)) (i64.const 0x100000001b3)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $word)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
    (local.get $h))

  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $n i32) (local $h i64) (local $out i32)
    (local.set $n (i32.load (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 36))))
    (local.set $h (call $run (local.get $n)))
    (local.set $out (call $malloc (i32.const 20)))
    (i32.store8 (local.get $out) (i32.const 0x20))                         ;; compact length 8
    (i64.store (i32.add (local.get $out) (i32.const 1)) (local.get $h))     ;; head data
    (i32.store8 (i32.add (local.get $out) (i32.const 9)) (i32.const 0))     ;; no new code
    (i32.store8 (i32.add (local.get $out) (i32.const 10)) (i32.const 0))    ;; no upward messages
    (i32.store8 (i32.add (local.get $out) (i32.const 11)) (i32.const 0))    ;; no horizontal messages
    (i32.store (i32.add (local.get $out) (i32.const 12)) (i32.const 0))     ;; processed downward
    (i32.store (i32.add (local.get $out) (i32.const 16)) (local.get $n))    ;; hrmp watermark
    (i64.or (i64.shl (i64.const 20) (i64.const 32)) (i64.extend_i32_u (local.get $out))))
)
