package org.chimp.jobs.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** What is particular to RabbitMQ: the declared topology, dead letters, delay rounding, a broker restart. */
class RabbitMqBrokerTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final String q = TestServices.unique("r");
    private String url;

    @BeforeEach
    void requireRabbitMq() {
        url = TestServices.requireRabbitMq();
    }

    @AfterEach
    void cleanUp() {
        if (url != null) {
            RabbitTestAdmin.deleteQueues(url, List.of(q));
        }
    }

    @Test
    void delaysRoundUpToTwoSignificantDigits() {
        assertThat(RabbitMqBroker.roundUp(0)).isEqualTo(1);
        assertThat(RabbitMqBroker.roundUp(99)).isEqualTo(99);
        assertThat(RabbitMqBroker.roundUp(1500)).isEqualTo(1500);
        assertThat(RabbitMqBroker.roundUp(1234)).isEqualTo(1300);
        assertThat(RabbitMqBroker.roundUp(61_001)).isEqualTo(62_000);
    }

    @Test
    void messagesArePersistentWithPriorityAndRejectedOnesAreDeadLettered() {
        try (RabbitMqBroker broker = new RabbitMqBroker(url, BrokerOptions.DEFAULTS)) {
            String job = TestServices.unique("dead-");
            broker.publish(q, job, 6);
            String found = RabbitTestAdmin.with(url, ch -> {
                GetResponse r = ch.basicGet(RabbitMqBroker.queueName(q), false);
                assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
                assertThat(r.getProps().getPriority()).isEqualTo(6);
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
                // The dead-letter queue is shared: look for this test's message and leave the others.
                long deadline = System.nanoTime() + LONG.toNanos();
                while (System.nanoTime() < deadline) {
                    GetResponse dead = ch.basicGet(RabbitMqBroker.DEAD, false);
                    if (dead == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    String body = new String(dead.getBody(), StandardCharsets.UTF_8);
                    if (body.equals(job)) {
                        ch.basicAck(dead.getEnvelope().getDeliveryTag(), false);
                        return body;
                    }
                    ch.basicNack(dead.getEnvelope().getDeliveryTag(), false, true);
                }
                return null;
            });
            assertThat(found).isEqualTo(job);
        }
    }

    /**
     * Restarts the RabbitMQ application (not just a connection) with messages queued and one received but not
     * acked: all come back. Disruptive for other tests on the server, so only with CHIMP_TEST_BROKER_RESTART=1.
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "CHIMP_TEST_BROKER_RESTART", matches = "1")
    void nothingIsLostWhenRabbitMqRestarts() throws Exception {
        int messages = 20;
        RabbitMqBroker before = new RabbitMqBroker(url, BrokerOptions.DEFAULTS);
        for (int i = 0; i < messages; i++) {
            before.publish(q, "job-" + i, i % 10);
        }
        assertThat(before.receive(List.of(q), LONG)).isPresent(); // running when the broker goes down
        rabbitmqctl("stop_app");
        rabbitmqctl("start_app");
        publishUntilRecovered(before, "after-restart");
        before.close();

        try (RabbitMqBroker after = new RabbitMqBroker(url, BrokerOptions.DEFAULTS)) {
            Set<String> got = new HashSet<>();
            Optional<Delivery> d;
            while ((d = after.receive(List.of(q), Duration.ofSeconds(5))).isPresent()) {
                got.add(d.get().jobId());
                after.ack(d.get());
            }
            assertThat(got).hasSize(messages + 1).contains("job-0", "job-19", "after-restart");
        }
    }

    private void publishUntilRecovered(RabbitMqBroker broker, String job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                broker.publish(q, job, 0);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // the client reconnects every second
            }
        }
    }

    private static void rabbitmqctl(String command) throws Exception {
        Process p = new ProcessBuilder("rabbitmqctl", command).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
