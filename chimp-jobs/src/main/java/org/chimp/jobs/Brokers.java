package org.chimp.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.BrokerProvider;

/**
 * Opens the broker a configuration URL names ({@code --broker}, {@code CHIMP_BROKER_URL}), through the
 * {@link BrokerProvider} found with {@link ServiceLoader} for the URL's scheme.
 */
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
     * RabbitMQ; any other scheme a provider on the class path accepts. The server brokers connect at once, so a
     * wrong URL fails here.
     */
    public static Broker open(String url, DataSource ds, BrokerOptions options) {
        return provider(url).open(url == null ? "" : url.trim(), ds, options);
    }

    /**
     * The provider for the URL's scheme; blank means {@code embedded}.
     *
     * @throws IllegalArgumentException for a scheme no provider accepts, listing the known ones
     */
    public static BrokerProvider provider(String url) {
        String scheme = scheme(url);
        BrokerProvider p = Providers.BY_SCHEME.get(scheme.isEmpty() ? "embedded" : scheme);
        if (p == null) {
            throw new IllegalArgumentException("Unknown broker URL '" + (url == null ? "" : url.trim())
                    + "'; known schemes: " + String.join(", ", knownSchemes())
                    + " (e.g. 'embedded', redis://host:port or amqp://user:pass@host:port/vhost)");
        }
        return p;
    }

    /** The schemes of every provider found, sorted. */
    public static List<String> knownSchemes() {
        return List.copyOf(new TreeSet<>(Providers.BY_SCHEME.keySet()));
    }

    /** The URL's scheme in lower case ("embedded" for the bare word, "" for blank). */
    public static String scheme(String url) {
        String u = url == null ? "" : url.trim();
        int colon = u.indexOf(':');
        return (colon < 0 ? u : u.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** Looked up once, on first use: the class path does not change while the process runs. */
    private static final class Providers {
        static final Map<String, BrokerProvider> BY_SCHEME = load();

        private static Map<String, BrokerProvider> load() {
            Map<String, BrokerProvider> found = new HashMap<>();
            for (BrokerProvider p : ServiceLoader.load(BrokerProvider.class, Brokers.class.getClassLoader())) {
                for (String s : p.schemes()) {
                    BrokerProvider earlier = found.putIfAbsent(s.toLowerCase(Locale.ROOT), p);
                    if (earlier != null) {
                        throw new IllegalStateException("Two broker providers accept scheme '" + s + "': "
                                + earlier.getClass().getName() + " and " + p.getClass().getName());
                    }
                }
            }
            return Map.copyOf(found);
        }
    }
}
