(module
  (import "env" "ext_return" (func (param i32 i32)))
  (import "env" "memory" (memory 1 1))
  ;; 1: cost 1 local + 2
  (func (local i32))
  ;; 2: cost 2
  (func)
  ;; 3: thunk of the start function
  (func
    global.get 0 i32.const 3 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 1
    global.get 0 i32.const 3 i32.sub global.set 0)
  ;; 4: thunk of the export
  (func
    global.get 0 i32.const 2 i32.add global.set 0
    global.get 0 i32.const 1024 i32.gt_u
    if unreachable end
    call 2
    global.get 0 i32.const 2 i32.sub global.set 0)
  (global (mut i32) (i32.const 0))
  (export "call" (func 4))
  (start 3))
