package org.chimp.jobs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Delivery;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EmbeddedBrokerTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final List<String> Q = List.of("q");

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void deliversHighestPriorityFirstAndAckRemoves(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            broker.publish("q", "low", 0);
            broker.publish("q", "high", 5);
            broker.publish("other", "elsewhere", 9);
            Delivery first = broker.receive(Q, SHORT).orElseThrow();
            Delivery second = broker.receive(Q, SHORT).orElseThrow();
            assertThat(List.of(first.jobId(), second.jobId())).containsExactly("high", "low");
            assertThat(first.deliveryCount()).isEqualTo(1);
            assertThat(first.queue()).isEqualTo("q");
            broker.ack(first);
            broker.ack(second);
            assertThat(broker.receive(Q, Duration.ofMillis(50))).isEmpty();
            assertThat(broker.missing(List.of("high", "low", "elsewhere")).orElseThrow()).containsOnly("high", "low");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentReceiversNeverGetTheSameMessage(TestDatabases.Kind kind) throws Exception {
        int messages = 200;
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            for (int i = 0; i < messages; i++) {
                broker.publish("q", "job-" + i, i % 3);
            }
            Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> receivers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                receivers.add(CompletableFuture.runAsync(() -> {
                    Optional<Delivery> d;
                    while ((d = broker.receive(Q, Duration.ofMillis(100))).isPresent()) {
                        received.computeIfAbsent(d.get().jobId(), k -> new AtomicInteger()).incrementAndGet();
                        broker.ack(d.get());
                    }
                }));
            }
            CompletableFuture.allOf(receivers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(received).hasSize(messages);
            assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anUnackedMessageComesBackAfterTheVisibilityTimeoutAndStaleReceiptsDoNothing(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, SHORT)) {
            broker.publish("q", "j", 0);
            Delivery lost = broker.receive(Q, SHORT).orElseThrow();
            Delivery again = broker.receive(Q, LONG).orElseThrow();
            assertThat(again.jobId()).isEqualTo("j");
            assertThat(again.deliveryCount()).isEqualTo(2);
            assertThat(again.receipt()).isNotEqualTo(lost.receipt());
            broker.ack(lost);
            broker.release(lost, Duration.ZERO);
            assertThat(broker.missing(List.of("j")).orElseThrow()).isEmpty();
            broker.ack(again);
            assertThat(broker.missing(List.of("j")).orElseThrow()).containsExactly("j");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void releaseMakesVisibleAfterTheDelayAndExtendKeepsHidden(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, SHORT)) {
            broker.publish("q", "j", 0);
            Delivery d = broker.receive(Q, SHORT).orElseThrow();
            broker.release(d, Duration.ZERO);
            Delivery d2 = broker.receive(Q, SHORT).orElseThrow();
            assertThat(d2.deliveryCount()).isEqualTo(2);
            broker.extend(d2, LONG);
            assertThat(broker.receive(Q, SHORT.multipliedBy(2))).isEmpty();
            broker.release(d2, Duration.ofMillis(100));
            assertThat(broker.receive(Q, LONG)).map(Delivery::deliveryCount).contains(3);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aWaitingReceiverGetsALaterPublish(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            CompletableFuture<Optional<Delivery>> waiting = CompletableFuture.supplyAsync(() -> broker.receive(Q, LONG));
            broker.publish("q", "j", 0);
            assertThat(waiting.get(20, TimeUnit.SECONDS)).map(Delivery::jobId).contains("j");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void publishingTwiceKeepsOneMessageAndRemoveDropsIt(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            broker.publish("q", "j", 0);
            broker.publish("q", "j", 0);
            broker.publish("q", "k", 0);
            assertThat(broker.remove("q", "k")).isTrue();
            assertThat(broker.receive(Q, SHORT)).map(Delivery::jobId).contains("j");
            assertThat(broker.receive(Q, Duration.ofMillis(50))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aPublishWhileTheMessageIsHeldDeliversItAgainAfterTheAck(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            broker.publish("q", "j", 0);
            Delivery first = broker.receive(Q, SHORT).orElseThrow();
            broker.publish("q", "j", 0); // e.g. the job was retried before this delivery's ack
            assertThat(broker.receive(Q, Duration.ofMillis(50))).isEmpty(); // still one message, still held
            broker.ack(first);
            Delivery again = broker.receive(Q, SHORT).orElseThrow();
            assertThat(again.jobId()).isEqualTo("j");
            assertThat(again.deliveryCount()).isEqualTo(1);
            broker.ack(again);
            assertThat(broker.receive(Q, Duration.ofMillis(50))).isEmpty();
            assertThat(broker.missing(List.of("j")).orElseThrow()).containsExactly("j");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRedeliveryAfterThePublishSatisfiesIt(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofMillis(100))) {
            broker.publish("q", "j", 0);
            Delivery first = broker.receive(Q, SHORT).orElseThrow();
            broker.publish("q", "j", 0);
            Delivery second = broker.receive(Q, SHORT).orElseThrow(); // after the visibility timeout
            broker.ack(first); // stale: changes nothing
            broker.ack(second);
            assertThat(broker.missing(List.of("j")).orElseThrow()).containsExactly("j");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void messagesSurviveTheBrokerObject(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            EmbeddedBroker first = new EmbeddedBroker(ds, SHORT);
            first.publish("q", "j", 0);
            first.receive(Q, SHORT).orElseThrow(); // the receiving process dies without acking
            first.close();
            try (EmbeddedBroker second = new EmbeddedBroker(ds, SHORT)) {
                assertThat(second.receive(Q, LONG)).map(Delivery::deliveryCount).contains(2);
            }
        }
    }
}
