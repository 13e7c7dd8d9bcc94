package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.TrapException;

/** A host function refused the call: the runtime traps, and the candidate is invalid. */
public final class HostTrap extends TrapException {
    public HostTrap(String message) {
        super(message);
    }
}
