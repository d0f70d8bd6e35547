package org.chimp.jobs;

/**
 * A job's callbacks and whether the one for its outcome has been submitted.
 *
 * @param pending true from storing a final outcome that has a callback until the callback job is submitted
 * @param jobId   the submitted callback job, once there is one
 */
public record JobCallbacks(Callback onSuccess, Callback onFailure, boolean pending, String jobId) {
    /** No callbacks. */
    public static final JobCallbacks NONE = new JobCallbacks(null, null, false, null);

    /** The callback for a final state, or null if there is none for it (a cancelled job has none). */
    public Callback forOutcome(JobState state) {
        return switch (state) {
            case SUCCEEDED -> onSuccess;
            case FAILED -> onFailure;
            default -> null;
        };
    }
}
