package org.chimp.jobs;

import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.chimp.api.error.ClientErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a handler's failure means for its job, and what callers are shown of it. Messages written for callers
 * ({@link ClientErrorException}, {@link PermanentJobFailure}) are shown as they are; any other failure's message
 * may hold server paths, SQL or internals, so callers get a short text with an incident id and the details go to
 * the server log under that id.
 */
final class JobErrors {
    private static final Logger LOG = LoggerFactory.getLogger(JobErrors.class);

    private JobErrors() {
    }

    /**
     * True if another attempt cannot fix it: bad input, a permanent failure, or running out of memory (which in a
     * handler nearly always means this input is too large for the worker: retrying would only fail again, slowly,
     * and starve the worker's other jobs meanwhile).
     */
    static boolean permanent(Throwable t) {
        return t instanceof ClientErrorException || t instanceof PermanentJobFailure || t instanceof OutOfMemoryError;
    }

    /** Shown to callers as it is: written for them. */
    static boolean forCallers(Throwable t) {
        return (t instanceof ClientErrorException || t instanceof PermanentJobFailure) && t.getMessage() != null;
    }

    /**
     * The text stored with the job for an attempt that failed with {@code t}; anything not written for callers is
     * logged here with its stack trace under a new incident id, which the text names.
     */
    static String describe(Job job, Throwable t) {
        if (forCallers(t)) {
            if (t.getCause() != null) {
                LOG.info("Job {} attempt {} failed: {}", job.id(), job.attempts(), t.getMessage(), t.getCause());
            }
            return t.getMessage();
        }
        if (t instanceof CancellationException) {
            // How a cooperative handler stops when cancelled (or given back at shutdown): no incident, no stack.
            LOG.info("Job {} attempt {} stopped: {}", job.id(), job.attempts(), t.getMessage());
            return "stopped before finishing";
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.warn("Job {} attempt {} failed (incident {})", job.id(), job.attempts(), incident, t);
        if (t instanceof OutOfMemoryError) {
            return "ran out of memory: the input is probably too large for this worker, so the job is not retried "
                    + "(incident " + incident + ")";
        }
        return "internal error (incident " + incident + "; the details are in the server log)";
    }
}
