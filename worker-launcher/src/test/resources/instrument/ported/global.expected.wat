(module
  (import "env" "foo" (func))
  (func (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func (param i32)
    (local i32)
    global.get 0
    i32.const 1
    i32.add
    local.tee 1
    global.set 0
    local.get 1
    local.get 0
    global.get 1 i32.const 4 i32.add global.set 1
    global.get 1 i32.const 1024 i32.gt_u
    if unreachable end
    call 1
    global.get 1 i32.const 4 i32.sub global.set 1
    drop)
  (func (param i32 i32) (result i32)
    local.get 0
    local.get 1
    global.get 1 i32.const 4 i32.add global.set 1
    global.get 1 i32.const 1024 i32.gt_u
    if unreachable end
    call 1
    global.get 1 i32.const 4 i32.sub global.set 1)
  (global (mut i32) (i32.const 1))
  (global (mut i32) (i32.const 0))
  (export "i32.add" (func 3)))
