package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.pvfhost.artifacts.ArtifactState;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.artifacts.ArtifactTable;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.execute.ExecuteJob;
import io.pvfhost.host.execute.ExecuteQueue;
import io.pvfhost.host.execute.ExecuteResult;
import io.pvfhost.host.prepare.PrepareJob;
import io.pvfhost.host.prepare.PrepareOutcome;
import io.pvfhost.host.prepare.PrepareQueue;
import io.pvfhost.worker.host.WorkerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host with both queues replaced by probes, in virtual time. Most tests port the reference's
 * host.rs tests (named in a comment on each): there the queues are faked by holding their channels.
 */
class HostTest {
    static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    static final ManualTime manualTime = ManualTime.get(testKit.system());
    static final VirtualTime time = new VirtualTime(testKit.system());
    /** The reference's test cooldown (PREPARE_FAILURE_COOLDOWN under cfg(test)). */
    static final Duration COOLDOWN = Duration.ofMillis(200);
    static final Duration SHORT = Duration.ofMillis(200);
    static final PrepareError TIMED_OUT = new PrepareError(PrepareError.Kind.TIMED_OUT, "took too long");

    @TempDir
    Path cache;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static Path writeFile(Path p) {
        try {
            java.nio.file.Files.write(p, new byte[] {1});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    static ValidationParams params() {
        return new ValidationParams(new byte[0], new byte[] {1}, 1, new byte[32]);
    }

    /** A host whose queues and sweeper are probes. */
    final class Fixture {
        final TestProbe<PrepareQueue.Command> prepare = testKit.createTestProbe();
        final TestProbe<ExecuteQueue.Command> execute = testKit.createTestProbe();
        final TestProbe<List<Path>> swept = testKit.createTestProbe();
        final TestProbe<List<ArtifactsPruner.LastNeeded>> recorded = testKit.createTestProbe();
        final AtomicReference<ActorRef<PrepareQueue.Event>> fromPrepare = new AtomicReference<>();
        final AtomicReference<ActorRef<ExecuteQueue.Event>> fromExecute = new AtomicReference<>();
        final ArtifactTable table;
        final ArtifactStore store;
        final HostSettings settings;
        final ActorRef<Host.Command> host;

        Fixture() throws Exception {
            this("", new ArtifactTable());
        }

        Fixture(String conf, ArtifactTable table) throws Exception {
            this.table = table;
            this.settings = HostSettings.from(TestData.config(cache,
                    "pvf.host.prepare.retry-cooldown = 200ms\n" + conf));
            this.store = ArtifactStore.open(cache);
            Host.Queues queues = new Host.Queues() {
                @Override
                public ActorRef<PrepareQueue.Command> prepareQueue(akka.actor.typed.javadsl.ActorContext<Host.Command> ctx,
                        ActorRef<PrepareQueue.Event> events) {
                    fromPrepare.set(events);
                    return prepare.ref();
                }

                @Override
                public ActorRef<ExecuteQueue.Command> executeQueue(akka.actor.typed.javadsl.ActorContext<Host.Command> ctx,
                        ActorRef<ExecuteQueue.Event> events) {
                    fromExecute.set(events);
                    return execute.ref();
                }

                @Override
                public void pruner(akka.actor.typed.javadsl.ActorContext<Host.Command> ctx, ActorRef<Host.Command> self) {
                    ctx.spawn(ArtifactsPruner.create(self, settings.pruneInterval(), (paths, needed) -> {
                        if (!paths.isEmpty()) {
                            swept.ref().tell(paths);
                        }
                        if (!needed.isEmpty()) {
                            recorded.ref().tell(needed);
                        }
                    }), "pruner");
                }
            };
            host = testKit.spawn(Host.create(settings, time.clock(), store, table, queues));
        }

        TestProbe<ValidationOutcome> execute(int pvf, ExecKind kind) {
            return execute(pvf, kind, null);
        }

        TestProbe<ValidationOutcome> execute(int pvf, ExecKind kind, BlockHash relayParent) {
            TestProbe<ValidationOutcome> reply = testKit.createTestProbe();
            host.tell(new Host.Execute(Jobs.pvf(pvf), params(), kind, null, relayParent, reply.ref()));
            return reply;
        }

        TestProbe<PrecheckOutcome> precheck(int pvf) {
            TestProbe<PrecheckOutcome> reply = testKit.createTestProbe();
            host.tell(new Host.Precheck(Jobs.pvf(pvf), reply.ref()));
            return reply;
        }

        void headsUp(int pvf) {
            host.tell(new Host.HeadsUp(List.of(Jobs.pvf(pvf))));
        }

        /** The next preparation sent to the queue, skipping priority amendments of joining requests. */
        PrepareJob expectEnqueuePrepare() {
            while (true) {
                PrepareQueue.Command m = prepare.receiveMessage();
                if (m instanceof PrepareQueue.Enqueue e) {
                    return e.job();
                }
                assertInstanceOf(PrepareQueue.AmendPriority.class, m);
            }
        }

        ExecuteJob expectEnqueueExecute() {
            return execute.expectMessageClass(ExecuteQueue.Enqueue.class).job();
        }

        /** The preparation succeeded: its file is written, as a prepare worker does. */
        void prepared(PrepareJob job) {
            writeFile(job.artifactPath());
            fromPrepare.get().tell(new PrepareQueue.Prepared(job,
                    new PrepareOutcome.Success(job.artifactPath(), new byte[32], 100, 1, 0, 0)));
        }

        void failed(PrepareJob job, PrepareError error) {
            fromPrepare.get().tell(new PrepareQueue.Prepared(job, new PrepareOutcome.Failure(error)));
        }

        void finished(ExecuteJob job, ExecuteResult result) {
            fromExecute.get().tell(new ExecuteQueue.Finished(job, result));
        }

        /**
         * Waits until the host has handled every message sent to it so far (it answers a pruning
         * request in turn), so that virtual time moves only after, say, a retry timer was started:
         * on a loaded machine the host may still be busy when the test moves time.
         */
        void settle() {
            TestProbe<ArtifactsPruner.Command> p = testKit.createTestProbe();
            host.tell(new Host.CollectPrunable(p.ref()));
            p.expectMessageClass(ArtifactsPruner.Sweep.class);
        }

        ExecuteResult invalid() {
            return new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.INVALID, null, "bad block", 1));
        }
    }

