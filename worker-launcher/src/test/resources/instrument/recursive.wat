;; f(n) = n == 0 ? 0 : f(n - 1) + 1, exported as "f" (so it is reached through a thunk).
(module
  (func $f (export "f") (param $n i32) (result i32)
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
    end))
