package org.chimp.jobs.events;

import org.chimp.jobs.Brokers;

/** Opens the event bus that goes with a broker URL: the same server carries jobs and events. */
public final class EventBuses {
    private EventBuses() {
    }

    /**
     * {@code embedded} or blank: in this process only; {@code redis://...}; {@code amqp://...}: whatever the
     * broker provider for the URL's scheme opens.
     */
    public static EventBus open(String brokerUrl) {
        return Brokers.provider(brokerUrl).openEventBus(brokerUrl == null ? "" : brokerUrl.trim());
    }
}
