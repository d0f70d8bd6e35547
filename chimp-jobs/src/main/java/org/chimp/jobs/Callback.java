package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job to submit once another job's outcome is final (Celery's {@code link} / {@code link_error}). The submitted
 * job's payload is this payload (a JSON object, or null for an empty one) plus a {@code parent} field:
 * {@code {"id", "state", "result"}} after a success, {@code {"id", "state", "error"}} after a failure.
 */
public record Callback(String queue, String type, JsonNode payload) {
    /** The field of the callback job's payload that describes the parent job. */
    public static final String PARENT_FIELD = "parent";
}
