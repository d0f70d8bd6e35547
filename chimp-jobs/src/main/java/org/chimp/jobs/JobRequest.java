package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What to run: the queue it travels on, the handler type, the payload, and delivery options.
 *
 * @param idempotencyKey submitting twice with the same key returns the first job (null: always a new job)
 */
public record JobRequest(String queue, String type, JsonNode payload, int priority, int maxAttempts,
                         String idempotencyKey) {
    /** Priority 0, 3 attempts, no idempotency key. */
    public static JobRequest of(String queue, String type, JsonNode payload) {
        return new JobRequest(queue, type, payload, 0, 3, null);
    }
}
