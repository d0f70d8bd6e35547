package org.chimp.jobs.events;

import java.util.function.Consumer;

/**
 * Fan-out notifications: every subscriber, in every process on the same server, gets every event published on a
 * topic while it is subscribed. Events are not stored: a subscriber that was down misses them, so they suit "go
 * and look again" signals (a registry changed), not work items (use a broker for those).
 * <p>
 * Handlers run on the bus's own thread, one event at a time per bus, in publish order per publisher; a handler
 * that throws is logged and does not stop the others.
 */
public interface EventBus extends AutoCloseable {
    /** Sends an event (a JSON document) to the topic's current subscribers; returns without waiting for them. */
    void publish(String topic, String json);

    /** Calls {@code handler} with every event on the topic from now on, until the returned handle is closed. */
    AutoCloseable subscribe(String topic, Consumer<String> handler);

    @Override
    void close();
}
