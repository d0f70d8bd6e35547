package org.chimp.jobs.events;

import org.chimp.jobs.Brokers;

/** Opens the event bus that goes with a broker URL: the same server carries jobs and events. */
public final class EventBuses {
    private EventBuses() {
    }

    /** {@code embedded} or blank: in this process only; {@code redis://...}; {@code amqp://...}. */
    public static EventBus open(String brokerUrl) {
        String u = brokerUrl == null ? "" : brokerUrl.trim();
        return switch (Brokers.scheme(u)) {
            case "", "embedded" -> new InProcessEventBus();
            case "redis", "rediss" -> new RedisEventBus(u);
            case "amqp", "amqps" -> new RabbitMqEventBus(u);
            default -> throw new IllegalArgumentException("Unknown broker URL '" + u
                    + "'; use 'embedded', redis://host:port or amqp://user:pass@host:port/vhost");
        };
    }
}
