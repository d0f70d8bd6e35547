package org.chimp.jobs;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;

/** Submits jobs (record first, then publish) and reads and changes their records. */
public final class JobService {
    public JobService(DataSource ds, Broker broker) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Records and publishes a job; with an idempotency key already used, returns the existing job. */
    public Job submit(JobRequest request) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The job, or a 404. */
    public Job get(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The job if it exists. */
    public Optional<Job> find(String id) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Jobs filtered by state and queue (either may be null), newest first. */
    public List<Job> list(JobState state, String queue, int offset, int limit) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Cancels a queued job at once, or flags a running one; a 409 for a finished job. */
    public Job cancel(String id) {
        throw new UnsupportedOperationException("not yet");
    }
}
