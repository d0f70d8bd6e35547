package org.chimp.jobs.broker;

import java.time.Duration;

/**
 * Settings a broker URL cannot carry.
 *
 * @param visibilityTimeout how long a received message stays invisible without a heartbeat (Redis, embedded); for
 *                          RabbitMQ only the heartbeat period derives from it, since RabbitMQ redelivers when the
 *                          receiver's connection closes
 * @param prefetch          RabbitMQ: unacknowledged messages per receiving thread (each has its own channel, so a
 *                          worker holds concurrency × prefetch); 1 keeps waiting messages available to other workers
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
