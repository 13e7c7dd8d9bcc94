(module
  (import "env" "foo" (func))
  (import "env" "boo" (func))
  ;; calls of imports cost 0: not instrumented
  (func (param i32 i32) (result i32)
    call 0
    call 1
    local.get 0
    local.get 1
    i32.add)
  (func (param i32 i32) (result i32)
    local.get 0
    local.get 1
    global.get 0 i32.const 4 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 2
    global.get 0 i32.const 4 i32.sub global.set 0)
  (global (mut i32) (i32.const 0))
  (export "i32.add" (func 3)))
