package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs jobs of one type. A {@link org.chimp.api.error.ClientErrorException} fails the job at once (retrying
 * cannot fix bad input); any other exception is retried with backoff until the job's attempts are used up.
 */
@FunctionalInterface
public interface JobHandler {
    /** Does the work and returns the result stored with the job. */
    JsonNode handle(JobContext ctx) throws Exception;
}
