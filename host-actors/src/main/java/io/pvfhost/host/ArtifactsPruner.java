package io.pvfhost.host;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Removes artifacts on a fixed pulse (default every hour). The host decides what is prunable (it
 * knows what is in use, see {@link io.pvfhost.artifacts.PruningPolicy}), drops it from its table
 * and moves each file aside under a temp name (so that the artifact prepared again meanwhile keeps
 * its file); this actor hands those files to a {@link Sweeper}, which deletes them off the actors'
 * threads (the reference's sweeper task).
 */
public final class ArtifactsPruner extends AbstractBehavior<ArtifactsPruner.Command> {

    public sealed interface Command {}

    /** Files the host dropped from its table. */
    public record Delete(List<Path> paths) implements Command {}

    private enum Tick implements Command { INSTANCE }

    /** Deletes the files of pruned artifacts. Called on the pruner's thread: it must not block. */
    @FunctionalInterface
    public interface Sweeper {
        void sweep(List<Path> paths);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArtifactsPruner.class);
    private final ActorRef<Host.Command> host;
    private final Sweeper sweeper;

    public static Behavior<Command> create(ActorRef<Host.Command> host, Duration interval, Sweeper sweeper) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
            return new ArtifactsPruner(ctx, host, sweeper);
        }));
    }

    /** The sweeper of production: deletes each file on the blocking executor. */
    public static Sweeper deletingOn(Executor blocking) {
        return paths -> blocking.execute(() -> {
            for (Path p : paths) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete artifact {}: {}", p, e.toString());
                }
            }
        });
    }

    private ArtifactsPruner(ActorContext<Command> ctx, ActorRef<Host.Command> host, Sweeper sweeper) {
        super(ctx);
        this.host = host;
        this.sweeper = sweeper;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Delete.class, this::onDelete)
                .build();
    }

    private Behavior<Command> onTick() {
        host.tell(new Host.CollectPrunable(getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onDelete(Delete m) {
        if (m.paths().isEmpty()) {
            return this;
        }
        getContext().getLog().info("pruning {} artifacts", m.paths().size());
        sweeper.sweep(List.copyOf(m.paths()));
        return this;
    }
}
