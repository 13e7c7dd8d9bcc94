package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.MStack;
import com.dylibso.chicory.runtime.StackFrame;
import com.dylibso.chicory.runtime.internal.CompilerInterpreterMachine;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The interpreter of an instance made from an artifact's stubbed module ({@code
 * ModuleImage.decodeStubbed}): before it first runs a function it has the instance's interpreted
 * bodies filled in. Every entry into the interpreter, from compiled code, an export or another
 * interpreted function, goes through {@link #call}, so no stub is ever run. (Chicory's tail calls,
 * {@code return_call*}, read bodies without it, but only from inside a call already filled, and
 * prevalidation refuses them anyway.)
 */
final class DeferredBodiesMachine extends CompilerInterpreterMachine {
    private final Consumer<Instance> fillIn;
    private boolean filled;

    DeferredBodiesMachine(Instance instance, int[] interpretedFunctions, Consumer<Instance> fillIn) {
        super(instance, interpretedFunctions);
        this.fillIn = fillIn;
    }

    @Override
    protected long[] call(MStack stack, Instance instance, Deque<StackFrame> callStack, int funcId, long[] args,
            FunctionType callType, boolean popResults) {
        if (!filled) {
            fillIn.accept(instance); // an instance runs on one thread
            filled = true;
        }
        return super.call(stack, instance, callStack, funcId, args, callType, popResults);
    }
}
