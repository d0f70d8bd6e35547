package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Delivery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerTest {
    private static final ObjectNode PAYLOAD = JsonNodeFactory.instance.objectNode().put("n", 21);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final JobHandler DOUBLE = ctx -> JsonNodeFactory.instance.objectNode()
            .put("doubled", ctx.job().payload().get("n").asInt() * 2);

    private static Map<String, JobHandler> handlers(JobHandler h) {
        return Map.of("t", h);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void runsAJobToSuccessAndStoresItsResult(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(handlers(DOUBLE), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id(), JobState.SUCCEEDED);
            assertThat(job.result().get("doubled").asInt()).isEqualTo(42);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.error()).isNull();
            assertThat(job.startedAt()).isNotNull();
            assertThat(job.finishedAt()).isAfterOrEqualTo(job.startedAt());
            Fixture.await(() -> f.broker.missing(List.of(job.id())).orElseThrow().contains(job.id()), "the ack");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void progressIsVisibleWhileTheJobRuns(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch finish = new CountDownLatch(1);
            f.worker(handlers(ctx -> {
                ctx.progress(0.5, "half way");
                assertThat(finish.await(20, TimeUnit.SECONDS)).isTrue();
                return null;
            }), GRACE);
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            Fixture.await(() -> f.jobs.get(id).progress() != null, "progress");
            Job running = f.jobs.get(id);
            assertThat(running.state()).isEqualTo(JobState.RUNNING);
            assertThat(running.progress()).isEqualTo(new Progress(0.5, "half way"));
            finish.countDown();
            assertThat(f.awaitState(id, JobState.SUCCEEDED).progress().fraction()).isEqualTo(0.5);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aHandlerFailingTwiceIsRetriedUntilItSucceeds(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("flaky " + calls.get());
                }
                return DOUBLE.handle(ctx);
            }), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id(), JobState.SUCCEEDED);
            assertThat(job.attempts()).isEqualTo(3);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(job.result().get("doubled").asInt()).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aHandlerAlwaysFailingFailsTheJobAfterMaxAttemptsWithTheLastError(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                throw new IllegalStateException("boom " + calls.incrementAndGet());
            }), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(4)).id(), JobState.FAILED);
            assertThat(job.attempts()).isEqualTo(4);
            assertThat(job.error()).startsWith("failed after 4 attempts: internal error (incident ");
            assertThat(calls.get()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aClientErrorFailsTheJobAtOnce(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                calls.incrementAndGet();
                throw ClientErrorException.invalid("n must be even");
            }), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id(), JobState.FAILED);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.error()).isEqualTo("n must be even");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aPermanentFailureFailsTheJobAtOnceWithItsMessageAndAcksIt(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                calls.incrementAndGet();
                throw new PermanentJobFailure("The image 'a.png' is corrupt", new java.io.IOException("/srv/x/a.png"));
            }), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(5)).id(), JobState.FAILED);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.deadLettered()).isTrue();
            assertThat(job.error()).isEqualTo("The image 'a.png' is corrupt");
            Fixture.await(() -> f.broker.missing(List.of(job.id())).orElseThrow().contains(job.id()), "the ack");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    /** Out of memory on one input: not retried (it would fail again), and the worker goes on with other jobs. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anOutOfMemoryErrorFailsTheJobAtOnceAndTheWorkerSurvives(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                calls.incrementAndGet();
                if (ctx.job().payload().has("huge")) {
                    throw new OutOfMemoryError("Java heap space");
                }
                return DOUBLE.handle(ctx);
            }), GRACE);
            ObjectNode huge = PAYLOAD.deepCopy().put("huge", true);
            Job oom = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", huge).withMaxAttempts(3)).id(), JobState.FAILED);
            assertThat(oom.attempts()).isEqualTo(1);
            assertThat(oom.deadLettered()).isTrue();
            assertThat(oom.error()).startsWith("ran out of memory").contains("incident ");
            Job next = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id(), JobState.SUCCEEDED);
            assertThat(next.result().get("doubled").asInt()).isEqualTo(42);
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    /** An unexpected failure's message may hold server paths: callers get an incident id, the log the details. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anUnexpectedFailureShowsAnIncidentIdNotItsMessage(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String secret = "/var/lib/chimp/work/training-123/datasets/train/x.png: No such file";
            f.worker(handlers(ctx -> {
                throw new java.nio.file.NoSuchFileException(secret);
            }), GRACE);
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(2)).id();
            Fixture.await(() -> f.jobs.get(id).error() != null, "the first attempt's error");
            assertThat(f.jobs.get(id).error()).doesNotContain("/var", "training-123", "NoSuchFile").contains("incident ");
            Job job = f.awaitState(id, JobState.FAILED);
            assertThat(job.error()).startsWith("failed after 2 attempts: internal error (incident ")
                    .doesNotContain("/var", "training-123", "NoSuchFile");
            assertThat(org.chimp.http.Json.MAPPER.writeValueAsString(org.chimp.jobs.http.JobView.of(job))).doesNotContain("/var", "training-123");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobOfAnUnknownTypeFailsWithAMessageNamingTheKnownOnes(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(handlers(DOUBLE), GRACE);
            Job job = f.awaitState(f.jobs.submit(JobRequest.of("q", "mystery", PAYLOAD)).id(), JobState.FAILED);
            assertThat(job.error()).contains("'mystery'", "[t]");
            assertThat(job.attempts()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRunningJobIsCancelledCooperatively(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch started = new CountDownLatch(1);
            f.worker(handlers(ctx -> {
                started.countDown();
                while (!ctx.cancelled()) {
                    Thread.sleep(10);
                }
                return JsonNodeFactory.instance.objectNode().put("stopped", true);
            }), GRACE);
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(f.jobs.cancel(id).state()).isEqualTo(JobState.RUNNING);
            Job job = f.awaitState(id, JobState.CANCELLED);
            assertThat(job.result().get("stopped").asBoolean()).isTrue();
            assertThat(job.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aDeliveryNeverAckedIsDeliveredAgainAndTheJobRunsExactlyOnce(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            Delivery dead = f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow(); // its receiver dies
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                calls.incrementAndGet();
                return DOUBLE.handle(ctx);
            }), GRACE);
            Job job = f.awaitState(id, JobState.SUCCEEDED);
            f.broker.ack(dead); // a late ack with the stale receipt changes nothing
            assertThat(calls.get()).isEqualTo(1);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(f.jobs.get(id).state()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobWhoseWorkerDiedMidRunRunsAgainAsTheNextAttempt(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow();
            assertThat(f.jobs.store().start(id, JobState.QUEUED, 0)).isTrue(); // marked running, then the worker died
            f.worker(handlers(DOUBLE), GRACE);
            Job job = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(job.attempts()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobWhoseWorkerDiedOnItsLastAttemptFails(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(1)).id();
            f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow();
            assertThat(f.jobs.store().start(id, JobState.QUEUED, 0)).isTrue();
            AtomicInteger calls = new AtomicInteger();
            f.worker(handlers(ctx -> {
                calls.incrementAndGet();
                return null;
            }), GRACE);
            Job job = f.awaitState(id, JobState.FAILED);
            assertThat(job.error()).isEqualTo("worker died; attempts exhausted");
            assertThat(calls.get()).isZero();
        }
    }

    /** The handler hears of a dead attempt that will not run again, to close what it left (a tracking run). */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void theHandlerIsToldOfADeadAttemptEndedUnrun(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String exhausted = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(1)).id();
            String cancelled = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            for (String id : List.of(exhausted, cancelled)) {
                assertThat(f.jobs.store().start(id, JobState.QUEUED, 0)).isTrue(); // then its worker died
            }
            f.jobs.cancel(cancelled);
            f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow(); // their messages come back later
            f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow();
            Map<String, JobState> told = new java.util.concurrent.ConcurrentHashMap<>();
            f.worker(handlers(new JobHandler() {
                @Override
                public com.fasterxml.jackson.databind.JsonNode handle(JobContext ctx) {
                    throw new AssertionError("not run");
                }

                @Override
                public void abandoned(Job ended) {
                    told.put(ended.id(), ended.state());
                }
            }), GRACE);
            f.awaitState(exhausted, JobState.FAILED);
            f.awaitState(cancelled, JobState.CANCELLED);
            Fixture.await(() -> told.size() == 2, "both abandoned attempts reported");
            assertThat(told).containsEntry(exhausted, JobState.FAILED).containsEntry(cancelled, JobState.CANCELLED);
        }
    }

    /** A starting worker lets its handlers clean up, telling them which jobs still run on a live worker. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aStartingWorkerLetsHandlersCleanUpAfterKilledWorkers(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            java.time.Instant now = JobStore.now();
            String onLive = f.jobs.submit(JobRequest.of("idle", "t", PAYLOAD)).id();
            String onDead = f.jobs.submit(JobRequest.of("idle", "t", PAYLOAD)).id();
            String queued = f.jobs.submit(JobRequest.of("idle", "t", PAYLOAD)).id();
            f.sql("UPDATE jobs_jobs SET state = 'RUNNING', attempts = 1, worker_id = 'live', started_at = ? WHERE id = ?",
                    now.minus(Duration.ofMinutes(5)), onLive);
            f.sql("UPDATE jobs_jobs SET state = 'RUNNING', attempts = 1, worker_id = 'dead', started_at = ? WHERE id = ?",
                    now.minus(Duration.ofMinutes(5)), onDead);
            f.jobs.registry().save(new WorkerInfo("live", "h", 1, List.of("idle"), 1, Duration.ofSeconds(5), "running",
                    List.of(onLive), now.minus(Duration.ofMinutes(10)), now, true));
            f.jobs.registry().save(new WorkerInfo("dead", "h", 2, List.of("idle"), 1, Duration.ofSeconds(5), "running",
                    List.of(onDead), now.minus(Duration.ofMinutes(10)), now.minus(Duration.ofMinutes(5)), true));
            Map<String, Boolean> seen = new java.util.concurrent.ConcurrentHashMap<>();
            f.worker(handlers(new JobHandler() {
                @Override
                public com.fasterxml.jackson.databind.JsonNode handle(JobContext ctx) {
                    return null;
                }

                @Override
                public void cleanUp(java.util.function.Predicate<String> running) {
                    for (String id : List.of(onLive, onDead, queued, "no-such-job")) {
                        seen.put(id, running.test(id));
                    }
                }
            }), GRACE);
            assertThat(seen).containsEntry(onLive, true).containsEntry(onDead, false).containsEntry(queued, false)
                    .containsEntry("no-such-job", false);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aWorkerClosedMidJobGivesItBackToAnotherWorker(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch started = new CountDownLatch(1);
            Worker first = f.worker(handlers(ctx -> {
                started.countDown();
                new CountDownLatch(1).await(); // until interrupted
                return null;
            }), Duration.ZERO);
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            first.close();
            Job givenBack = f.jobs.get(id);
            assertThat(givenBack.state()).isEqualTo(JobState.QUEUED);
            assertThat(givenBack.attempts()).isZero();
            f.worker(handlers(DOUBLE), GRACE);
            Job job = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.result().get("doubled").asInt()).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobSurvivesRestartingTheBrokerAndWorkerObjects(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            Worker first = f.worker(handlers(ctx -> {
                started.countDown();
                while (!ctx.cancelled()) { // a cooperative handler: told to stop when its worker closes
                    LockSupport.parkNanos(1_000_000);
                }
                stopped.countDown();
                return null;
            }), Duration.ZERO);
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            first.close();
            assertThat(stopped.await(20, TimeUnit.SECONDS)).isTrue();
            f.broker.close();
            f.reopen();
            f.worker(handlers(DOUBLE), GRACE);
            assertThat(f.awaitState(id, JobState.SUCCEEDED).result().get("doubled").asInt()).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aStartingWorkerPublishesJobsWhosePublishWasLost(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            // As if the process died between recording and publishing: no message, the publish still pending.
            f.broker.remove("q", id);
            f.sql("UPDATE jobs_jobs SET publish_pending = TRUE WHERE id = ?", id);
            f.age(id);
            f.worker(handlers(DOUBLE), GRACE);
            assertThat(f.awaitState(id, JobState.SUCCEEDED).attempts()).isEqualTo(1);
        }
    }

    /** A message that comes back before the job's retry is due (a republished duplicate) waits for it. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anEarlyMessageDoesNotStartARetryBeforeItsBackoff(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            EarlyFirstRelease early = new EarlyFirstRelease(f.broker);
            AtomicInteger calls = new AtomicInteger();
            WorkerOptions options = Fixture.OPTIONS.withBackoff(new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2)));
            f.start(new Worker(f.jobs, early, handlers(ctx -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("flaky");
                }
                return null;
            }), List.of("q"), options));
            String id = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD)).id();
            Fixture.await(() -> f.jobs.get(id).error() != null, "the first attempt to fail");
            Job waiting = f.jobs.get(id);
            assertThat(waiting.nextAttemptAt()).isNotNull();

            Job done = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(early.early.get()).as("the early release happened").isTrue();
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(done.startedAt()).isAfterOrEqualTo(waiting.nextAttemptAt());
        }
    }

    /** Gives the first delayed release back at once, as if a duplicate of the message were already waiting. */
    private static final class EarlyFirstRelease extends org.chimp.jobs.broker.ForwardingBroker {
        final java.util.concurrent.atomic.AtomicBoolean early = new java.util.concurrent.atomic.AtomicBoolean();

        EarlyFirstRelease(org.chimp.jobs.broker.Broker delegate) {
            super(delegate);
        }

        @Override
        public void release(Delivery delivery, Duration delay) {
            super.release(delivery, !delay.isZero() && !delay.isNegative() && early.compareAndSet(false, true) ? Duration.ZERO : delay);
        }
    }
}
