package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What was asked for when a job was submitted; it does not change while the job runs (except its callbacks'
 * bookkeeping, see {@link JobCallbacks}).
 *
 * @param type      selects the handler (e.g. {@code training})
 * @param callbacks the jobs to submit on success or failure, and whether the one for the outcome is submitted
 * @param createdAt when it was submitted
 */
public record JobSpec(String id, String queue, String type, JsonNode payload, int maxAttempts, int priority,
                      String idempotencyKey, JobCallbacks callbacks, Instant createdAt) {
    public JobSpec {
        callbacks = callbacks == null ? JobCallbacks.NONE : callbacks;
    }

    JobSpec withCallbacks(JobCallbacks c) {
        return new JobSpec(id, queue, type, payload, maxAttempts, priority, idempotencyKey, c, createdAt);
    }
}
