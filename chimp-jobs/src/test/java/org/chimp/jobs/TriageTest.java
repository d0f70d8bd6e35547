package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.chimp.jobs.Triage.Action;
import org.chimp.jobs.Triage.Decision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The triage table: job state × attempts × cancel × backoff × live worker × handler → decision. No threads. */
class TriageTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final Triage TRIAGE = new Triage(Set.of("t"));

    /** A job of type t on queue q: state, attempts used of 3, cancel requested, next attempt at. */
    private static Job job(JobState state, int attempts, boolean cancel, Instant nextAttemptAt, String type) {
        return new Job(new JobSpec("j", "q", type, null, 3, 0, null, null, NOW),
                new JobStatus(state, attempts, null, null, null, cancel, nextAttemptAt), JobOutcome.NONE);
    }

    private static Job job(JobState state, int attempts) {
        return job(state, attempts, false, null, "t");
    }

    static Stream<Arguments> table() {
        Instant later = NOW.plusSeconds(5);
        Instant earlier = NOW.minusSeconds(5);
        return Stream.of(
                // job, on a live worker, decision
                Arguments.of(null, false, Decision.DROP),
                Arguments.of(job(JobState.SUCCEEDED, 1), false, Decision.ACK_FINAL),
                Arguments.of(job(JobState.FAILED, 3), false, Decision.ACK_FINAL),
                Arguments.of(job(JobState.CANCELLED, 0, true, null, "t"), false, Decision.ACK_FINAL),
                Arguments.of(job(JobState.QUEUED, 0), false, Decision.START),
                Arguments.of(job(JobState.QUEUED, 2), false, Decision.START),
                // a running job whose worker is alive and on it comes back later, even if cancelled or out of attempts
                Arguments.of(job(JobState.RUNNING, 1), true, Decision.release(VISIBILITY)),
                Arguments.of(job(JobState.RUNNING, 3, true, null, "t"), true, Decision.release(VISIBILITY)),
                // a running job of a dead worker is run again while it has attempts left
                Arguments.of(job(JobState.RUNNING, 1), false, Decision.START),
                Arguments.of(job(JobState.RUNNING, 3), false, Decision.end(JobState.FAILED, "worker died; attempts exhausted")),
                Arguments.of(job(JobState.QUEUED, 3), false, Decision.end(JobState.FAILED, "attempts exhausted")),
                // a cancel wins over attempts, backoff and a missing handler
                Arguments.of(job(JobState.QUEUED, 0, true, null, "t"), false, Decision.end(JobState.CANCELLED, null)),
                Arguments.of(job(JobState.QUEUED, 3, true, later, "other"), false, Decision.end(JobState.CANCELLED, null)),
                Arguments.of(job(JobState.RUNNING, 1, true, null, "t"), false, Decision.end(JobState.CANCELLED, null)),
                // a queued job waiting out its retry backoff comes back when it is due, not before
                Arguments.of(job(JobState.QUEUED, 1, false, later, "t"), false, Decision.release(Duration.ofSeconds(5))),
                Arguments.of(job(JobState.QUEUED, 1, false, earlier, "t"), false, Decision.START),
                Arguments.of(job(JobState.QUEUED, 1, false, NOW, "t"), false, Decision.START),
                // the backoff is checked before attempts
                Arguments.of(job(JobState.QUEUED, 3, false, later, "t"), false, Decision.release(Duration.ofSeconds(5))),
                Arguments.of(job(JobState.QUEUED, 0, false, null, "other"), false, Decision.end(JobState.FAILED,
                        "No handler for job type 'other' on queue 'q'; the workers on this queue handle [t]")));
    }

    @ParameterizedTest
    @MethodSource("table")
    void decides(Job job, boolean onALiveWorker, Decision expected) {
        assertThat(TRIAGE.decide(job, NOW, onALiveWorker, VISIBILITY)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("table")
    void onlyARunningJobCaresWhetherItsWorkerLives(Job job, boolean onALiveWorker, Decision expected) {
        if (job == null || job.state() != JobState.RUNNING) {
            assertThat(TRIAGE.decide(job, NOW, !onALiveWorker, VISIBILITY)).isEqualTo(expected);
        } else {
            assertThat(TRIAGE.decide(job, NOW, true, VISIBILITY).action()).isEqualTo(Action.RELEASE);
        }
    }
}
