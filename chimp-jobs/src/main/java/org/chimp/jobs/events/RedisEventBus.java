package org.chimp.jobs.events;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import org.chimp.jobs.redis.RedisClients;

/**
 * Events over Redis PUBLISH/SUBSCRIBE on channel {@code chimp:events:<topic>}. Lettuce resubscribes after a
 * reconnect; events published while disconnected are missed, as with any pub/sub.
 */
public final class RedisEventBus implements EventBus {
    /** Prefix of the Redis channels. */
    public static final String CHANNEL_PREFIX = "chimp:events:";
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> pub;
    private final StatefulRedisPubSubConnection<String, String> sub;
    private final Dispatcher dispatcher = new Dispatcher("chimp-events-redis");

    public RedisEventBus(String url) {
        client = RedisClients.create(url, "chimp-events-" + UUID.randomUUID());
        try {
            pub = client.connect();
            sub = client.connectPubSub();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new IllegalStateException("Cannot connect to Redis at " + url + ": " + e.getMessage(), e);
        }
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatcher.dispatch(channel.substring(CHANNEL_PREFIX.length()), message);
            }
        });
    }

    @Override
    public void publish(String topic, String json) {
        Dispatcher.requireTopic(topic);
        pub.sync().publish(CHANNEL_PREFIX + topic, json);
    }

    /** Returns once Redis confirmed the subscription, so events published afterwards are heard. */
    @Override
    public AutoCloseable subscribe(String topic, Consumer<String> handler) {
        Dispatcher.requireTopic(topic);
        if (dispatcher.add(topic, handler)) {
            sub.sync().subscribe(CHANNEL_PREFIX + topic);
        }
        return () -> {
            if (dispatcher.remove(topic, handler)) {
                sub.sync().unsubscribe(CHANNEL_PREFIX + topic);
            }
        };
    }

    @Override
    public void close() {
        dispatcher.close();
        sub.close();
        pub.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
