package org.chimp.jobs;

/**
 * Thrown by a {@link JobHandler} for a failure that another attempt cannot fix (the input is unusable): the job
 * fails at once, without using up its attempts, and is dead-lettered. Its message is shown to callers as it is
 * (like a {@link org.chimp.api.error.ClientErrorException}'s), so it must say what was wrong without server
 * details; the cause, if any, goes to the server log only.
 */
public class PermanentJobFailure extends RuntimeException {
    public PermanentJobFailure(String message) {
        super(message);
    }

    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
