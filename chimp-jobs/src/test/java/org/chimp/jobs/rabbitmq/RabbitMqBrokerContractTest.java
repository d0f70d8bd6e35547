package org.chimp.jobs.rabbitmq;

import java.time.Duration;
import java.util.List;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerContract;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.BeforeEach;

/** The contract on the real RabbitMQ: redelivery follows closed connections, not timeouts. */
class RabbitMqBrokerContractTest extends BrokerContract {
    private String url;

    @BeforeEach
    void requireRabbitMq() {
        url = TestServices.requireRabbitMq();
    }

    @Override
    protected Broker open(Duration visibilityTimeout) {
        return new RabbitMqBroker(url, BrokerOptions.DEFAULTS.withVisibilityTimeout(visibilityTimeout));
    }

    @Override
    protected boolean reclaimsFromLiveReceivers() {
        return false;
    }

    @Override
    protected boolean removes() {
        return false;
    }

    @Override
    protected void cleanUp() {
        if (url != null) {
            RabbitTestAdmin.deleteQueues(url, List.of(q, q2), RELEASE_DELAY.toMillis());
        }
    }
}
