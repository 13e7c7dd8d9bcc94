package io.pvfhost.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future a {@link ValidationHost} request returns. The host completes it on one of its
 * callback threads, never inside its actors, and every callback registered on it or on a stage
 * made from it runs on those threads too: the plain methods ({@code thenApply}, {@code
 * whenComplete}, ...) as their {@code *Async} forms, and the {@code *Async} forms without an
 * executor on those threads instead of the JDK's default. So a slow callback, or one of a future
 * that merely waits on this one ({@code allOf}, {@code thenCompose} from another future), never
 * stalls the host.
 *
 * <p>Why: Akka's Java ask answers with a Scala {@code CompletableFuture} that turns plain
 * callbacks into {@code *Async} ones on the JDK's default executor, which is a new thread per task
 * where {@code ForkJoinPool.commonPool()} has one thread (two cores): a thread started per request,
 * measured as about 0.25 ms of the host's CPU per request (0.45-0.47 against 0.21-0.23 ms in a harness). The callback threads are kept and reused.
 */
final class HostFuture<T> extends CompletableFuture<T> {
    private final Executor callbacks;

    HostFuture(Executor callbacks) {
        this.callbacks = callbacks;
    }

    /**
     * Threads for callbacks: started when needed, reused, gone after 10 s idle (the host makes that
     * at once when it has stopped), daemon; never queued behind a slow callback.
     */
    static ThreadPoolExecutor callbackThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return pool;
    }

    /** A future already completed with {@code value}, with the callbacks of a HostFuture. */
    static <T> HostFuture<T> completed(Executor callbacks, T value) {
        HostFuture<T> f = new HostFuture<>(callbacks);
        f.complete(value);
        return f;
    }

    /** For the host's own bookkeeping, which is short and may run on the completing thread. */
    void whenCompleteInline(BiConsumer<? super T, ? super Throwable> action) {
        super.whenComplete(action);
    }

    @Override
    public Executor defaultExecutor() {
        return callbacks;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new HostFuture<>(callbacks);
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn);
    }
}
