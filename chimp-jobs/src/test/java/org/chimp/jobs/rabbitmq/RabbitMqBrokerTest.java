package org.chimp.jobs.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What is particular to RabbitMQ: the declared topology, dead letters, delay rounding, batches and the prefetch
 * they need, a broker restart.
 */
class RabbitMqBrokerTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final String q = TestServices.unique("r");
    private final String q2 = q + "-b";
    private String url;

    @BeforeEach
    void requireRabbitMq() {
        url = TestServices.requireRabbitMq();
    }

    @AfterEach
    void cleanUp() {
        if (url != null) {
            RabbitTestAdmin.deleteQueues(url, List.of(q, q2));
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
                return Awaitility.await("the rejected message in " + RabbitMqBroker.DEAD).atMost(LONG)
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).pollInSameThread()
                        .until(() -> {
                            GetResponse dead = ch.basicGet(RabbitMqBroker.DEAD, false);
                            if (dead == null) {
                                return null;
                            }
                            String body = new String(dead.getBody(), StandardCharsets.UTF_8);
                            if (body.equals(job)) {
                                ch.basicAck(dead.getEnvelope().getDeliveryTag(), false);
                                return body;
                            }
                            ch.basicNack(dead.getEnvelope().getDeliveryTag(), false, true);
                            return null;
                        }, java.util.Objects::nonNull);
            });
            assertThat(found).isEqualTo(job);
        }
    }

    @Test
    void aBatchOfFiveHundredIsConfirmedWholeAndEveryMessageArrives() {
        try (RabbitMqBroker broker = new RabbitMqBroker(url, BrokerOptions.DEFAULTS)) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(new Message(q, "job-" + i, i % 10));
            }
            broker.publishAll(batch);
            // Confirmed means enqueued: all are in the queue as soon as publishAll returns.
            int queued = RabbitTestAdmin.with(url, ch -> ch.queueDeclarePassive(RabbitMqBroker.queueName(q))
                    .getMessageCount());
            assertThat(queued).isEqualTo(500);

            List<Delivery> got = receiveAll(broker, 500, 100);
            assertThat(got).extracting(Delivery::jobId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(batch.stream().map(Message::jobId).toList());
            broker.ackAll(got);
            assertThat(broker.receive(List.of(q), Duration.ofMillis(300), 10)).isEmpty();
        }
    }

    /**
     * A receive asking for 50 raises the prefetch to 50 at once; from then on 50 published messages are all
     * pushed ahead and one receive takes them all, most urgent first, and the same traffic again changes the
     * prefetch no more (no round trip for it).
     */
    @Test
    void aReceiveOfManyGetsThemAllAndSteadyTrafficKeepsThePrefetch() throws InterruptedException {
        int n = 50;
        try (RabbitMqBroker broker = new RabbitMqBroker(url, BrokerOptions.DEFAULTS)) {
            broker.publishAll(messages(q, n));
            broker.ackAll(receiveAll(broker, n, n));
            Inbox inbox = broker.existingInbox();
            assertThat(inbox.qos()).isGreaterThanOrEqualTo(n);
            long changes = inbox.qosChanges();

            for (int round = 0; round < 5; round++) {
                broker.publishAll(messages(q, n));
                await(() -> inbox.buffered() == n, "all " + n + " messages pushed to the inbox");
                List<Delivery> got = broker.receive(List.of(q), LONG, n);
                assertThat(got).hasSize(n);
                assertThat(got).extracting(d -> Integer.parseInt(d.jobId().substring(4)) % 10)
                        .isSortedAccordingTo(Comparator.reverseOrder());
                broker.ackAll(got);
            }
            assertThat(inbox.qosChanges()).isEqualTo(changes);
        }
    }

    /**
     * A receiver that asked for many and then asks for little (its threads busy) lowers its prefetch after a
     * quiet second and hands the messages pushed to it back to RabbitMQ, for other workers.
     */
    @Test
    void aBusyReceiverGivesTheMessagesPushedAheadBackToOthers() {
        AtomicLong clock = new AtomicLong();
        try (RabbitMqBroker hoarder = new RabbitMqBroker(url, BrokerOptions.DEFAULTS, clock::get);
                RabbitMqBroker other = new RabbitMqBroker(url, BrokerOptions.DEFAULTS)) {
            hoarder.publishAll(messages(q, 40));
            List<Delivery> first = hoarder.receive(List.of(q), LONG, 20);
            hoarder.ackAll(first);
            Inbox inbox = hoarder.existingInbox();
            await(() -> inbox.buffered() == 20, "20 messages pushed ahead to the hoarder");

            // Small receives on another queue stand for a worker asking for little; a window passes between them:
            // the one the big receive was in ends unchanged, the quiet one after it lowers the prefetch.
            for (int window = 0; window < 2; window++) {
                clock.addAndGet(Inbox.QosRule.WINDOW_NANOS);
                assertThat(hoarder.receive(List.of(q2), Duration.ZERO, 1)).isEmpty();
            }
            assertThat(inbox.qos()).isEqualTo(1);
            assertThat(inbox.buffered()).isEqualTo(1);

            // Everything but the one message the hoarder keeps is the other's now.
            List<Delivery> got = receiveAll(other, 40 - first.size() - 1, 100);
            other.ackAll(got);
        }
    }

    private List<Delivery> receiveAll(RabbitMqBroker broker, int n, int max) {
        List<Delivery> got = new ArrayList<>();
        Awaitility.await(n + " messages").atMost(LONG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    got.addAll(broker.receive(List.of(q), Duration.ofSeconds(1), Math.min(max, n - got.size())));
                    return got.size() >= n;
                });
        assertThat(got).hasSize(n);
        return got;
    }

    private static List<Message> messages(String queue, int n) {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new Message(queue, "job-" + i, i % 10));
        }
        return batch;
    }

    private static void await(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(LONG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
