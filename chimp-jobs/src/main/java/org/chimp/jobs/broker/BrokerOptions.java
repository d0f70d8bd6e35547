package org.chimp.jobs.broker;

import java.time.Duration;

/**
 * Settings a broker URL cannot carry.
 *
 * @param visibilityTimeout how long a received message stays invisible without a heartbeat (Redis, embedded); for
 *                          RabbitMQ only the heartbeat period derives from it, since RabbitMQ redelivers when the
 *                          receiver's connection closes
 * @param prefetch          RabbitMQ: the least prefetch (QoS) per receiving thread; a receive asking for more raises
 *                          it at once, and it falls back lazily once the demand stays under half of it for a
 *                          second, so a busy worker does not keep waiting messages from other workers
 * @param redisKeyPrefix    Redis: prefix of every key, the queue name follows it
 */
public record BrokerOptions(Duration visibilityTimeout, int prefetch, String redisKeyPrefix) {
    /** 30 s visibility, prefetch 1, keys under {@code chimp:jobs:}. */
    public static final BrokerOptions DEFAULTS = new BrokerOptions(Duration.ofSeconds(30), 1, "chimp:jobs:");

    public BrokerOptions {
        if (visibilityTimeout == null || visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new IllegalArgumentException("The visibility timeout must be positive, got " + visibilityTimeout);
        }
        if (prefetch < 1) {
            throw new IllegalArgumentException("The prefetch must be 1 or more, got " + prefetch);
        }
        if (redisKeyPrefix == null) {
            throw new IllegalArgumentException("The Redis key prefix must not be null (use \"\" for none)");
        }
    }

    public BrokerOptions withVisibilityTimeout(Duration timeout) {
        return new BrokerOptions(timeout, prefetch, redisKeyPrefix);
    }

    public BrokerOptions withPrefetch(int n) {
        return new BrokerOptions(visibilityTimeout, n, redisKeyPrefix);
    }

    public BrokerOptions withRedisKeyPrefix(String prefix) {
        return new BrokerOptions(visibilityTimeout, prefetch, prefix);
    }
}
