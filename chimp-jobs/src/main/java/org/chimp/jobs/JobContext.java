package org.chimp.jobs;

/** What a handler gets: the job, a way to report progress, and the cooperative cancellation flag. */
public interface JobContext {
    /** The job being run (state RUNNING). */
    Job job();

    /** Stores progress with the job, visible to pollers; ignored once another worker has taken the job over. */
    void progress(double fraction, String message);

    /**
     * True once someone asked to cancel the job; the handler should stop soon after (return or throw: either way
     * the job ends CANCELLED, and a returned result is kept as partial output). Read from the database at most
     * once a second, so calling it often is cheap.
     */
    boolean cancelled();
}
