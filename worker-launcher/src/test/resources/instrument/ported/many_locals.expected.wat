(module
  (func (local i64 i64 i32))
  (func
    global.get 0 i32.const 5 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 0
    global.get 0 i32.const 5 i32.sub global.set 0)
  (global (mut i32) (i32.const 0)))
