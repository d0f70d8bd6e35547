package org.chimp.bench.jobs;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.chimp.jobs.rabbitmq.RabbitConnections;
import org.chimp.jobs.redis.RedisClients;

/**
 * The ceiling below CHIMP's brokers: bare publish, consume and ack loops on one connection, with nothing of the
 * broker SPI (no scripts, no priorities, no receipts). Compare with a run through the {@code Broker} to see what
 * the SPI costs. Each run uses a fresh stream or queue and deletes it.
 */
public final class RawBrokerBench {
    /** Messages per pipeline flush and per XREADGROUP. */
    private static final int PIPELINE = 100;
    private RawBrokerBench() {
    }

    /** {@code messages} sent and then consumed in {@code elapsed} (publishing and consuming phases together). */
    public record Result(String what, int messages, Duration elapsed) {
        public double perSecond() {
            return messages / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /** XADD {@code messages} entries one round trip each, then XREADGROUP them 100 at a time and XACK each batch. */
    public static Result redisStreams(String url, int messages) {
        return redis(url, messages, "redis streams XADD/XREADGROUP/XACK", (c, key) -> {
            RedisCommands<String, String> r = c.sync();
            for (int i = 0; i < messages; i++) {
                r.xadd(key, Map.of("job", Integer.toString(i)));
            }
        });
    }

    /**
     * As {@link #redisStreams}, but the XADDs pipelined 100 at a time (one flush, then wait for all): the ceiling
     * to compare batched submits with.
     */
    public static Result redisStreamsPipelined(String url, int messages) {
        return redis(url, messages, "redis streams XADD x100 pipelined/XREADGROUP/XACK", (c, key) -> {
            RedisAsyncCommands<String, String> r = c.async();
            c.setAutoFlushCommands(false);
            try {
                for (int from = 0; from < messages; from += PIPELINE) {
                    List<RedisFuture<String>> sent = new ArrayList<>();
                    for (int i = from; i < Math.min(messages, from + PIPELINE); i++) {
                        sent.add(r.xadd(key, Map.of("job", Integer.toString(i))));
                    }
                    c.flushCommands();
                    if (!LettuceFutures.awaitAll(Duration.ofSeconds(30), sent.toArray(RedisFuture[]::new))) {
                        throw new IllegalStateException("Redis did not answer a pipelined XADD within 30 s");
                    }
                }
            } finally {
                c.setAutoFlushCommands(true);
            }
        });
    }

    /** Publishes with {@code publish}, then XREADGROUPs 100 at a time and XACKs each batch, on a fresh stream. */
    private static Result redis(String url, int messages, String what,
                                BiConsumer<StatefulRedisConnection<String, String>, String> publish) {
        String key = "chimp:bench:" + UUID.randomUUID();
        RedisClient client = RedisClients.create(url, "chimp-bench");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            r.xgroupCreate(XReadArgs.StreamOffset.from(key, "0"), "bench", XGroupCreateArgs.Builder.mkstream());
            long start = System.nanoTime();
            publish.accept(c, key);
            int consumed = 0;
            while (consumed < messages) {
                List<StreamMessage<String, String>> batch = r.xreadgroup(Consumer.from("bench", "c"),
                        XReadArgs.Builder.count(PIPELINE), XReadArgs.StreamOffset.lastConsumed(key));
                r.xack(key, "bench", batch.stream().map(StreamMessage::getId).toArray(String[]::new));
                consumed += batch.size();
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            r.del(key);
            return new Result(what, messages, elapsed);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * Publishes {@code messages} persistent messages to a durable queue with publisher confirms (awaited once at
     * the end), then consumes them with prefetch 100 and one ack each.
     */
    public static Result rabbitMq(String url, int messages) throws Exception {
        String queue = "chimp.bench." + UUID.randomUUID();
        try (Connection c = RabbitConnections.connect(url, "chimp-bench"); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, null);
            ch.confirmSelect();
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC,
                        Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(60_000);
            CountDownLatch done = new CountDownLatch(messages);
            try (Channel consumer = c.createChannel()) {
                consumer.basicQos(100);
                consumer.basicConsume(queue, false, new DefaultConsumer(consumer) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                            throws java.io.IOException {
                        consumer.basicAck(env.getDeliveryTag(), false);
                        done.countDown();
                    }
                });
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("Consumed only " + (messages - done.getCount()) + " of " + messages);
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            ch.queueDelete(queue);
            return new Result("rabbitmq publish(confirmed)/consume/ack", messages, elapsed);
        }
    }
}
