package org.chimp.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.chimp.jobs.broker.Broker;

/**
 * Receives job ids from the broker and runs them with the handler for their type, {@code concurrency} at a time.
 * A job is acknowledged only after its outcome is stored; while it runs the worker keeps extending its
 * visibility. {@link #close()} stops taking jobs and waits up to the grace period for running ones, then releases
 * them back to the broker.
 */
public final class Worker implements AutoCloseable {
    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  int concurrency, Duration gracePeriod) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Starts the receiving threads. */
    public void start() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
