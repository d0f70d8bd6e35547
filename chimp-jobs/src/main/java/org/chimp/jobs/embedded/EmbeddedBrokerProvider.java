package org.chimp.jobs.embedded;

import java.util.Set;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.BrokerProvider;
import org.chimp.jobs.events.EventBus;
import org.chimp.jobs.events.InProcessEventBus;

/** {@code embedded}: the durable broker in the CHIMP database, events within this process. */
public final class EmbeddedBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("embedded");
    }

    @Override
    public Broker open(String url, DataSource ds, BrokerOptions options) {
        return new EmbeddedBroker(ds, options.visibilityTimeout());
    }

    @Override
    public EventBus openEventBus(String url) {
        return new InProcessEventBus();
    }
}
