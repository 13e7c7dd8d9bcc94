(module
  (func
    i32.const 123
    drop)
  ;; thunk of function 0, cost 3: height 2 before i32.const, 3 before drop
  (func
    global.get 0 i32.const 3 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 0
    global.get 0 i32.const 3 i32.sub global.set 0)
  (global (mut i32) (i32.const 0))
  (export "simple" (func 1)))
