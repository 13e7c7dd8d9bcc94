;; Small functions whose stack costs are computed by hand in StackCostTest.
;; Functions 0-6 port the tests of wasm-instrument's src/stack_limiter/max_height.rs (v0.3.0):
;; simple_test, implicit_and_explicit_return, dont_count_in_unreachable, yet_another_test,
;; call_indirect, breaks, if_else_works. The others exercise further rules.
(module
  (type $void (func))
  (memory 0)
  (table 1 1 funcref)
  (elem (i32.const 0) $callee)

  ;; 0: simple_test
  (func $simple
    i32.const 1
    i32.const 2
    i32.const 3
    drop
    drop
    drop)

  ;; 1: implicit_and_explicit_return
  (func $explicit_return (result i32)
    i32.const 0
    return)

  ;; 2: dont_count_in_unreachable
  (func $after_unreachable (result i32)
    unreachable
    memory.grow)

  ;; 3: yet_another_test (the three drops at the end, not in the Rust test, make the function
  ;; valid for wat2wasm; being unreachable code they change nothing)
  (func $yet_another
    i32.const 0
    i32.const 1
    drop
    drop
    unreachable
    i32.const 0
    i32.const 1
    i32.const 2
    drop
    drop
    drop)

  ;; 4: call_indirect
  (func $indirect
    (call_indirect (type $void) (i32.const 0))
    (call_indirect (type $void) (i32.const 0))
    (call_indirect (type $void) (i32.const 0)))

  ;; 5: breaks
  (func $breaks
    block (result i32)
      block (result i32)
        i32.const 99
        br 1
      end
    end
    drop)

  ;; 6: if_else_works
  (func $if_else
    i32.const 7
    i32.const 1
    if (result i32)
      i32.const 42
    else
      i32.const 99
    end
    i32.const 97
    drop
    drop
    drop)

  ;; 7: the callee of call_indirect in max_height.rs's test
  (func $callee
    i64.const 42
    drop)

  ;; 8: declared locals count, parameters do not
  (func $locals (param i32 i32 i32) (local i64 i64) (local f32)
    nop)

  ;; 9: else does not reset the height: the then-branch's value is still counted
  (func $else_keeps_height (param i32) (result i32)
    local.get 0
    if (result i32)
      i32.const 1
    else
      i32.const 2
      i32.const 3
      i32.add
    end)

  ;; 10: a polymorphic then-branch keeps the else-branch polymorphic
  (func $else_stays_polymorphic (param i32) (result i32)
    local.get 0
    if (result i32)
      unreachable
    else
      i32.const 1
      i32.const 2
      i32.const 3
      i32.const 4
      drop
      drop
      drop
    end)

  ;; 11: a call pops its arguments and pushes its result; calls of imports and defined
  ;; functions count the same
  (func $calls (result i32)
    i32.const 1
    i32.const 2
    call $two_args
    i32.const 3
    i32.add)

  ;; 12
  (func $two_args (param i32 i32) (result i32)
    local.get 0)

  ;; 13: br_if pops its condition and keeps the branch value; select pops three
  (func $br_if_select (result i32)
    block (result i32)
      i32.const 1
      i32.const 0
      br_if 0
      i32.const 2
      i32.const 3
      select
    end)

  ;; 14: loop labels take no values
  (func $loop (result i32)
    loop (result i32)
      i32.const 1
      br_if 0
      i32.const 5
    end))
