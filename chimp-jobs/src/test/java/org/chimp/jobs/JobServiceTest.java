package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.ForwardingBroker;
import org.chimp.jobs.broker.Message;
import org.chimp.jobs.broker.Delivery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JobServiceTest {
    private static final ObjectNode PAYLOAD = JsonNodeFactory.instance.objectNode().put("x", 1);

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void submitRecordsAQueuedJobAndPublishesIt(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Job job = f.jobs.submit(JobRequest.of("q", "echo", PAYLOAD).withPriority(4));
            Job stored = f.jobs.get(job.id());
            assertThat(stored.state()).isEqualTo(JobState.QUEUED);
            assertThat(stored.payload()).isEqualTo(PAYLOAD);
            assertThat(stored.priority()).isEqualTo(4);
            assertThat(stored.maxAttempts()).isEqualTo(3);
            assertThat(stored.createdAt()).isEqualTo(job.createdAt());
            assertThat(f.broker.receive(List.of("q"), Duration.ofSeconds(5))).map(Delivery::jobId).contains(job.id());
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void invalidRequestsAre400sAndRecordNothing(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            for (JobRequest bad : List.of(JobRequest.of("bad queue!", "t", PAYLOAD), JobRequest.of("q", " ", PAYLOAD),
                    JobRequest.of("q", "t", PAYLOAD).withPriority(10), JobRequest.of("q", "t", PAYLOAD).withMaxAttempts(0),
                    JobRequest.of("q", "t", PAYLOAD).withIdempotencyKey(""))) {
                assertThatThrownBy(() -> f.jobs.submit(bad)).isInstanceOfSatisfying(ClientErrorException.class,
                        e -> assertThat(e.status()).isEqualTo(400));
            }
            assertThat(f.jobs.count(null, null)).isZero();
            assertThatThrownBy(() -> f.jobs.get("nope")).isInstanceOfSatisfying(ClientErrorException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.getMessage()).isEqualTo("no job nope");
            });
            assertThatThrownBy(() -> f.jobs.list(null, null, 0, 0)).isInstanceOf(ClientErrorException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anIdempotencyKeyReturnsTheFirstJobWithoutPublishingAgain(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Job first = f.jobs.submit(JobRequest.of("q", "echo", PAYLOAD).withIdempotencyKey("chain-1-7"));
            Job second = f.jobs.submit(JobRequest.of("q", "echo", PAYLOAD).withIdempotencyKey("chain-1-7"));
            Job other = f.jobs.submit(JobRequest.of("q", "echo", PAYLOAD).withIdempotencyKey("chain-1-8"));
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(other.id()).isNotEqualTo(first.id());
            assertThat(f.jobs.count(null, "q")).isEqualTo(2);
            // Each delivery is acked at once: the fixture's 300 ms visibility timeout would otherwise bring it back
            // (as a second "a") if a loaded machine took that long between the receives.
            Delivery a = f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow();
            f.broker.ack(a);
            Delivery b = f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow();
            f.broker.ack(b);
            assertThat(Set.of(a.jobId(), b.jobId())).containsExactlyInAnyOrder(first.id(), other.id());
            assertThat(f.broker.receive(List.of("q"), Duration.ofMillis(50))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void listFiltersByStateAndQueueNewestFirstInPages(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Job a = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD));
            Job b = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD));
            Job c = f.jobs.submit(JobRequest.of("other", "t", PAYLOAD));
            f.jobs.cancel(b.id());
            assertThat(f.jobs.list(null, null, 0, 10)).extracting(Job::id).containsExactly(c.id(), b.id(), a.id());
            assertThat(f.jobs.list(null, null, 1, 1)).extracting(Job::id).containsExactly(b.id());
            assertThat(f.jobs.list(JobState.QUEUED, "q", 0, 10)).extracting(Job::id).containsExactly(a.id());
            assertThat(f.jobs.list(JobState.CANCELLED, null, 0, 10)).extracting(Job::id).containsExactly(b.id());
            assertThat(f.jobs.count(JobState.QUEUED, null)).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void cancellingAQueuedJobEndsItAndDropsItsMessageAndAFinalOneIsA409(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Job job = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD));
            Job cancelled = f.jobs.cancel(job.id());
            assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
            assertThat(cancelled.finishedAt()).isNotNull();
            assertThat(f.broker.missing(List.of(job.id())).orElseThrow()).containsExactly(job.id());
            assertThatThrownBy(() -> f.jobs.cancel(job.id())).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(409));
            assertThatThrownBy(() -> f.jobs.progress(job.id(), 0.5, "x")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(409));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobWhosePublishFailedIsRepublishedByTheRecoverySweep(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            JobService failing = new JobService(f.ds, new FailingPublish(f.broker));
            Job job = failing.submit(JobRequest.of("q", "t", PAYLOAD));
            assertThat(f.jobs.get(job.id()).state()).isEqualTo(JobState.QUEUED);
            assertThat(f.broker.receive(List.of("q"), Duration.ofMillis(50))).isEmpty();
            assertThat(f.jobs.recover()).isZero(); // too fresh: a submit may be about to publish it
            f.age(job.id());
            assertThat(f.jobs.recover()).isEqualTo(1);
            assertThat(f.jobs.recover()).isZero();
            assertThat(f.broker.receive(List.of("q"), Duration.ofSeconds(5))).map(Delivery::jobId).contains(job.id());
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void submitAllRecordsAndPublishesEveryJobInOrder(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            Job earlier = f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withIdempotencyKey("known"));
            // Acked, so that its message cannot come back after the 300 ms visibility timeout into what is counted below.
            f.broker.ack(f.broker.receive(List.of("q"), Duration.ofSeconds(5)).orElseThrow());
            List<JobRequest> requests = List.of(JobRequest.of("q", "t", PAYLOAD).withPriority(2),
                    JobRequest.of("q", "t", null).withIdempotencyKey("k"), JobRequest.of("q", "t", PAYLOAD),
                    JobRequest.of("q", "t", PAYLOAD).withIdempotencyKey("k"), // the same key twice: one job
                    JobRequest.of("q", "t", PAYLOAD).withIdempotencyKey("known")); // recorded before: that job

            List<Job> jobs = f.jobs.submitAll(requests);

            assertThat(jobs).hasSize(5);
            assertThat(jobs.get(0).priority()).isEqualTo(2);
            assertThat(jobs.get(3).id()).isEqualTo(jobs.get(1).id());
            assertThat(jobs.get(4).id()).isEqualTo(earlier.id());
            assertThat(jobs.stream().map(Job::id).distinct()).hasSize(4);
            assertThat(f.jobs.count(JobState.QUEUED, "q")).isEqualTo(4);
            Set<String> published = new java.util.HashSet<>();
            f.broker.receive(List.of("q"), Duration.ofSeconds(5), 10).forEach(d -> published.add(d.jobId()));
            // Each new job once; the job recorded before is not published again.
            assertThat(published).containsExactlyInAnyOrder(jobs.get(0).id(), jobs.get(1).id(), jobs.get(2).id());
            assertThat(f.jobs.recover()).isZero();
            jobs.forEach(j -> f.age(j.id()));
            assertThat(f.jobs.recover()).as("flags cleared after the publish").isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void submitAllWithOneBadRequestIsA400NamingItAndRecordsNothing(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            List<JobRequest> requests = List.of(JobRequest.of("q", "t", PAYLOAD),
                    JobRequest.of("q", "t", PAYLOAD).withPriority(12));
            assertThatThrownBy(() -> f.jobs.submitAll(requests)).isInstanceOfSatisfying(ClientErrorException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).startsWith("Job request 1: ").contains("priority");
            });
            assertThatThrownBy(() -> f.jobs.submitAll(List.of())).isInstanceOf(ClientErrorException.class)
                    .hasMessageContaining("At least one");
            List<JobRequest> tooMany = java.util.Collections.nCopies(JobService.MAX_BATCH + 1,
                    JobRequest.of("q", "t", PAYLOAD));
            assertThatThrownBy(() -> f.jobs.submitAll(tooMany)).isInstanceOf(ClientErrorException.class)
                    .hasMessageContaining("At most " + JobService.MAX_BATCH);
            assertThat(f.jobs.count(null, null)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void submitAllKeepsJobsWhoseBatchPublishFailedForTheSweep(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            JobService failing = new JobService(f.ds, new FailingPublish(f.broker));
            List<Job> jobs = failing.submitAll(List.of(JobRequest.of("q", "t", PAYLOAD), JobRequest.of("q", "t", PAYLOAD)));
            assertThat(f.jobs.count(JobState.QUEUED, "q")).isEqualTo(2);
            assertThat(f.broker.receive(List.of("q"), Duration.ofMillis(50))).isEmpty();
            jobs.forEach(j -> f.age(j.id()));
            assertThat(f.jobs.recover()).isEqualTo(2);
            Set<String> published = new java.util.HashSet<>();
            f.broker.receive(List.of("q"), Duration.ofSeconds(5), 10).forEach(d -> published.add(d.jobId()));
            assertThat(published).containsExactlyInAnyOrderElementsOf(jobs.stream().map(Job::id).toList());
        }
    }

    /** A broker whose publish always fails, as if the process died between recording and publishing. */
    private static final class FailingPublish extends ForwardingBroker {
        FailingPublish(Broker delegate) {
            super(delegate);
        }

        @Override
        public void publish(String queue, String jobId, int priority) {
            throw new IllegalStateException("broker down");
        }

        @Override
        public void publishAll(List<Message> messages) {
            throw new IllegalStateException("broker down");
        }
    }
}
