package org.chimp.server.node;

import java.time.Duration;
import java.util.List;
import org.chimp.jobs.WorkerOptions;

/**
 * The in-process worker of a node.
 *
 * @param queues      the queues it takes jobs from
 * @param concurrency jobs it runs at once
 * @param gracePeriod how long running jobs may take to finish on shutdown before they are handed back
 * @param prefetch    messages per thread taken ahead while jobs are short (see {@link WorkerOptions#prefetch()})
 */
public record WorkerSettings(List<String> queues, int concurrency, Duration gracePeriod, int prefetch) {
    /** The default grace period: long enough for most jobs' current step, short enough for orchestrators. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);

    public WorkerSettings {
        queues = List.copyOf(queues);
        if (queues.isEmpty() || concurrency < 1 || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("A worker needs at least one queue, a concurrency of at least 1 "
                    + "and a grace period of zero or more");
        }
        if (prefetch < 0 || prefetch > WorkerOptions.MAX_PREFETCH) {
            throw new IllegalArgumentException("--prefetch must be between 0 and " + WorkerOptions.MAX_PREFETCH
                    + " messages per thread, got " + prefetch);
        }
    }

    /** A worker with the default prefetch. */
    public WorkerSettings(List<String> queues, int concurrency, Duration gracePeriod) {
        this(queues, concurrency, gracePeriod, WorkerOptions.DEFAULT_PREFETCH);
    }

    /** How the job system's worker runs. */
    public WorkerOptions options() {
        return WorkerOptions.defaults().withConcurrency(concurrency).withGracePeriod(gracePeriod).withPrefetch(prefetch);
    }

    /** A worker with the default grace period. */
    public WorkerSettings(List<String> queues, int concurrency) {
        this(queues, concurrency, DEFAULT_GRACE);
    }
}
