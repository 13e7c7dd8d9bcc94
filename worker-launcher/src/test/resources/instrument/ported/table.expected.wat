(module
  (import "env" "foo" (func))
  (func (param i32)
    local.get 0
    i32.const 0
    global.get 0 i32.const 4 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 2
    global.get 0 i32.const 4 i32.sub global.set 0
    drop)
  (func (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  ;; 3: thunk of function 1
  (func (param i32)
    local.get 0
    global.get 0 i32.const 4 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 1
    global.get 0 i32.const 4 i32.sub global.set 0)
  ;; 4: thunk of function 2
  (func (param i32 i32) (result i32)
    local.get 0
    local.get 1
    global.get 0 i32.const 4 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 2
    global.get 0 i32.const 4 i32.sub global.set 0)
  (table 10 funcref)
  (global (mut i32) (i32.const 0))
  (export "i32.add" (func 4))
  (elem (i32.const 0) 0 3 4))
