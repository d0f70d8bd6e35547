package org.chimp.jobs.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What is particular to Redis: the key layout, consumers, and surviving killed connections. */
class RedisStreamsBrokerTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final String prefix = TestServices.unique("chimp:test:") + ":";
    private final String q = TestServices.unique("r");
    private String url;

    @BeforeEach
    void requireRedis() {
        url = TestServices.requireRedis();
    }

    @AfterEach
    void cleanUp() {
        if (url != null) {
            RedisTestKeys.deleteAll(url, prefix);
        }
    }

    private long len(String key) {
        return RedisTestKeys.<Long>with(url, r -> r.xlen(key));
    }

    private RedisStreamsBroker open() {
        return new RedisStreamsBroker(url, BrokerOptions.DEFAULTS.withRedisKeyPrefix(prefix));
    }

    @Test
    void messagesLiveInOneStreamPerLevelAndDelayedOnesInASortedSet() {
        try (RedisStreamsBroker broker = open()) {
            broker.publish(q, "j", 7);
            broker.publish(q, "clamped", 42);
            List<StreamMessage<String, String>> level7 = RedisTestKeys.with(url, r -> r.xrange(prefix + q + ":7", Range.create("-", "+")));
            assertThat(level7).singleElement().satisfies(m -> assertThat(m.getBody()).containsEntry("job", "j").containsEntry("priority", "7"));
            assertThat(len(prefix + q + ":9")).isEqualTo(1);

            Delivery d = broker.receive(List.of(q), LONG).orElseThrow();
            assertThat(d.jobId()).isEqualTo("clamped");
            broker.release(d, Duration.ofMinutes(5));
            assertThat(RedisTestKeys.<List<String>>with(url, r -> r.zrange(prefix + q + ":delayed", 0, -1))).containsExactly("9:1:clamped");
            assertThat(len(prefix + q + ":9")).isZero();
            assertThat(broker.remove(q, "clamped")).isTrue();
            assertThat(RedisTestKeys.<Long>with(url, r -> r.zcard(prefix + q + ":delayed")).longValue()).isZero();
        }
    }

    @Test
    void aClosedBrokerLeavesNoConsumerBehindUnlessItHoldsEntries() {
        RedisStreamsBroker idle = open();
        RedisStreamsBroker holding = open();
        idle.publish(q, "j", 0);
        assertThat(holding.receive(List.of(q), LONG)).isPresent();
        idle.receive(List.of(q), Duration.ofMillis(100));
        idle.close();
        holding.close();
        List<Object> consumers = RedisTestKeys.with(url, r -> r.xinfoConsumers(prefix + q + ":0", RedisStreamsBroker.GROUP));
        assertThat(consumers.toString()).contains(holding.consumerName()).doesNotContain(idle.consumerName());
    }

    @Test
    void keepsWorkingAfterRedisKillsItsConnections() throws Exception {
        try (RedisStreamsBroker broker = open()) {
            broker.publish(q, "before", 0);
            broker.ack(broker.receive(List.of(q), LONG).orElseThrow());
            // Only this broker's connections (named after its consumer): other tests share the server.
            int killed = RedisTestKeys.with(url, r -> {
                int n = 0;
                for (String line : r.clientList().split("\n")) {
                    if (line.contains("name=" + broker.consumerName())) {
                        String id = Arrays.stream(line.split(" ")).filter(f -> f.startsWith("id=")).findFirst().orElseThrow();
                        r.clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id.substring(3))));
                        n++;
                    }
                }
                return n;
            });
            assertThat(killed).isPositive();
            broker.publish(q, "after", 0);
            // Receives fail while Lettuce reconnects.
            Optional<Delivery> d = Awaitility.await("a receive after the reconnect").atMost(LONG).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> broker.receive(List.of(q), Duration.ofSeconds(1)), Optional::isPresent);
            assertThat(d).map(Delivery::jobId).contains("after");
            broker.ack(d.get());
            assertThat(len(prefix + q + ":0")).isZero();
        }
    }

    @Test
    void twoLevelsReadyAtOnceStillGiveTheUrgentOneFirst() {
        try (RedisStreamsBroker broker = open()) {
            for (int p : new int[] {0, 5, 9, 2}) {
                broker.publish(q, "p" + p, p);
            }
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                Delivery d = broker.receive(List.of(q), LONG).orElseThrow();
                order.append(d.jobId()).append(' ');
                broker.ack(d);
            }
            assertThat(order.toString().trim()).isEqualTo("p9 p5 p2 p0");
        }
    }
}