    // Port of execute_pvf_requests: requests for one artifact coalesce on one preparation.
    @Test
    void shouldCoalesceExecuteRequestsOnOnePreparation() throws Exception {
        Fixture t = new Fixture();
        var r11 = t.execute(1, ExecKind.BACKING);
        var r12 = t.execute(1, ExecKind.APPROVAL);
        var r2 = t.execute(2, ExecKind.BACKING);
        PrepareJob p1 = t.expectEnqueuePrepare();
        assertEquals(PreparePriority.NORMAL, p1.priority());
        // the second request joins and raises the queued job's priority
        assertEquals(new PrepareQueue.AmendPriority(Jobs.artifactId(1), PreparePriority.CRITICAL), t.prepare.receiveMessage());
        PrepareJob p2 = t.expectEnqueuePrepare();
        assertEquals(Jobs.artifactId(2), p2.id());

        t.prepared(p1);
        ExecuteJob e11 = t.expectEnqueueExecute();
        ExecuteJob e12 = t.expectEnqueueExecute();
        assertEquals(List.of(ExecKind.BACKING, ExecKind.APPROVAL), List.of(e11.kind(), e12.kind()));
        t.prepared(p2);
        ExecuteJob e2 = t.expectEnqueueExecute();
        assertEquals(Jobs.artifactId(2), e2.id());

        for (ExecuteJob j : List.of(e11, e12, e2)) {
            t.finished(j, t.invalid());
        }
        for (var r : List.of(r11, r12, r2)) {
            assertInstanceOf(ValidationOutcome.Invalid.class, r.receiveMessage());
        }
        t.prepare.expectNoMessage(Duration.ofMillis(50));
    }

