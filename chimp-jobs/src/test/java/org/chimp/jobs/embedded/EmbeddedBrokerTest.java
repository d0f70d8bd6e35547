package org.chimp.jobs.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
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
            // After the visibility timeout (100 ms): waited for up to LONG, as a loaded machine may take more than SHORT.
            Delivery second = broker.receive(Q, LONG).orElseThrow();
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

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentBatchReceiversOfSeveralBrokersNeverGetTheSameMessage(TestDatabases.Kind kind) throws Exception {
        int messages = 600;
        try (HikariDataSource ds = kind.open()) {
            List<EmbeddedBroker> brokers = new ArrayList<>(); // one per "process", sharing the database
            for (int b = 0; b < 3; b++) {
                brokers.add(new EmbeddedBroker(ds, LONG));
            }
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                batch.add(new Message(i % 4 == 0 ? "q2" : "q", "job-" + i, i % 3));
            }
            for (int i = 0; i < messages; i += 100) {
                brokers.get(0).publishAll(batch.subList(i, i + 100));
            }
            Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> receivers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                EmbeddedBroker broker = brokers.get(t % brokers.size());
                List<String> queues = t % 2 == 0 ? Q : List.of("q", "q2");
                receivers.add(CompletableFuture.runAsync(() -> {
                    List<Delivery> got;
                    while (!(got = broker.receive(queues, Duration.ofMillis(300), 7)).isEmpty()) {
                        assertThat(got).hasSizeLessThanOrEqualTo(7);
                        got.forEach(d -> received.computeIfAbsent(d.jobId(), k -> new AtomicInteger()).incrementAndGet());
                        broker.ackAll(got);
                    }
                }));
            }
            CompletableFuture.allOf(receivers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            brokers.forEach(EmbeddedBroker::close);
            assertThat(received).hasSize(messages);
            assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aClaimOfManyTakesTheVisibleOnesByPriorityThenAgeAcrossQueues(TestDatabases.Kind kind) throws Exception {
        List<String> both = List.of("q", "q2");
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            broker.publishAll(List.of(new Message("q", "low", 0), new Message("q", "mid-old", 5),
                    new Message("q2", "high", 9), new Message("q", "mid-new", 5), new Message("q", "later", 9)));
            List<Delivery> first = broker.receive(both, SHORT, 10);
            assertThat(first).extracting(Delivery::jobId)
                    .containsExactlyInAnyOrder("low", "mid-old", "high", "mid-new", "later");
            assertThat(first).extracting(d -> priorityOf(d.jobId())).isSortedAccordingTo(Collections.reverseOrder());

            // Give each message back with its own visibility: mid-old becomes visible before mid-new.
            Map<String, Delivery> byJob = new ConcurrentHashMap<>();
            first.forEach(d -> byJob.put(d.jobId(), d));
            broker.release(byJob.get("later"), Duration.ofHours(1));
            broker.release(byJob.get("mid-old"), Duration.ZERO);
            Thread.sleep(5); // distinct visible_at (stored to the microsecond)
            for (String id : List.of("mid-new", "low", "high")) {
                broker.release(byJob.get(id), Duration.ZERO);
            }

            assertThat(broker.receive(both, SHORT, 2)).extracting(Delivery::jobId).containsExactly("high", "mid-old");
            List<Delivery> rest = broker.receive(both, SHORT, 10);
            assertThat(rest).extracting(Delivery::jobId).containsExactly("mid-new", "low"); // later is delayed
            assertThat(rest).allSatisfy(d -> assertThat(d.deliveryCount()).isEqualTo(2));
            assertThat(broker.receive(both, Duration.ofMillis(50), 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void publishAllKeepsOneMessagePerJobAndAckAllRedeliversTheOnesPublishedWhileHeld(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            broker.publish("q", "held", 0);
            Delivery held = broker.receive(Q, SHORT).orElseThrow();
            broker.publishAll(List.of(new Message("q", "fresh", 0), new Message("q", "held", 0),
                    new Message("q", "fresh", 0)));
            List<Delivery> fresh = broker.receive(Q, SHORT, 10);
            assertThat(fresh).extracting(Delivery::jobId).containsExactly("fresh"); // held stays held, fresh once

            broker.ackAll(List.of(held, fresh.get(0)));
            List<Delivery> again = broker.receive(Q, SHORT, 10);
            assertThat(again).extracting(Delivery::jobId).containsExactly("held");
            assertThat(again.get(0).deliveryCount()).isEqualTo(1);
            broker.ackAll(again);
            assertThat(broker.missing(List.of("held", "fresh")).orElseThrow()).containsOnly("held", "fresh");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void ackAllSkipsStaleDeliveriesAndSettlesTheRest(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, SHORT)) {
            broker.publishAll(List.of(new Message("q", "lost", 5), new Message("q", "done", 0)));
            List<Delivery> got = broker.receive(Q, SHORT, 10);
            assertThat(got).extracting(Delivery::jobId).containsExactly("lost", "done");
            broker.extend(got.get(1), LONG);
            Delivery again = broker.receive(Q, LONG).orElseThrow(); // "lost" after the visibility timeout
            assertThat(again.jobId()).isEqualTo("lost");

            broker.ackAll(got); // the first delivery of "lost" is stale now
            assertThat(broker.missing(List.of("lost", "done")).orElseThrow()).containsExactly("done");
            broker.ackAll(List.of(again));
            assertThat(broker.missing(List.of("lost")).orElseThrow()).containsExactly("lost");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentPublishAllsAndAckAllsOfTheSameJobsNeitherFailNorDuplicate(TestDatabases.Kind kind) throws Exception {
        int jobs = 200;
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, LONG)) {
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < jobs; i++) {
                    batch.add(new Message("q", "job-" + i, 0));
                }
                Collections.shuffle(batch); // each publisher in its own order
                publishers.add(CompletableFuture.runAsync(() -> broker.publishAll(batch)));
            }
            // Receive and ack meanwhile, so publishes also meet held and just-deleted messages.
            Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
            CompletableFuture<Void> all = CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new));
            List<Delivery> got;
            while (!(got = broker.receive(Q, Duration.ofMillis(300), 50)).isEmpty() || !all.isDone()) {
                got.forEach(d -> received.computeIfAbsent(d.jobId(), k -> new AtomicInteger()).incrementAndGet());
                broker.ackAll(got);
            }
            all.get(60, TimeUnit.SECONDS);
            assertThat(received).hasSize(jobs);
            // Every job was received; none is left (a publish during a hold redelivers once, after the ack).
            assertThat(broker.missing(received.keySet()).orElseThrow()).hasSize(jobs);
            assertThat(broker.receive(Q, Duration.ofMillis(50), 10)).isEmpty();
        }
    }

    private static int priorityOf(String jobId) {
        return switch (jobId) {
            case "high", "later" -> 9;
            case "mid-old", "mid-new" -> 5;
            default -> 0;
        };
    }
}
