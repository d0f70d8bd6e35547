package org.chimp.jobs.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.chimp.jobs.Callback;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobCallbacks;
import org.chimp.jobs.Progress;

/**
 * The JSON form of a job: snake_case, ISO-8601 times, lower-case state. Every field is present, null when unknown;
 * times are strings here so the form does not depend on how a mapper writes {@link Instant}s. The fields are grouped
 * as {@link Job} groups them (what was asked, where it stands, how it ended) and written flat, as clients read them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobView(@JsonUnwrapped Asked asked, @JsonUnwrapped Status status, @JsonUnwrapped Outcome outcome,
                      Long queuedMs, Long runMs, CallbacksView callbacks) {

    public static JobView of(Job job) {
        return new JobView(
                new Asked(job.id(), job.queue(), job.type(), job.payload(), job.maxAttempts(), job.priority(), iso(job.createdAt())),
                new Status(job.state().name().toLowerCase(Locale.ROOT), job.attempts(), ProgressView.of(job.progress()),
                        iso(job.startedAt()), iso(job.nextAttemptAt()), job.workerId(), job.cancelRequested()),
                new Outcome(job.result(), job.error(), iso(job.finishedAt()), job.deadLettered(), job.errorHistory()),
                millis(job.queuedFor()), millis(job.ranFor()), CallbacksView.of(job.callbacks()));
    }

    /** What was asked for. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Asked(String id, String queue, String type, JsonNode payload, int maxAttempts, int priority,
                        String createdAt) {
    }

    /** Where the job stands. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Status(String state, int attempts, ProgressView progress, String startedAt, String nextAttemptAt,
                         String workerId, boolean cancelRequested) {
    }

    /** How it ended, once it has. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Outcome(JsonNode result, String error, String finishedAt, boolean deadLettered, ArrayNode errorHistory) {
    }

    /** How far a running job says it is. */
    public record ProgressView(double fraction, String message) {
        /** Null for a job that has reported no progress. */
        public static ProgressView of(Progress p) {
            return p == null ? null : new ProgressView(p.fraction(), p.message());
        }
    }

    /** The jobs to submit after this one, and whether that is still to happen. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CallbacksView(CallbackView onSuccess, CallbackView onFailure, boolean pending, String jobId) {
        static CallbacksView of(JobCallbacks c) {
            return new CallbacksView(CallbackView.of(c.onSuccess()), CallbackView.of(c.onFailure()), c.pending(), c.jobId());
        }
    }

    /** One callback: the job it submits. */
    public record CallbackView(String queue, String type, JsonNode payload) {
        static CallbackView of(Callback cb) {
            return cb == null ? null : new CallbackView(cb.queue(), cb.type(), cb.payload());
        }
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
