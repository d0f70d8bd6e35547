package org.chimp.server.node;

import java.time.Duration;
import java.util.List;

/**
 * The in-process worker of a node.
 *
 * @param queues      the queues it takes jobs from
 * @param concurrency jobs it runs at once
 * @param gracePeriod how long running jobs may take to finish on shutdown before they are handed back
 */
public record WorkerSettings(List<String> queues, int concurrency, Duration gracePeriod) {
    /** The default grace period: long enough for most jobs' current step, short enough for orchestrators. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);

    public WorkerSettings {
        queues = List.copyOf(queues);
        if (queues.isEmpty() || concurrency < 1 || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("A worker needs at least one queue, a concurrency of at least 1 "
                    + "and a grace period of zero or more");
        }
    }

    /** A worker with the default grace period. */
    public WorkerSettings(List<String> queues, int concurrency) {
        this(queues, concurrency, DEFAULT_GRACE);
    }
}
