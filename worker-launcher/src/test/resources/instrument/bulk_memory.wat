;; bulk memory: accepted only when the executor params enable it
(module
  (memory (export "memory") 1)
  (func (export "copy") (param $dst i32) (param $src i32) (param $len i32)
    local.get $dst
    local.get $src
    local.get $len
    memory.copy)
  (func (export "fill") (param $dst i32) (param $value i32) (param $len i32)
    local.get $dst
    local.get $value
    local.get $len
    memory.fill))
