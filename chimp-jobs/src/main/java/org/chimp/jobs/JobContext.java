package org.chimp.jobs;

/** What a handler gets: the job, a way to report progress, and the cooperative cancellation flag. */
public interface JobContext {
    /** The job being run (state RUNNING). */
    Job job();

    /** Stores progress with the job, visible to pollers. */
    void progress(double fraction, String message);

    /** True once someone asked to cancel the job; the handler should stop soon after. */
    boolean cancelled();
}
