package org.chimp.jobs.broker;

import java.util.Set;
import javax.sql.DataSource;
import org.chimp.jobs.events.EventBus;

/**
 * One kind of broker, found with {@link java.util.ServiceLoader} (entries in
 * {@code META-INF/services/org.chimp.jobs.broker.BrokerProvider}) as architectures and training plugins are. A
 * provider names its broker classes only inside its methods, so a client library (Lettuce, the RabbitMQ client)
 * is loaded only when its broker is chosen, and a third party can add a broker with a jar of its own.
 */
public interface BrokerProvider {
    /** The URL schemes it opens, in lower case ({@code embedded} is the scheme of the bare word "embedded"). */
    Set<String> schemes();

    /**
     * Opens the broker {@code url} names; server brokers connect at once, so a wrong URL fails here.
     *
     * @param ds the CHIMP database, for brokers that keep their messages there
     */
    Broker open(String url, DataSource ds, BrokerOptions options);

    /** Opens the event bus that goes with this broker: the same server carries jobs and events. */
    EventBus openEventBus(String url);
}
