package org.chimp.jobs.redis;

import java.time.Duration;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerContract;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.BeforeEach;

/** The contract on the real Redis, under a key prefix of the test's own. */
class RedisStreamsBrokerContractTest extends BrokerContract {
    private final String prefix = TestServices.unique("chimp:test:") + ":";
    private String url;

    @BeforeEach
    void requireRedis() {
        url = TestServices.requireRedis();
    }

    @Override
    protected Broker open(Duration visibilityTimeout) {
        return new RedisStreamsBroker(url, BrokerOptions.DEFAULTS.withVisibilityTimeout(visibilityTimeout)
                .withRedisKeyPrefix(prefix));
    }

    @Override
    protected void cleanUp() {
        if (url != null) {
            RedisTestKeys.deleteAll(url, prefix);
        }
    }
}
