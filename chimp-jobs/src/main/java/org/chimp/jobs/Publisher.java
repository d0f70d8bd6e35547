package org.chimp.jobs;

import java.time.Instant;
import java.util.List;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Message;

/**
 * Publishes a job whose record asked for it (the outbox pattern): the statement that made the job queued also set
 * its {@code publish_pending} flag, and the flag is cleared only after the broker confirmed the publish. A crash
 * or a broker failure in between leaves the flag set, and the recovery sweep publishes the job again; a crash
 * after publishing but before clearing makes a duplicate message, which workers tolerate.
 */
final class Publisher {
    private final JobStore store;
    private final Broker broker;

    Publisher(JobStore store, Broker broker) {
        this.store = store;
        this.broker = broker;
    }

    /** Publishes the job as changed at {@code updatedAt}, then clears its flag; throws if the broker failed. */
    void publish(String id, String queue, int priority, Instant updatedAt) {
        broker.publish(queue, id, priority);
        store.published(id, updatedAt);
    }

    /** Publishes jobs just created, in one broker call, then clears their flags in one transaction. */
    void publishAll(List<Job> created) {
        if (created.isEmpty()) {
            return;
        }
        broker.publishAll(created.stream().map(j -> new Message(j.queue(), j.id(), j.priority())).toList());
        store.publishedAll(created);
    }
}
