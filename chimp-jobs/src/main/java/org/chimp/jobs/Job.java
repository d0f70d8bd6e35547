package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * A job as stored in the database: the one record of truth about it, whatever the broker does.
 *
 * @param type            selects the handler (e.g. {@code training})
 * @param progress        null until the handler reports some
 * @param result          the handler's result once succeeded
 * @param error           the last error (kept while retrying, final once failed)
 * @param startedAt       when the current (or last) attempt started
 * @param cancelRequested someone asked to cancel it
 * @param deadLettered    it failed for good (attempts used up, or a client error) and can be retried by hand
 * @param errorHistory    a JSON array of the final errors of earlier runs that were retried by hand
 * @param workerId        the worker of the current or last attempt
 * @param nextAttemptAt   while queued for a retry after a failed attempt: not before then
 */
public record Job(String id, String queue, String type, JsonNode payload, JobState state, int attempts,
                  int maxAttempts, int priority, String idempotencyKey, Progress progress, JsonNode result,
                  String error, Instant createdAt, Instant startedAt, Instant finishedAt, boolean cancelRequested,
                  boolean deadLettered, ArrayNode errorHistory, String workerId, JobCallbacks callbacks,
                  Instant nextAttemptAt) {

    public Job {
        errorHistory = errorHistory == null ? JsonNodeFactory.instance.arrayNode() : errorHistory;
        callbacks = callbacks == null ? JobCallbacks.NONE : callbacks;
    }

    /** A job without the fields added for callbacks, dead letters and workers (kept for existing callers). */
    public Job(String id, String queue, String type, JsonNode payload, JobState state, int attempts, int maxAttempts,
               int priority, String idempotencyKey, Progress progress, JsonNode result, String error,
               Instant createdAt, Instant startedAt, Instant finishedAt) {
        this(id, queue, type, payload, state, attempts, maxAttempts, priority, idempotencyKey, progress, result, error,
                createdAt, startedAt, finishedAt, false, false, null, null, null, null);
    }

    /** From creation to the start of the current or last attempt (retries included); null until it starts. */
    public Duration queuedFor() {
        return startedAt == null ? null : Duration.between(createdAt, startedAt);
    }

    /** How long the last attempt ran; null until it finishes. */
    public Duration ranFor() {
        return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    /** This job as a conditional update just started it as its next attempt on a worker, without reading it back. */
    Job startedAs(String worker, Instant at) {
        return new Job(id, queue, type, payload, JobState.RUNNING, attempts + 1, maxAttempts, priority, idempotencyKey,
                null, result, error, createdAt, at, finishedAt, false, deadLettered, errorHistory, worker, callbacks, null);
    }

    /** This job as a conditional update just ended it, without reading it back. */
    Job finishedAs(JobState to, JsonNode newResult, String newError, Instant at) {
        return new Job(id, queue, type, payload, to, attempts, maxAttempts, priority, idempotencyKey, progress, newResult,
                newError, createdAt, startedAt, at, cancelRequested, to == JobState.FAILED, errorHistory, workerId,
                new JobCallbacks(callbacks.onSuccess(), callbacks.onFailure(), callbacks.forOutcome(to) != null,
                        callbacks.jobId()), null);
    }
}
