package org.chimp.jobs.http;

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
 * times are strings here so the form does not depend on how a mapper writes {@link Instant}s.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobView(String id, String queue, String type, String state, int attempts, int maxAttempts, int priority,
                      JsonNode payload, ProgressView progress, JsonNode result, String error, String createdAt,
                      String startedAt, String nextAttemptAt, String finishedAt, Long queuedMs, Long runMs,
                      String workerId, boolean cancelRequested, boolean deadLettered, ArrayNode errorHistory,
                      CallbacksView callbacks) {

    public static JobView of(Job job) {
        return new JobView(job.id(), job.queue(), job.type(), job.state().name().toLowerCase(Locale.ROOT),
                job.attempts(), job.maxAttempts(), job.priority(), job.payload(),
                ProgressView.of(job.progress()),
                job.result(), job.error(), iso(job.createdAt()), iso(job.startedAt()), iso(job.nextAttemptAt()),
                iso(job.finishedAt()), millis(job.queuedFor()), millis(job.ranFor()), job.workerId(),
                job.cancelRequested(), job.deadLettered(), job.errorHistory(), CallbacksView.of(job.callbacks()));
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