    // Port of precheck_pvf.
    @Test
    void shouldAnswerPrechecksWhenThePreparationConcludes() throws Exception {
        Fixture t = new Fixture();
        var r1 = t.precheck(1);
        t.prepared(t.expectEnqueuePrepare());
        t.execute.expectNoMessage(SHORT);
        assertSame(PrecheckOutcome.Valid.INSTANCE, r1.receiveMessage());

        List<TestProbe<PrecheckOutcome>> receivers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            receivers.add(t.precheck(2));
        }
        PrepareJob p2 = t.expectEnqueuePrepare(); // one preparation for the three
        t.failed(p2, TIMED_OUT);
        t.execute.expectNoMessage(SHORT);
        for (var r : receivers) {
            var failed = assertInstanceOf(PrecheckOutcome.Failed.class, r.receiveMessage());
            assertEquals(TIMED_OUT, failed.error());
        }
    }

    // Port of test_prepare_done: execute and precheck for one PVF, in both orders.
    @Test
    void shouldAnswerMixedExecuteAndPrecheckRequestsInBothOrders() throws Exception {
        Fixture t = new Fixture();
        var exec = t.execute(1, ExecKind.BACKING);
        PrepareJob p1 = t.expectEnqueuePrepare();
        var pre = t.precheck(1);
        // the preparation fails: both are answered, nothing is executed; a transient preparation
        // error is an internal error of an execution (reference: Internal(NonDeterministicPrepareError))
        t.failed(p1, TIMED_OUT);
        t.execute.expectNoMessage(SHORT);
        assertEquals(TIMED_OUT, assertInstanceOf(PrecheckOutcome.Failed.class, pre.receiveMessage()).error());
        assertInternal(exec.receiveMessage(), TIMED_OUT);

        // reversed: several prechecks first, then an execution
        List<TestProbe<PrecheckOutcome>> prechecks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            prechecks.add(t.precheck(2));
        }
        t.execute(2, ExecKind.APPROVAL);
        PrepareJob p2 = t.expectEnqueuePrepare();
        t.prepared(p2);
        assertEquals(Jobs.artifactId(2), t.expectEnqueueExecute().id());
        for (var r : prechecks) {
            assertSame(PrecheckOutcome.Valid.INSTANCE, r.receiveMessage());
        }
    }

    // Port of test_precheck_prepare_no_retry: prechecks never prepare a failed artifact again.
    @Test
    void shouldNotRetryAFailedPreparationForAPrecheck() throws Exception {
        Fixture t = new Fixture();
        var r1 = t.precheck(1);
        t.failed(t.expectEnqueuePrepare(), TIMED_OUT);
        assertEquals(TIMED_OUT, assertInstanceOf(PrecheckOutcome.Failed.class, r1.receiveMessage()).error());

        var r2 = t.precheck(1);
        t.prepare.expectNoMessage(SHORT);
        assertEquals(TIMED_OUT, assertInstanceOf(PrecheckOutcome.Failed.class, r2.receiveMessage()).error());

        t.settle();
        manualTime.timePasses(COOLDOWN);
        var r3 = t.precheck(1);
        t.prepare.expectNoMessage(SHORT);
        assertEquals(TIMED_OUT, assertInstanceOf(PrecheckOutcome.Failed.class, r3.receiveMessage()).error());
    }

    // Port of test_execute_prepare_retry: a transient failure is prepared again after the cooldown.
    @Test
    void shouldRetryATransientPreparationFailureAfterTheCooldown() throws Exception {
        Fixture t = new Fixture();
        // backing: answered by the host at once (approval would retry first, see the test below)
        var r1 = t.execute(1, ExecKind.BACKING);
        t.failed(t.expectEnqueuePrepare(), TIMED_OUT);
        assertInternal(r1.receiveMessage(), TIMED_OUT);

        // not yet: still cooling down
        var r2 = t.execute(1, ExecKind.BACKING);
        t.prepare.expectNoMessage(SHORT);
        assertInternal(r2.receiveMessage(), TIMED_OUT);

        t.settle();
        manualTime.timePasses(COOLDOWN);
        var r3 = t.execute(1, ExecKind.APPROVAL);
        PrepareJob again = t.expectEnqueuePrepare();
        t.prepared(again);
        ExecuteJob e3 = t.expectEnqueueExecute();
        t.finished(e3, t.invalid());
        assertInstanceOf(ValidationOutcome.Invalid.class, r3.receiveMessage());
        assertInstanceOf(ArtifactState.Prepared.class, t.table.state(Jobs.artifactId(1)).orElseThrow());
    }

    static void assertInternal(ValidationOutcome outcome, PrepareError error) {
        var internal = assertInstanceOf(ValidationOutcome.InternalError.class, outcome);
        assertTrue(internal.detail().contains(error.toString()), internal.detail());
    }

    // candidate validation's retry: an internal error of an approval is run again once, after the delay
    @Test
    void shouldRetryAnApprovalWhosePreparationFailedTransientlyOnceAndAnswerInternal() throws Exception {
        Fixture t = new Fixture("pvf.host.prepare.retry-cooldown = 10m", new ArtifactTable());
        var r = t.execute(1, ExecKind.APPROVAL);
        t.failed(t.expectEnqueuePrepare(), TIMED_OUT);
        t.settle();
        manualTime.expectNoMessageFor(t.settings.executeRetryDelay().minusMillis(1), r);
        t.settle();
        manualTime.timePasses(Duration.ofMillis(1));
        // the retry finds the failure still cooling down: no second preparation, the internal error is the answer
        assertInternal(r.receiveMessage(), TIMED_OUT);
        t.prepare.expectNoMessage(SHORT);
        t.execute.expectNoMessage(SHORT);
    }

    // Port of test_execute_prepare_no_retry: a deterministic failure is never prepared again.
    @Test
    void shouldNotRetryADeterministicPreparationFailure() throws Exception {
        Fixture t = new Fixture();
        PrepareError prevalidation = new PrepareError(PrepareError.Kind.PREVALIDATION, "reproducible error");
        var r1 = t.execute(1, ExecKind.APPROVAL);
        t.failed(t.expectEnqueuePrepare(), prevalidation);
        assertEquals(prevalidation, assertInstanceOf(ValidationOutcome.PreparationFailed.class, r1.receiveMessage()).error());

        var r2 = t.execute(1, ExecKind.APPROVAL);
        t.prepare.expectNoMessage(SHORT);
        assertEquals(prevalidation, assertInstanceOf(ValidationOutcome.PreparationFailed.class, r2.receiveMessage()).error());

        t.settle();
        manualTime.timePasses(COOLDOWN);
        var r3 = t.execute(1, ExecKind.APPROVAL);
        t.prepare.expectNoMessage(SHORT);
        assertEquals(prevalidation, assertInstanceOf(ValidationOutcome.PreparationFailed.class, r3.receiveMessage()).error());
    }

    // Port of test_heads_up_prepare_retry.
    @Test
    void shouldRetryAFailedHeadsUpPreparationAfterTheCooldown() throws Exception {
        Fixture t = new Fixture();
        t.headsUp(1);
        PrepareJob p = t.expectEnqueuePrepare();
        assertEquals(PreparePriority.BACKGROUND, p.priority());
        t.failed(p, TIMED_OUT);
        t.headsUp(1);
        t.prepare.expectNoMessage(SHORT);
        t.settle();
        manualTime.timePasses(COOLDOWN);
        t.headsUp(1);
        assertEquals(Jobs.artifactId(1), t.expectEnqueuePrepare().id());
    }

    // Port of cancellation: a caller that went away is skipped when the preparation concludes.
    @Test
    void shouldSkipAWaiterWhoseCallerCancelled() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.BACKING);
        PrepareJob p = t.expectEnqueuePrepare();
        t.host.tell(new Host.Cancel(r.ref()));
        t.prepared(p);
        t.execute.expectNoMessage(SHORT);
        r.expectNoMessage(Duration.ofMillis(10));
    }

    @Test
    void shouldSkipAWaiterWhoseReplyActorStopped() throws Exception {
        Fixture t = new Fixture("pvf.host.max-pending-requests = 1", new ArtifactTable());
        var gone = t.execute(1, ExecKind.BACKING);
        PrepareJob p = t.expectEnqueuePrepare();
        gone.stop();
        // the host learns of the death by its watch; then the only pending slot is free again
        TestProbe<ValidationOutcome> next = null;
        for (int attempt = 0; attempt < 50 && next == null; attempt++) {
            TestProbe<ValidationOutcome> candidate = testKit.createTestProbe();
            t.host.tell(new Host.Execute(Jobs.pvf(1), params(), ExecKind.BACKING, null, candidate.ref()));
            try {
                ValidationOutcome refused = candidate.receiveMessage(Duration.ofMillis(100));
                assertTrue(((ValidationOutcome.Deadline) refused).detail().contains("overloaded"), refused.toString());
            } catch (AssertionError timeout) {
                next = candidate; // admitted: it waits for the preparation
            }
        }
        assertTrue(next != null, "the dead caller's request was never dropped");
        t.prepared(p);
        ExecuteJob only = t.expectEnqueueExecute();
        t.execute.expectNoMessage(SHORT);
        t.finished(only, t.invalid());
        assertInstanceOf(ValidationOutcome.Invalid.class, next.receiveMessage());
    }

    @Test
    void shouldTellTheExecuteQueueToDropTheQueuedJobOfACancelledCaller() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.BACKING);
        t.prepared(t.expectEnqueuePrepare());
        ExecuteJob job = t.expectEnqueueExecute();
        t.host.tell(new Host.Cancel(r.ref()));
        assertEquals(new ExecuteQueue.Cancel(job.requestId()), t.execute.receiveMessage());
        t.finished(job, t.invalid()); // it had started after all: the answer goes nowhere
        r.expectNoMessage(SHORT);
    }

    /** Where the host moves a pruned artifact's file before the sweeper deletes it. */
    static Path doomed(Path p) {
        return p.resolveSibling(p.getFileName() + ".pruned" + io.pvfhost.artifacts.ArtifactFile.TEMP_SUFFIX);
    }

    // Port of pruning: artifacts not needed for the TTL are swept; a heads-up extends the TTL.
    @Test
    void shouldPruneArtifactsUnusedForTheTtlAndKeepOnesAHeadsUpExtended() throws Exception {
        ArtifactTable table = new ArtifactTable();
        var longAgo = time.now().minusMillis(1000);
        table.prepared(Jobs.artifactId(1), writeFile(cache.resolve("1")), new byte[32], 10, longAgo);
        table.prepared(Jobs.artifactId(2), writeFile(cache.resolve("2")), new byte[32], 10, longAgo);
        // a size limit of 0: the seed's rule, every artifact beyond the TTL goes
        Fixture t = new Fixture("pvf.host.pruning.interval = 100ms\npvf.host.pruning.ttl = 500ms\n"
                + "pvf.host.pruning.cache-size-limit = 0", table);
        t.headsUp(1);
        t.prepare.expectNoMessage(Duration.ofMillis(50)); // prepared: a heads-up only extends it
        manualTime.timePasses(Duration.ofMillis(100));
        assertEquals(List.of(doomed(cache.resolve("2"))), t.swept.receiveMessage());
        // moved aside at once: a file prepared again under the name meanwhile is not what gets deleted
        assertFalse(Files.exists(cache.resolve("2")));
        assertTrue(Files.exists(doomed(cache.resolve("2"))));
        assertTrue(Files.exists(cache.resolve("1")));

        t.headsUp(1);
        t.prepare.expectNoMessage(Duration.ofMillis(50));
        manualTime.expectNoMessageFor(Duration.ofMillis(400), t.swept);
        assertTrue(t.table.state(Jobs.artifactId(1)).isPresent());
        assertTrue(t.table.state(Jobs.artifactId(2)).isEmpty());
    }

    @Test
    void shouldNeverPruneAnArtifactNeededWithinTheTtlAndShouldRecordWhenArtifactsWereLastNeeded() throws Exception {
        ArtifactTable table = new ArtifactTable();
        var start = time.now();
        Path p1 = writeFile(cache.resolve("1"));
        Path p2 = writeFile(cache.resolve("2"));
        table.prepared(Jobs.artifactId(1), p1, new byte[32], 400, start.minusSeconds(30));
        table.prepared(Jobs.artifactId(2), p2, new byte[32], 400, start.minusSeconds(20));
        Fixture t = new Fixture("pvf.host.pruning.interval = 1s\npvf.host.pruning.ttl = 1h\n"
                + "pvf.host.pruning.cache-size-limit = 100B", table);
        manualTime.timePasses(Duration.ofMillis(500));
        var needed = time.now();
        t.headsUp(2);
        t.prepare.expectNoMessage(Duration.ofMillis(50));
        manualTime.timePasses(Duration.ofMillis(500));
        // 800 bytes over a 100-byte limit, but both were needed within the hour: none goes
        t.swept.expectNoMessage(SHORT);
        // artifact 2, needed since the host started, gets its time recorded; artifact 1 was not needed
        assertEquals(List.of(new ArtifactsPruner.LastNeeded(p2, needed)), t.recorded.receiveMessage());
        // recorded once
        manualTime.timePasses(Duration.ofSeconds(1));
        t.recorded.expectNoMessage(SHORT);
        t.swept.expectNoMessage(SHORT);
        assertTrue(Files.exists(p1) && Files.exists(p2));
        // a need since the last pulse is written into the file when the host stops
        manualTime.timePasses(Duration.ofMillis(300));
        var last = time.now();
        t.headsUp(1);
        t.prepare.expectNoMessage(Duration.ofMillis(50));
        testKit.stop(t.host);
        assertEquals(last, Files.getLastModifiedTime(p1).toInstant());
    }

    @Test
    void shouldPruneTheLeastRecentlyNeededArtifactsBeyondTheSizeLimitButNeverOneInUse() throws Exception {
        ArtifactTable table = new ArtifactTable();
        var now = time.now();
        table.prepared(Jobs.artifactId(1), writeFile(cache.resolve("1")), new byte[32], 400, now);
        table.prepared(Jobs.artifactId(2), writeFile(cache.resolve("2")), new byte[32], 400, now);
        table.prepared(Jobs.artifactId(3), writeFile(cache.resolve("3")), new byte[32], 400, now);
        table.startPreparing(Jobs.artifactId(4));
        Fixture t = new Fixture("pvf.host.pruning.interval = 1s\npvf.host.pruning.ttl = 5s\n"
                + "pvf.host.pruning.cache-size-limit = 1000B", table);
        // artifact 1 is in use (executing, which counts as needed now); then 2 and 3 are needed
        // later, so that 1 becomes the least recently needed and stale first
        var r = t.execute(1, ExecKind.BACKING);
        ExecuteJob running = t.expectEnqueueExecute();
        manualTime.timePasses(Duration.ofSeconds(1));
        t.headsUp(2);
        manualTime.timePasses(Duration.ofSeconds(1));
        t.headsUp(3);
        t.prepare.expectNoMessage(Duration.ofMillis(50));
        // at +5 s artifact 1 is stale but in use, the others recent; at +6 s artifact 2 is stale too
        manualTime.timePasses(Duration.ofSeconds(4));
        assertEquals(List.of(doomed(cache.resolve("2"))), t.swept.receiveMessage());
        t.swept.expectNoMessage(SHORT);
        assertTrue(t.table.state(Jobs.artifactId(1)).isPresent(), "the artifact in use was pruned");
        assertTrue(t.table.state(Jobs.artifactId(3)).isPresent());
        assertTrue(t.table.state(Jobs.artifactId(4)).isPresent(), "an artifact being prepared is never pruned");
        t.finished(running, t.invalid());
        r.receiveMessage();
        manualTime.timePasses(Duration.ofSeconds(1));
        t.swept.expectNoMessage(SHORT); // 800 bytes: under the limit
    }

    @Test
    void shouldPrepareWithTheRequestsCodeLimitsOrElseTheConfiguredOnes() throws Exception {
        Fixture t = new Fixture("pvf.host.prepare.max-code-size = 2MiB\npvf.host.prepare.code-bomb-limit = 20MiB",
                new ArtifactTable());
        TestProbe<PrecheckOutcome> r1 = testKit.createTestProbe();
        t.host.tell(new Host.Precheck(Jobs.pvf(1), r1.ref()));
        PrepareJob configured = t.expectEnqueuePrepare();
        assertEquals(2L << 20, configured.maxCodeSize());
        assertEquals(20L << 20, configured.codeBombLimit());
        TestProbe<PrecheckOutcome> r2 = testKit.createTestProbe();
        t.host.tell(new Host.Precheck(Jobs.pvf(2).withCodeLimits(5L << 20, 80L << 20), r2.ref()));
        PrepareJob given = t.expectEnqueuePrepare();
        assertEquals(5L << 20, given.maxCodeSize());
        assertEquals(80L << 20, given.codeBombLimit());
        assertEquals(Jobs.pvf(2).artifactId(), given.id(), "the limits do not change the artifact");
    }

    // The reference's handle_execute_pvf: "Re-queuing PVF preparation for prepared artifact with missing file".
    @Test
    void shouldPrepareAgainAPreparedArtifactWhoseFileIsGone() throws Exception {
        Fixture t = new Fixture();
        var r1 = t.execute(1, ExecKind.BACKING);
        PrepareJob p = t.expectEnqueuePrepare();
        t.prepared(p);
        t.finished(t.expectEnqueueExecute(), t.invalid());
        r1.receiveMessage();
        java.nio.file.Files.delete(p.artifactPath());
        var r2 = t.execute(1, ExecKind.DISPUTE);
        PrepareJob again = t.expectEnqueuePrepare();
        assertEquals(PreparePriority.CRITICAL, again.priority());
        assertEquals(new ArtifactState.Preparing(0), t.table.state(Jobs.artifactId(1)).orElseThrow());
        t.execute.expectNoMessage(SHORT);
        t.prepared(again);
        t.finished(t.expectEnqueueExecute(), t.invalid());
        assertInstanceOf(ValidationOutcome.Invalid.class, r2.receiveMessage());
    }

    @Test
    void shouldRefuseRequestsAtOnceWhenTooManyArePending() throws Exception {
        Fixture t = new Fixture("pvf.host.max-pending-requests = 2", new ArtifactTable());
        var a = t.execute(1, ExecKind.BACKING);
        var b = t.precheck(2);
        PrepareJob p1 = t.expectEnqueuePrepare();
        t.expectEnqueuePrepare();
        var refused = t.execute(3, ExecKind.DISPUTE);
        var deadline = assertInstanceOf(ValidationOutcome.Deadline.class, refused.receiveMessage());
        assertTrue(deadline.detail().contains("overloaded"), deadline.detail());
        var refusedPrecheck = assertInstanceOf(PrecheckOutcome.Failed.class, t.precheck(4).receiveMessage());
        assertTrue(refusedPrecheck.error().detail().contains("overloaded"));
        t.prepare.expectNoMessage(SHORT); // refused requests cost nothing

        t.prepared(p1);
        t.finished(t.expectEnqueueExecute(), t.invalid());
        a.receiveMessage();
        t.execute(3, ExecKind.DISPUTE); // a slot is free again
        assertEquals(Jobs.artifactId(3), t.expectEnqueuePrepare().id());
        b.expectNoMessage(Duration.ofMillis(10));
    }

    @Test
    void shouldEscalateAHeadsUpPreparationWhenADisputeNeedsItAndNeverLowerIt() throws Exception {
        Fixture t = new Fixture();
        t.headsUp(1);
        assertEquals(PreparePriority.BACKGROUND, t.expectEnqueuePrepare().priority());
        t.execute(1, ExecKind.DISPUTE);
        assertEquals(new PrepareQueue.AmendPriority(Jobs.artifactId(1), PreparePriority.CRITICAL), t.prepare.receiveMessage());
        t.execute(1, ExecKind.BACKING);
        // asked at Normal: the queue keeps Critical (PrepareQueueTest.shouldNeverLowerAQueuedJobsPriority)
        assertEquals(new PrepareQueue.AmendPriority(Jobs.artifactId(1), PreparePriority.NORMAL), t.prepare.receiveMessage());
        t.headsUp(1);
        t.prepare.expectNoMessage(SHORT); // a heads-up never touches a queued job
    }

    @Test
    void shouldPassTheRelayParentOnAndAnswerADroppedJobWithADeadline() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.BACKING, Jobs.block(5));
        t.prepared(t.expectEnqueuePrepare());
        ExecuteJob job = t.expectEnqueueExecute();
        assertEquals(Jobs.block(5), job.relayParent());
        var update = new ActiveLeavesUpdate(Jobs.block(7), List.of(Jobs.block(6)));
        t.host.tell(new Host.UpdateActiveLeaves(update, List.of(Jobs.block(6))));
        assertEquals(new ExecuteQueue.UpdateActiveLeaves(update, List.of(Jobs.block(6))), t.execute.receiveMessage());
        t.finished(job, new ExecuteResult.Dropped("relay parent left the view"));
        assertInstanceOf(ValidationOutcome.Deadline.class, r.receiveMessage());
    }

    @Test
    void shouldRefuseARelayParentForApprovalOrDispute() {
        assertThrowsIllegalArgument(() -> new Host.Execute(Jobs.pvf(1), params(), ExecKind.APPROVAL, null, Jobs.block(1),
                testKit.<ValidationOutcome>createTestProbe().ref()));
    }

    static void assertThrowsIllegalArgument(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("no IllegalArgumentException");
    }

    @Test
    void shouldRetryAnAmbiguousApprovalFailureOnceAfterTheDelayInVirtualTime() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.APPROVAL);
        t.prepared(t.expectEnqueuePrepare());
        ExecuteJob first = t.expectEnqueueExecute();
        t.finished(first, new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed"));
        t.settle();
        manualTime.expectNoMessageFor(t.settings.executeRetryDelay().minusMillis(1), r, t.execute);
        t.settle();
        manualTime.timePasses(Duration.ofMillis(1));
        ExecuteJob second = t.expectEnqueueExecute();
        assertEquals(first.requestId(), second.requestId());
        // the retry gets what is left of the timeout (reference: exec_timeout minus the time elapsed)
        assertEquals(t.settings.approvalTimeout(), first.timeout());
        assertEquals(t.settings.approvalTimeout().minus(t.settings.executeRetryDelay()), second.timeout());
        t.finished(second, new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed again"));
        var outcome = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage());
        assertEquals(ValidationOutcome.PossiblyInvalidKind.AmbiguousWorkerDeath, outcome.kind());
    }

    @Test
    void shouldNotRetryAnAmbiguousBackingFailure() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.BACKING);
        t.prepared(t.expectEnqueuePrepare());
        t.finished(t.expectEnqueueExecute(), new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed"));
        assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage());
        t.execute.expectNoMessage(SHORT);
    }

    static ExecuteResult corrupted() {
        return new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.CORRUPTED_ARTIFACT, null, "checksum mismatch", 1));
    }

    // reference: a corrupted artifact is removed; backing is not run again, the next request prepares it again
    @Test
    void shouldRemoveACorruptedArtifactAndNotRetryBacking() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.BACKING);
        PrepareJob p = t.expectEnqueuePrepare();
        t.prepared(p);
        t.finished(t.expectEnqueueExecute(), corrupted());
        var outcome = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage());
        assertEquals(ValidationOutcome.PossiblyInvalidKind.CorruptedArtifact, outcome.kind());
        assertTrue(t.table.state(Jobs.artifactId(1)).isEmpty(), "removed from the table");
        assertFalse(Files.exists(p.artifactPath()), "its file deleted");
        t.prepare.expectNoMessage(SHORT);

        var next = t.execute(1, ExecKind.BACKING);
        t.prepared(t.expectEnqueuePrepare());
        t.finished(t.expectEnqueueExecute(), t.invalid());
        assertInstanceOf(ValidationOutcome.Invalid.class, next.receiveMessage());
    }

    // reference: an approval is run again at once after a corrupted artifact, which prepares it again
    @Test
    void shouldPrepareAgainAndRerunAnApprovalAtOnceAfterACorruptedArtifact() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.APPROVAL);
        t.prepared(t.expectEnqueuePrepare());
        ExecuteJob first = t.expectEnqueueExecute();
        t.finished(first, corrupted());
        PrepareJob again = t.expectEnqueuePrepare(); // no retry delay
        assertEquals(PreparePriority.CRITICAL, again.priority());
        t.prepared(again);
        ExecuteJob second = t.expectEnqueueExecute();
        assertEquals(first.requestId(), second.requestId());
        t.finished(second, corrupted());
        // one retry for execution errors: the second is the answer
        var outcome = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage());
        assertEquals(ValidationOutcome.PossiblyInvalidKind.CorruptedArtifact, outcome.kind());
    }

    // a late report from a job that ran on the old file must not remove the file prepared again since
    @Test
    void shouldNotLetALateCorruptedReportRemoveTheArtifactPreparedAgain() throws Exception {
        Fixture t = new Fixture();
        var r1 = t.execute(1, ExecKind.APPROVAL);
        var r2 = t.execute(1, ExecKind.APPROVAL);
        PrepareJob p1 = t.expectEnqueuePrepare();
        t.prepared(p1);
        ExecuteJob e1 = t.expectEnqueueExecute();
        ExecuteJob e2 = t.expectEnqueueExecute();
        t.finished(e1, corrupted());
        PrepareJob p2 = t.expectEnqueuePrepare();
        t.prepared(p2);
        ExecuteJob e1b = t.expectEnqueueExecute();
        assertEquals(e1.requestId(), e1b.requestId());

        t.finished(e2, corrupted()); // ran on the first file
        ExecuteJob e2b = t.expectEnqueueExecute(); // run again at once, on the new file
        assertEquals(e2.requestId(), e2b.requestId());
        t.prepare.expectNoMessage(SHORT); // no third preparation
        assertInstanceOf(ArtifactState.Prepared.class, t.table.state(Jobs.artifactId(1)).orElseThrow());
        assertTrue(Files.exists(p2.artifactPath()), "the file prepared again is still there");

        t.finished(e1b, t.invalid());
        t.finished(e2b, t.invalid());
        assertInstanceOf(ValidationOutcome.Invalid.class, r1.receiveMessage());
        assertInstanceOf(ValidationOutcome.Invalid.class, r2.receiveMessage());
    }

    // reference: one retry per class of failure (a death and a job error are two classes)
    @Test
    void shouldRetryAnApprovalOncePerClassOfFailure() throws Exception {
        Fixture t = new Fixture();
        var r = t.execute(1, ExecKind.APPROVAL);
        t.prepared(t.expectEnqueuePrepare());
        t.finished(t.expectEnqueueExecute(), new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed"));
        t.settle();
        manualTime.timePasses(t.settings.executeRetryDelay());
        t.finished(t.expectEnqueueExecute(),
                new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.JOB_ERROR, null, "out of memory", 1)));
        t.settle();
        manualTime.timePasses(t.settings.executeRetryDelay());
        t.finished(t.expectEnqueueExecute(), new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed again"));
        var outcome = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage());
        assertEquals(ValidationOutcome.PossiblyInvalidKind.AmbiguousWorkerDeath, outcome.kind());
        t.execute.expectNoMessage(SHORT);
    }

    // reference: no retry once the retry delay would pass the request's deadline
    @Test
    void shouldNotRetryPastTheDeadline() throws Exception {
        Fixture t = new Fixture();
        TestProbe<ValidationOutcome> r = testKit.createTestProbe();
        t.host.tell(new Host.Execute(Jobs.pvf(1), params(), ExecKind.APPROVAL, Duration.ofSeconds(2), null, r.ref()));
        t.prepared(t.expectEnqueuePrepare());
        t.finished(t.expectEnqueueExecute(), new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed"));
        assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, r.receiveMessage()); // 3 s delay > 2 s timeout
        t.execute.expectNoMessage(SHORT);
    }
}
