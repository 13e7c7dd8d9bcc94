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
 * Removes artifacts that were not needed for the TTL, on a fixed pulse. The host decides what is
 * prunable (it knows what is in use) and drops it from its table; this actor deletes the files,
 * off its own thread.
 */
public final class ArtifactsPruner extends AbstractBehavior<ArtifactsPruner.Command> {

    public sealed interface Command {}

    /** Files the host dropped from its table. */
    public record Delete(List<Path> paths) implements Command {}

    private enum Tick implements Command { INSTANCE }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArtifactsPruner.class);
    private final ActorRef<Host.Command> host;
    private final Executor blocking;

    public static Behavior<Command> create(ActorRef<Host.Command> host, Duration interval, Executor blocking) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
            return new ArtifactsPruner(ctx, host, blocking);
        }));
    }

    private ArtifactsPruner(ActorContext<Command> ctx, ActorRef<Host.Command> host, Executor blocking) {
        super(ctx);
        this.host = host;
        this.blocking = blocking;
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
        getContext().getLog().info("pruning {} unused artifacts", m.paths().size());
        blocking.execute(() -> {
            for (Path p : m.paths()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete artifact {}: {}", p, e.toString());
                }
            }
        });
        return this;
    }
}
