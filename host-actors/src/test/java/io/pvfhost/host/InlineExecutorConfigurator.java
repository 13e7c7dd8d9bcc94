package io.pvfhost.host;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A dispatcher executor that runs each mailbox on the thread that schedules it. Actors on such a
 * dispatcher process a message before {@code tell} returns (a message to an actor that is already
 * running waits in its mailbox until that run ends, as always), so a simulation that drives them
 * from one thread is deterministic and never waits for a message in flight. For tests only:
 *
 * <pre>
 * sim-dispatcher {
 *   type = Dispatcher
 *   executor = "io.pvfhost.host.InlineExecutorConfigurator"
 *   throughput = 1000
 * }
 * </pre>
 */
public final class InlineExecutorConfigurator extends ExecutorServiceConfigurator {

    public InlineExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return Inline::new;
    }

    private static final class Inline extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
