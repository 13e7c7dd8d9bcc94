package io.pvfhost.host.prepare;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.host.PreparePriority;
import io.pvfhost.host.WorkerScheduler;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Preparation order (reference section 3): Critical, then Normal, then Background, FIFO within a
 * level. A job's priority can be raised while it waits, never lowered; a raised job joins the back
 * of its new level. Spawning beyond the soft cap is for Critical work only, and a worker over the
 * soft cap is retired after its job. A job whose worker died before it started goes back to the
 * front of its level.
 */
public final class PrepareJobQueue implements WorkerScheduler.Policy<PrepareJob> {
    private static final PreparePriority[] RUN_ORDER = {PreparePriority.CRITICAL, PreparePriority.NORMAL, PreparePriority.BACKGROUND};
    private final Map<PreparePriority, LinkedHashMap<ArtifactId, PrepareJob>> levels = new EnumMap<>(PreparePriority.class);
    private final int softMax;
    private final int hardMax;

    public PrepareJobQueue(int softMax, int hardMax) {
        this.softMax = softMax;
        this.hardMax = hardMax;
        for (PreparePriority p : PreparePriority.values()) {
            levels.put(p, new LinkedHashMap<>());
        }
    }

    /** Queues the job, or raises the priority of the same artifact's queued job. */
    public void add(PrepareJob job) {
        Optional<PrepareJob> existing = find(job.id());
        if (existing.isPresent()) {
            raise(job.id(), job.priority());
            return;
        }
        levels.get(job.priority()).put(job.id(), job);
    }

    /** Raises a queued job's priority; a lower priority is ignored. Returns whether it is queued. */
    public boolean raise(ArtifactId id, PreparePriority to) {
        Optional<PrepareJob> existing = find(id);
        if (existing.isEmpty()) {
            return false;
        }
        PrepareJob j = existing.get();
        if (to.compareTo(j.priority()) > 0) {
            levels.get(j.priority()).remove(id);
            levels.get(to).put(id, j.withPriority(to)); // joins the back of its new level
        }
        return true;
    }

    public Optional<PrepareJob> find(ArtifactId id) {
        for (var level : levels.values()) {
            PrepareJob j = level.get(id);
            if (j != null) {
                return Optional.of(j);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<PrepareJob> peek() {
        return peekAt(0);
    }

    @Override
    public Optional<PrepareJob> peekAt(int position) {
        int skip = position;
        for (PreparePriority p : RUN_ORDER) {
            var level = levels.get(p);
            if (skip < level.size()) {
                var it = level.values().iterator();
                for (int i = 0; i < skip; i++) {
                    it.next();
                }
                return Optional.of(it.next());
            }
            skip -= level.size();
        }
        return Optional.empty();
    }

    @Override
    public PrepareJob take() {
        PrepareJob j = peek().orElseThrow();
        levels.get(j.priority()).remove(j.id());
        return j;
    }

    @Override
    public int queued() {
        int n = 0;
        for (var level : levels.values()) {
            n += level.size();
        }
        return n;
    }

    @Override
    public boolean maySpawn(int workers, PrepareJob job) {
        return workers < softMax || (workers < hardMax && job.priority() == PreparePriority.CRITICAL);
    }

    @Override
    public boolean retireAfterJob(int workers) {
        return workers > softMax;
    }

    /** The job goes back to the front of its level (its worker died before it started). */
    @Override
    public void putBack(PrepareJob job) {
        if (find(job.id()).isPresent()) {
            return;
        }
        var level = levels.get(job.priority());
        var rebuilt = new LinkedHashMap<ArtifactId, PrepareJob>();
        rebuilt.put(job.id(), job);
        rebuilt.putAll(level);
        level.clear();
        level.putAll(rebuilt);
    }

    /** How many jobs wait at the given level. */
    public int queued(PreparePriority priority) {
        return levels.get(priority).size();
    }
}
