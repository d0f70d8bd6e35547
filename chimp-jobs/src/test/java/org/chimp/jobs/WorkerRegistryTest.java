package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerRegistryTest {
    private static WorkerInfo only(Fixture f) {
        assertThat(f.jobs.workers()).hasSize(1);
        return f.jobs.workers().get(0);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aWorkerRegistersHeartbeatsShowsItsJobsAndLeavesOnClose(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            Worker w = f.worker(Map.of("t", ctx -> {
                started.countDown();
                assertThat(finish.await(20, TimeUnit.SECONDS)).isTrue();
                return null;
            }), List.of("q"), Fixture.OPTIONS);
            WorkerInfo first = only(f);
            assertThat(first.id()).isEqualTo(w.id()).startsWith(first.host() + "-" + ProcessHandle.current().pid() + "-");
            assertThat(first.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(first.queues()).containsExactly("q");
            assertThat(first.concurrency()).isEqualTo(2);
            assertThat(first.state()).isEqualTo("running");
            assertThat(first.alive()).isTrue();
            assertThat(first.heartbeat()).isEqualTo(Fixture.OPTIONS.heartbeat());

            String id = f.jobs.submit(JobRequest.of("q", "t", null)).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            Fixture.await(() -> only(f).currentJobs().contains(id), "the job in the worker's row");
            assertThat(f.jobs.get(id).workerId()).isEqualTo(w.id());
            Fixture.await(() -> only(f).lastHeartbeat().isAfter(first.lastHeartbeat()), "a heartbeat");
            finish.countDown();
            Fixture.await(() -> only(f).currentJobs().isEmpty(), "the job to leave the worker's row");
            assertThat(f.awaitState(id, JobState.SUCCEEDED).workerId()).isEqualTo(w.id());

            w.close();
            assertThat(f.jobs.workers()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aClosingWorkerIsStoppingDuringItsGracePeriod(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            Worker w = f.worker(Map.of("t", ctx -> {
                started.countDown();
                assertThat(finish.await(20, TimeUnit.SECONDS)).isTrue();
                return null;
            }), List.of("q"), Fixture.OPTIONS.withGracePeriod(Duration.ofSeconds(30)));
            String id = f.jobs.submit(JobRequest.of("q", "t", null)).id();
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(w::close);
            closer.start();
            Fixture.await(() -> only(f).state().equals("stopping"), "the stopping state");
            assertThat(only(f).currentJobs()).containsExactly(id);
            finish.countDown();
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(closer.isAlive()).isFalse();
            Job job = f.jobs.get(id);
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED); // finished within the grace period
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(f.jobs.workers()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void staleRowsArePrunedAndSilentWorkersAreNotAlive(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Instant now = JobStore.now();
            WorkerRegistry registry = f.jobs.registry();
            registry.save(new WorkerInfo("gone", "h", 1, List.of("q"), 1, Duration.ofSeconds(5), "running", List.of(),
                    now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)), true));
            registry.save(new WorkerInfo("silent", "h", 2, List.of("q"), 1, Duration.ofSeconds(5), "running",
                    List.of("j1"), now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(10)), true));
            Worker w = f.worker(Map.of(), List.of("q"), Fixture.OPTIONS);
            List<WorkerInfo> workers = f.jobs.workers();
            assertThat(workers).extracting(WorkerInfo::id).containsExactly("silent", w.id());
            assertThat(workers.get(0).alive()).isFalse();
            // Shown as Flower shows a Celery worker gone offline: lost, no longer running its jobs.
            assertThat(workers.get(0).state()).isEqualTo(WorkerInfo.LOST);
            assertThat(workers.get(0).currentJobs()).isEmpty();
            assertThat(workers.get(1).state()).isEqualTo("running");
            assertThat(workers.get(1).alive()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aSlowJobIsNotRunTwiceWhileItsWorkerIsAlive(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            TestBroker counted = new TestBroker(f.broker);
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch finish = new CountDownLatch(1);
            Map<String, JobHandler> slow = Map.of("t", ctx -> {
                calls.incrementAndGet();
                finish.await();
                return null;
            });
            // A worker is alive for three heartbeats since its last: 15 s, so a loaded machine's stall cannot make
            // it look dead (and its job free to take over) while the job runs.
            WorkerOptions options = Fixture.OPTIONS.withHeartbeat(Duration.ofSeconds(5));
            f.start(new Worker(f.jobs, counted, slow, List.of("q"), options));
            f.start(new Worker(f.jobs, counted, slow, List.of("q"), options));
            String id = f.jobs.submit(JobRequest.of("q", "t", null)).id();
            // The job outlives its visibility timeout three times over (an extend every third of it) before it ends.
            Fixture.await(() -> counted.extendCalls.get() >= 9, "nine heartbeats of the running job");
            finish.countDown();
            Job job = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(calls.get()).isEqualTo(1);
            assertThat(job.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRedeliveredJobIsNotTakenOverWhileItsWorkerIsAliveEvenWithoutExtends(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            TestBroker late = new TestBroker(f.broker);
            late.dropExtends = true; // every heartbeat too late: the message comes back every 300 ms
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch finish = new CountDownLatch(1);
            Map<String, JobHandler> slow = Map.of("t", ctx -> {
                calls.incrementAndGet();
                finish.await();
                return null;
            });
            // A worker is alive for three heartbeats since its last: 15 s, so a loaded machine's stall cannot make
            // it look dead (and its job free to take over) while the job runs.
            WorkerOptions options = Fixture.OPTIONS.withHeartbeat(Duration.ofSeconds(5));
            f.start(new Worker(f.jobs, late, slow, List.of("q"), options));
            f.start(new Worker(f.jobs, late, slow, List.of("q"), options));
            String id = f.jobs.submit(JobRequest.of("q", "t", null)).id();
            // The message comes back while the job runs, and is deferred each time, before the job ends.
            Fixture.await(() -> late.releases.get() >= 3, "the redelivered message deferred three times");
            finish.countDown();
            Job job = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(calls.get()).isEqualTo(1);
            assertThat(job.attempts()).isEqualTo(1);
            // The message a deferring worker released comes back once more and is acked as a duplicate.
            Fixture.await(() -> f.broker.missing(List.of(id)).orElseThrow().contains(id), "the last message's ack");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aGpuQueueRunsOneJobAtATimePerAccelerator(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicInteger now = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            f.worker(Map.of("t", ctx -> {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                Thread.sleep(50);
                now.decrementAndGet();
                return null;
            }), List.of("gpu-infer"), Fixture.OPTIONS.withConcurrency(4));
            List<String> ids = List.of(f.jobs.submit(JobRequest.of("gpu-infer", "t", null)).id(),
                    f.jobs.submit(JobRequest.of("gpu-infer", "t", null)).id(),
                    f.jobs.submit(JobRequest.of("gpu-infer", "t", null)).id());
            ids.forEach(id -> f.awaitState(id, JobState.SUCCEEDED));
            assertThat(most.get()).isEqualTo(1);
            assertThat(only(f).concurrency()).isEqualTo(1);
        }
    }
}
