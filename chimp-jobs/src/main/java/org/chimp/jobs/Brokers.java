package org.chimp.jobs;

import java.util.Locale;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.embedded.EmbeddedBroker;

/** Opens the broker a configuration URL names ({@code --broker}, {@code CHIMP_BROKER_URL}). */
public final class Brokers {
    private Brokers() {
    }

    /**
     * {@code embedded} (or blank): the durable broker in the CHIMP database. {@code redis://} and {@code amqp://}
     * are the next implementations behind the same SPI.
     */
    public static Broker open(String url, DataSource ds) {
        String u = url == null ? "" : url.trim();
        if (u.isEmpty() || u.equalsIgnoreCase("embedded")) {
            return new EmbeddedBroker(ds);
        }
        String scheme = u.contains(":") ? u.substring(0, u.indexOf(':')).toLowerCase(Locale.ROOT) : u;
        if (scheme.equals("redis") || scheme.equals("rediss") || scheme.equals("amqp") || scheme.equals("amqps")) {
            throw new IllegalArgumentException("The " + scheme + " broker is not available in this build yet; "
                    + "use --broker embedded");
        }
        throw new IllegalArgumentException("Unknown broker URL '" + u + "'; use 'embedded', redis://host:port or amqp://host:port");
    }
}
