package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * Runs jobs of one type. A {@link org.chimp.api.error.ClientErrorException} or a {@link PermanentJobFailure}
 * fails the job at once (retrying cannot fix bad input), with its message shown to callers; so does an
 * {@link OutOfMemoryError} (the input is too large for the worker). Any other exception is retried with backoff
 * until the job's attempts are used up, and callers see only an incident id for it (see {@link JobErrors}).
 */
@FunctionalInterface
public interface JobHandler {
    /** Does the work and returns the result stored with the job. */
    JsonNode handle(JobContext ctx) throws Exception;

    /**
     * The worker running the job's last attempt died, and the job was then ended without running again (it was
     * cancelled meanwhile, or that was its last attempt): {@code ended} is the job in its final state. Lets the
     * handler close what the dead attempt left open (a tracking run, files). A handler that starts again after a
     * dead attempt sees {@code attempts() > 1} and cleans up itself. Failures are logged and ignored.
     */
    default void abandoned(Job ended) {
    }

    /**
     * Called once when a worker starts, before it takes jobs: lets the handler remove what attempts of killed
     * workers left on this machine, sparing jobs for which {@code running} is true (running on a live worker).
     * Failures are logged and ignored.
     */
    default void cleanUp(Predicate<String> running) {
    }
}
