package org.chimp.jobs.redis;

import java.util.Set;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.BrokerProvider;
import org.chimp.jobs.events.EventBus;
import org.chimp.jobs.events.RedisEventBus;

/** {@code redis://host:port[/db]} or {@code rediss://}: Redis Streams, events over Redis pub/sub. */
public final class RedisBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public Broker open(String url, DataSource ds, BrokerOptions options) {
        return new RedisStreamsBroker(url, options);
    }

    @Override
    public EventBus openEventBus(String url) {
        return new RedisEventBus(url);
    }
}
