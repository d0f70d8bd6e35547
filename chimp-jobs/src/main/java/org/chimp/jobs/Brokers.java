package org.chimp.jobs;

import java.util.Locale;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.jobs.rabbitmq.RabbitMqBroker;
import org.chimp.jobs.redis.RedisStreamsBroker;

/** Opens the broker a configuration URL names ({@code --broker}, {@code CHIMP_BROKER_URL}). */
public final class Brokers {
    private Brokers() {
    }

    /** {@link #open(String, DataSource, BrokerOptions)} with the default options. */
    public static Broker open(String url, DataSource ds) {
        return open(url, ds, BrokerOptions.DEFAULTS);
    }

    /**
     * {@code embedded} (or blank): the durable broker in the CHIMP database {@code ds}; {@code redis://host:port[/db]}
     * (or {@code rediss://}): Redis Streams; {@code amqp://user:pass@host:port/vhost} (or {@code amqps://}):
     * RabbitMQ. The server brokers connect at once, so a wrong URL fails here.
     */
    public static Broker open(String url, DataSource ds, BrokerOptions options) {
        String u = url == null ? "" : url.trim();
        return switch (scheme(u)) {
            case "", "embedded" -> new EmbeddedBroker(ds, options.visibilityTimeout());
            case "redis", "rediss" -> new RedisStreamsBroker(u, options);
            case "amqp", "amqps" -> new RabbitMqBroker(u, options);
            default -> throw new IllegalArgumentException("Unknown broker URL '" + u
                    + "'; use 'embedded', redis://host:port or amqp://user:pass@host:port/vhost");
        };
    }

    /** The URL's scheme in lower case ("embedded" for the bare word, "" for blank); shared with the event buses. */
    public static String scheme(String url) {
        String u = url == null ? "" : url.trim();
        int colon = u.indexOf(':');
        return (colon < 0 ? u : u.substring(0, colon)).toLowerCase(Locale.ROOT);
    }
}
