package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A job as stored in the database: the one record of truth about it, whatever the broker does.
 *
 * @param type     selects the handler (e.g. {@code training})
 * @param progress null until the handler reports some
 * @param result   the handler's result once succeeded
 * @param error    the last error (kept while retrying, final once failed)
 */
public record Job(String id, String queue, String type, JsonNode payload, JobState state, int attempts,
                  int maxAttempts, int priority, String idempotencyKey, Progress progress, JsonNode result,
                  String error, Instant createdAt, Instant startedAt, Instant finishedAt) {
}
