package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;

/**
 * What a job's runs came to.
 *
 * @param result       the handler's result once succeeded
 * @param error        the last error (kept while retrying, final once failed)
 * @param finishedAt   when the last attempt ended for good
 * @param deadLettered it failed for good (attempts used up, or a client error) and can be retried by hand
 * @param errorHistory a JSON array of the final errors of earlier runs that were retried by hand
 */
public record JobOutcome(JsonNode result, String error, Instant finishedAt, boolean deadLettered,
                         ArrayNode errorHistory) {
    /** Nothing yet. */
    public static final JobOutcome NONE = new JobOutcome(null, null, null, false, null);

    public JobOutcome {
        errorHistory = errorHistory == null ? JsonNodeFactory.instance.arrayNode() : errorHistory;
    }
}
