package io.pvfhost.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** Runs blocking work (processes, sockets, files) off the actors' threads. */
public final class Blocking {
    private Blocking() {}

    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    public static <T> CompletableFuture<T> run(Executor executor, Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** The exception a failed future carries, without the CompletionException wrapper. */
    public static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
