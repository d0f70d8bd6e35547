package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLetterTest {
    private static final JobFilter DEAD = new JobFilter(JobState.FAILED, null, true);

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aPoisonJobIsDeadLetteredWithItsErrorAndARetryPutsItBack(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            AtomicBoolean poisoned = new AtomicBoolean(true);
            AtomicInteger calls = new AtomicInteger();
            f.worker(Map.of("t", ctx -> {
                if (poisoned.get()) {
                    throw new IllegalStateException("boom " + calls.incrementAndGet());
                }
                return JsonNodeFactory.instance.objectNode().put("ok", true);
            }), List.of("q"), Fixture.OPTIONS);
            String id = f.jobs.submit(JobRequest.of("q", "t", null).withMaxAttempts(3)).id();
            Job dead = f.awaitState(id, JobState.FAILED);
            assertThat(dead.deadLettered()).isTrue();
            assertThat(dead.attempts()).isEqualTo(3);
            assertThat(dead.error()).startsWith("failed after 3 attempts: internal error (incident ");
            assertThat(f.jobs.list(DEAD, 0, 10)).extracting(Job::id).containsExactly(id);
            assertThat(f.jobs.count(new JobFilter(null, null, false))).isZero();

            // The embedded broker drops a publish while the job's old message awaits its ack: wait for the ack, as
            // an operator's retry naturally does (otherwise the recovery sweep republishes it later).
            Fixture.await(() -> f.broker.missing(List.of(id)).orElseThrow().contains(id), "the last attempt's ack");
            poisoned.set(false);
            Job retried = f.jobs.retry(id);
            assertThat(retried.deadLettered()).isFalse();
            assertThat(retried.error()).isNull();
            assertThat(retried.errorHistory()).hasSize(1);
            assertThat(retried.errorHistory().get(0).get("error").asText()).isEqualTo(dead.error());
            assertThat(retried.errorHistory().get(0).get("attempts").asInt()).isEqualTo(3);
            Job done = f.awaitState(id, JobState.SUCCEEDED);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.result().get("ok").asBoolean()).isTrue();
            assertThat(done.errorHistory()).hasSize(1);
            assertThat(f.jobs.count(DEAD)).isZero();
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aClientErrorDeadLettersAtOnceAndOnlyDeadLetteredJobsCanBeRetried(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(Map.of("t", ctx -> {
                throw ClientErrorException.invalid("bad input");
            }), List.of("q"), Fixture.OPTIONS);
            Job failed = f.awaitState(f.jobs.submit(JobRequest.of("q", "t", null)).id(), JobState.FAILED);
            assertThat(failed.deadLettered()).isTrue();
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.error()).isEqualTo("bad input");

            Job queued = f.jobs.submit(JobRequest.of("idle", "t", null));
            Job cancelled = f.jobs.cancel(f.jobs.submit(JobRequest.of("idle", "t", null)).id());
            assertThat(cancelled.deadLettered()).isFalse();
            for (Job j : List.of(queued, cancelled)) {
                assertThatThrownBy(() -> f.jobs.retry(j.id())).isInstanceOfSatisfying(ClientErrorException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains(j.state().name().toLowerCase(), "not dead-lettered");
                });
            }
            assertThat(f.jobs.get(queued.id()).state()).isEqualTo(JobState.QUEUED);
            assertThatThrownBy(() -> f.jobs.retry("nope")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
            assertThat(f.jobs.list(DEAD, 0, 10)).extracting(Job::id).containsExactly(failed.id());
        }
    }
}
