package org.chimp.jobs.rabbitmq;

import java.util.Set;
import javax.sql.DataSource;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.BrokerProvider;
import org.chimp.jobs.events.EventBus;
import org.chimp.jobs.events.RabbitMqEventBus;

/** {@code amqp://user:pass@host:port/vhost} or {@code amqps://}: RabbitMQ queues, events over a fanout exchange. */
public final class RabbitMqBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("amqp", "amqps");
    }

    @Override
    public Broker open(String url, DataSource ds, BrokerOptions options) {
        return new RabbitMqBroker(url, options);
    }

    @Override
    public EventBus openEventBus(String url) {
        return new RabbitMqEventBus(url);
    }
}
