;; wat2wasm-flags: --enable-threads --no-check
;; an atomic load (threads), on an ordinary memory so that the memory section is not what fails
(module
  (memory 1 1)
  (func (result i32)
    i32.const 0
    i32.atomic.load))
