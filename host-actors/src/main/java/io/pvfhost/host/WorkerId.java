package io.pvfhost.host;

/** A worker process as the pools and queues know it. */
public record WorkerId(String kind, long n) {
    @Override
    public String toString() {
        return kind + "-worker-" + n;
    }
}
