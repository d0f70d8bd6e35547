package org.chimp.server.node;

import java.util.List;

/**
 * The in-process worker of a node.
 *
 * @param queues      the queues it takes jobs from
 * @param concurrency jobs it runs at once
 */
public record WorkerSettings(List<String> queues, int concurrency) {
    public WorkerSettings {
        queues = List.copyOf(queues);
        if (queues.isEmpty() || concurrency < 1) {
            throw new IllegalArgumentException("A worker needs at least one queue and a concurrency of at least 1");
        }
    }
}
