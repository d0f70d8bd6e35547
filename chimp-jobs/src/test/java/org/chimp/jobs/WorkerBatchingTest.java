package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.ForwardingBroker;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The worker's batching: many messages per receive, prefetch while jobs are short, outcomes stored together. */
class WorkerBatchingTest {
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void manyShortJobsEachRunExactlyOnce(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
            f.worker(Map.of("t", ctx -> {
                runs.computeIfAbsent(ctx.job().id(), k -> new AtomicInteger()).incrementAndGet();
                return null;
            }), List.of("q"), Fixture.OPTIONS);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.addAll(f.jobs.submitAll(Collections.nCopies(100, JobRequest.of("q", "t", null))));
            }
            Fixture.await(() -> f.jobs.count(JobState.SUCCEEDED, "q") == 300, "300 jobs to succeed");
            assertThat(runs).hasSize(300);
            assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            Job one = f.jobs.get(jobs.get(123).id());
            assertThat(one.attempts()).isEqualTo(1);
            assertThat(one.startedAt()).isNotNull();
            Fixture.await(() -> f.broker.missing(jobs.stream().map(Job::id).toList()).orElseThrow().size() == 300,
                    "every message acked");
        }
    }

    /**
     * A worker that runs short jobs prefetches; a prefetched job stuck behind a long one is neither marked running
     * nor kept until the visibility timeout (30 s here): it goes back to the broker within a second and another
     * worker runs it meanwhile.
     */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aPrefetchedJobWaitingBehindALongOneGoesBackToOtherWorkers(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind); EmbeddedBroker slow = new EmbeddedBroker(f.ds, Duration.ofSeconds(30))) {
            LargestReceive watched = new LargestReceive(slow);
            JobService jobs = new JobService(f.ds, watched);
            CountDownLatch release = new CountDownLatch(1);
            JobHandler shortJob = ctx -> null;
            JobHandler longJob = ctx -> {
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                return null;
            };
            WorkerOptions one = Fixture.OPTIONS.withConcurrency(1);
            Worker busy = f.start(new Worker(jobs, watched, Map.of("short", shortJob, "long", longJob), List.of("q"), one));
            // A few short jobs first, so that the worker knows its jobs are short and prefetches.
            for (Job j : jobs.submitAll(Collections.nCopies(5, JobRequest.of("q", "short", null)))) {
                f.awaitState(j.id(), JobState.SUCCEEDED);
            }
            List<JobRequest> batch = new ArrayList<>();
            batch.add(JobRequest.of("q", "long", null).withPriority(9)); // received first
            batch.addAll(Collections.nCopies(5, JobRequest.of("q", "short", null)));
            watched.largest.set(0);
            watched.gate = new CountDownLatch(1); // the next receive waits until the whole batch is published
            List<Job> submitted = jobs.submitAll(batch);
            watched.gate.countDown();
            try {
                f.awaitState(submitted.get(0).id(), JobState.RUNNING);
                assertThat(watched.largest.get()).as("messages taken in one receive").isGreaterThan(1);
                for (Job waiting : submitted.subList(1, 6)) {
                    assertThat(jobs.get(waiting.id()).state()).isEqualTo(JobState.QUEUED);
                }

                Worker other = f.start(new Worker(jobs, slow, Map.of("short", shortJob), List.of("q"), one));
                for (Job waiting : submitted.subList(1, 6)) {
                    assertThat(f.awaitState(waiting.id(), JobState.SUCCEEDED).workerId()).isEqualTo(other.id());
                }
                assertThat(jobs.get(submitted.get(0).id()).state()).isEqualTo(JobState.RUNNING);
            } finally {
                release.countDown();
            }
            assertThat(f.awaitState(submitted.get(0).id(), JobState.SUCCEEDED).workerId()).isEqualTo(busy.id());
        }
    }

    /** Remembers the most messages one receive returned. */
    private static final class LargestReceive extends ForwardingBroker {
        final AtomicInteger largest = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        LargestReceive(Broker delegate) {
            super(delegate);
        }

        @Override
        public List<Delivery> receive(List<String> queues, Duration wait, int max) {
            try {
                assertThat(gate.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
            List<Delivery> got = super.receive(queues, wait, max);
            largest.accumulateAndGet(got.size(), Math::max);
            return got;
        }
    }
}
