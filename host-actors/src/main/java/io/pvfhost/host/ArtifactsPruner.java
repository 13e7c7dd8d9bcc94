package io.pvfhost.host;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Removes artifacts on a fixed pulse (default every hour). The host decides what is prunable (it
 * knows what is in use, see {@link io.pvfhost.artifacts.PruningPolicy}), drops it from its table
 * and moves each file aside under a temp name (so that the artifact prepared again meanwhile keeps
 * its file); this actor hands those files to a {@link Sweeper}, which deletes them off the actors'
 * threads (the reference's sweeper task). The sweeper also writes when the artifacts needed since
 * the last pulse were last needed into their files' modification times, which is what a restarted
 * host reads back (the reference deletes its artifacts at start, so it needs no such record).
 */
public final class ArtifactsPruner extends AbstractBehavior<ArtifactsPruner.Command> {

    public sealed interface Command {}

    /**
     * Files the host dropped from its table, to delete, and artifacts needed since the last sweep,
     * to record.
     */
    public record Sweep(List<Path> delete, List<LastNeeded> lastNeeded) implements Command {}

    /** When the artifact in {@code path} was last needed. */
    public record LastNeeded(Path path, Instant time) {}

    private enum Tick implements Command { INSTANCE }

    /**
     * Deletes the files of pruned artifacts and records when the others were last needed. Called on
     * the pruner's thread, only when one of the lists has something: it must not block.
     */
    @FunctionalInterface
    public interface Sweeper {
        void sweep(List<Path> delete, List<LastNeeded> lastNeeded);
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

    /**
     * The sweeper of production, on the blocking executor: deletes each file, and sets each needed
     * artifact's modification time (a file removed or replaced meanwhile is left alone or gets the
     * time of an artifact of the same id, which is as good).
     */
    public static Sweeper deletingOn(Executor blocking) {
        return (delete, lastNeeded) -> blocking.execute(() -> {
            for (Path p : delete) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete artifact {}: {}", p, e.toString());
                }
            }
            recordLastNeeded(lastNeeded);
        });
    }

    /** Sets each artifact file's modification time to when it was last needed (blocking). */
    public static void recordLastNeeded(List<LastNeeded> lastNeeded) {
        for (LastNeeded n : lastNeeded) {
            try {
                // never through a link someone put under an artifact's name
                Files.getFileAttributeView(n.path(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(n.time()), null, null);
            } catch (NoSuchFileException e) {
                // pruned or prepared again since: nothing to record
            } catch (IOException e) {
                LOG.debug("cannot record when artifact {} was last needed: {}", n.path(), e.toString());
            }
        }
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
                .onMessage(Sweep.class, this::onSweep)
                .build();
    }

    private Behavior<Command> onTick() {
        host.tell(new Host.CollectPrunable(getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onSweep(Sweep m) {
        if (m.delete().isEmpty() && m.lastNeeded().isEmpty()) {
            return this;
        }
        if (!m.delete().isEmpty()) {
            getContext().getLog().info("pruning {} artifacts", m.delete().size());
        }
        sweeper.sweep(List.copyOf(m.delete()), List.copyOf(m.lastNeeded()));
        return this;
    }
}
