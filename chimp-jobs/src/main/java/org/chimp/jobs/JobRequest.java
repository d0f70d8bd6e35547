package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What to run: the queue it travels on, the handler type, the payload, and delivery options.
 *
 * @param priority       0 (default) to 9 (most urgent); the range every broker can honour (RabbitMQ priorities)
 * @param maxAttempts    how often a failing job is tried in all, 1 to 100
 * @param idempotencyKey submitting twice with the same key returns the first job (null: always a new job)
 * @param onSuccess      a job to submit once this one succeeded (null: none)
 * @param onFailure      a job to submit once this one failed for good (null: none); not after a cancel
 */
public record JobRequest(String queue, String type, JsonNode payload, int priority, int maxAttempts,
                         String idempotencyKey, Callback onSuccess, Callback onFailure) {

    /** A request without callbacks (kept for existing callers). */
    public JobRequest(String queue, String type, JsonNode payload, int priority, int maxAttempts, String idempotencyKey) {
        this(queue, type, payload, priority, maxAttempts, idempotencyKey, null, null);
    }

    /** Priority 0, 3 attempts, no idempotency key, no callbacks. */
    public static JobRequest of(String queue, String type, JsonNode payload) {
        return new JobRequest(queue, type, payload, 0, 3, null);
    }

    /** This request with another priority. */
    public JobRequest withPriority(int priority) {
        return new JobRequest(queue, type, payload, priority, maxAttempts, idempotencyKey, onSuccess, onFailure);
    }

    /** This request with another number of attempts. */
    public JobRequest withMaxAttempts(int maxAttempts) {
        return new JobRequest(queue, type, payload, priority, maxAttempts, idempotencyKey, onSuccess, onFailure);
    }

    /** This request with an idempotency key. */
    public JobRequest withIdempotencyKey(String idempotencyKey) {
        return new JobRequest(queue, type, payload, priority, maxAttempts, idempotencyKey, onSuccess, onFailure);
    }

    /** This request with a job to submit once it succeeded. */
    public JobRequest withOnSuccess(Callback onSuccess) {
        return new JobRequest(queue, type, payload, priority, maxAttempts, idempotencyKey, onSuccess, onFailure);
    }

    /** This request with a job to submit once it failed for good. */
    public JobRequest withOnFailure(Callback onFailure) {
        return new JobRequest(queue, type, payload, priority, maxAttempts, idempotencyKey, onSuccess, onFailure);
    }
}
