package org.chimp.jobs.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} promises, run against each implementation by a subclass. Several broker instances
 * on the same backing store stand for several processes; closing one without acking stands for a dead worker.
 * Waits are generous (the machine may be busy); nothing asserts that anything is fast.
 */
public abstract class BrokerContract {
    protected static final Duration SHORT_VISIBILITY = Duration.ofSeconds(1);
    /**
     * The visibility timeout of a receiver that takes a batch in a loop of receives: long enough that, on a loaded
     * machine, the loop ends before its first messages come back to it as duplicates.
     */
    private static final Duration BATCH_VISIBILITY = Duration.ofSeconds(3);
    protected static final Duration LONG = Duration.ofSeconds(30);
    protected static final Duration RELEASE_DELAY = Duration.ofMillis(1500);
    private static final Duration EMPTY_WAIT = Duration.ofMillis(300);

    /** This test's queues, unique on the shared servers. */
    protected final String q = TestServices.unique("c");
    protected final String q2 = q + "-b";
    private final List<Broker> opened = new ArrayList<>();

    /** A new broker instance, as another process would open it, on the same backing store as the others. */
    protected abstract Broker open(Duration visibilityTimeout);

    /** Whether a received message comes back after the visibility timeout while its receiver still lives. */
    protected boolean reclaimsFromLiveReceivers() {
        return true;
    }

    /** Whether {@link Broker#remove} can find a waiting message. */
    protected boolean removes() {
        return true;
    }

    /** Deletes what the test left on the server; brokers are closed already. */
    protected void cleanUp() {
    }

    protected Broker broker(Duration visibilityTimeout) {
        Broker b = open(visibilityTimeout);
        opened.add(b);
        return b;
    }

    @AfterEach
    void closeBrokers() {
        opened.forEach(Broker::close);
        cleanUp();
    }

    @Test
    void aMessageIsDeliveredAndGoneOnceAcked() {
        Broker a = broker(SHORT_VISIBILITY);
        a.publish(q, "j1", 0);
        Delivery d = a.receive(List.of(q), LONG).orElseThrow();
        assertThat(d.jobId()).isEqualTo("j1");
        assertThat(d.queue()).isEqualTo(q);
        assertThat(d.deliveryCount()).isEqualTo(1);
        a.ack(d);
        // Past the visibility timeout: an acked message never comes back, to this instance or another.
        assertThat(broker(SHORT_VISIBILITY).receive(List.of(q), SHORT_VISIBILITY.multipliedBy(2))).isEmpty();
        assertThat(a.receive(List.of(q), EMPTY_WAIT)).isEmpty();
    }

    @Test
    void theMessageOfADeadReceiverIsDeliveredAgain() {
        Broker dying = broker(SHORT_VISIBILITY);
        dying.publish(q, "j", 3);
        assertThat(dying.receive(List.of(q), LONG)).isPresent();
        dying.close(); // without acking

        Broker survivor = broker(SHORT_VISIBILITY);
        Delivery again = survivor.receive(List.of(q), LONG).orElseThrow();
        assertThat(again.jobId()).isEqualTo("j");
        assertThat(again.deliveryCount()).isGreaterThanOrEqualTo(2);
        survivor.ack(again);
        assertThat(survivor.receive(List.of(q), EMPTY_WAIT)).isEmpty();
    }

    @Test
    void aReleasedMessageComesBackAfterItsDelayNotBefore() {
        Broker a = broker(LONG);
        a.publish(q, "j", 0);
        Delivery d = a.receive(List.of(q), LONG).orElseThrow();
        long start = System.nanoTime();
        a.release(d, RELEASE_DELAY);
        // Asked for again at once: on a loaded machine the delay may already be over when this receive runs, so
        // what counts is that the message never comes before its delay, whichever receive gets it.
        Optional<Delivery> early = a.receive(List.of(q), EMPTY_WAIT);
        Delivery later = early.isPresent() ? early.get() : a.receive(List.of(q), LONG).orElseThrow();
        // A few ms of slack for clock granularity (the embedded broker stores microseconds of the wall clock).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(RELEASE_DELAY.minusMillis(10));
        assertThat(later.jobId()).isEqualTo("j");
        assertThat(later.deliveryCount()).isEqualTo(2);

        a.release(later, Duration.ZERO);
        Delivery third = a.receive(List.of(q), LONG).orElseThrow();
        assertThat(third.deliveryCount()).isEqualTo(3);
        a.ack(third);
        assertThat(a.receive(List.of(q), EMPTY_WAIT)).isEmpty();
    }

    @Test
    void extendingKeepsTheMessageFromOthers() {
        Duration visibility = Duration.ofSeconds(3);
        Broker holder = broker(visibility);
        Broker other = broker(visibility);
        holder.publish(q, "j", 0);
        Delivery d = holder.receive(List.of(q), LONG).orElseThrow();
        long end = System.nanoTime() + visibility.multipliedBy(3).dividedBy(2).toNanos();
        while (System.nanoTime() < end) {
            long extending = System.nanoTime();
            holder.extend(d, visibility);
            Optional<Delivery> taken = other.receive(List.of(q), EMPTY_WAIT);
            // Only a stall of the whole visibility between an extend and the next look (a loaded machine) may hand
            // the message over; within it, the extend must have kept it from the other receiver.
            assertThat(taken.isEmpty() || System.nanoTime() - extending > visibility.toNanos())
                    .as("the other receiver got the message %d ms after it was extended by %d ms",
                            (System.nanoTime() - extending) / 1_000_000, visibility.toMillis()).isTrue();
            if (taken.isPresent()) {
                return;
            }
        }
        holder.ack(d);
        assertThat(other.receive(List.of(q), visibility.plusMillis(500))).isEmpty();
    }

    @Test
    void aStaleReceiptChangesNothing() {
        assumeTrue(reclaimsFromLiveReceivers(), "this broker does not take messages from live receivers");
        Broker slow = broker(SHORT_VISIBILITY);
        Broker other = broker(SHORT_VISIBILITY);
        slow.publish(q, "j", 0);
        Delivery stale = slow.receive(List.of(q), LONG).orElseThrow();
        Delivery current = other.receive(List.of(q), LONG).orElseThrow(); // reclaimed after the timeout
        assertThat(current.deliveryCount()).isEqualTo(2);

        slow.ack(stale);
        slow.release(stale, Duration.ZERO);
        other.release(current, Duration.ZERO); // still held by other, so this one counts
        Delivery third = other.receive(List.of(q), LONG).orElseThrow();
        assertThat(third.jobId()).isEqualTo("j");
        other.ack(third);
        assertThat(other.receive(List.of(q), EMPTY_WAIT)).isEmpty();
    }

    @Test
    void higherPriorityIsDeliveredFirst() {
        Broker a = broker(LONG);
        a.publish(q, "low", 1);
        a.publish(q, "high", 8);
        a.publish(q, "middle", 4);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Delivery d = a.receive(List.of(q), LONG).orElseThrow();
            order.add(d.jobId());
            a.ack(d);
        }
        assertThat(order).containsExactly("high", "middle", "low");
    }

    @Test
    void concurrentReceiversGetEachMessageExactlyOnce() throws Exception {
        int messages = 200;
        Broker publisher = broker(LONG);
        Broker receiver = broker(LONG);
        for (int i = 0; i < messages; i++) {
            publisher.publish(q, "job-" + i, i % 3);
        }
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> receivers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Broker b = t % 2 == 0 ? receiver : publisher; // two instances, two threads each
                receivers.add(CompletableFuture.runAsync(() -> {
                    while (total.get() < messages && System.nanoTime() < deadline) {
                        Optional<Delivery> d = b.receive(List.of(q), EMPTY_WAIT);
                        d.ifPresent(x -> {
                            received.computeIfAbsent(x.jobId(), k -> new AtomicInteger()).incrementAndGet();
                            b.ack(x);
                            total.incrementAndGet();
                        });
                    }
                }, threads));
            }
            CompletableFuture.allOf(receivers.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(received).hasSize(messages);
        assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void queuesAreIndependent() {
        Broker a = broker(LONG);
        a.publish(q, "a", 0);
        a.publish(q2, "b", 9);
        Delivery fromFirst = a.receive(List.of(q), LONG).orElseThrow();
        assertThat(fromFirst.jobId()).isEqualTo("a");
        assertThat(a.receive(List.of(q), EMPTY_WAIT)).isEmpty();
        Delivery fromSecond = a.receive(List.of(q2), LONG).orElseThrow();
        assertThat(fromSecond.jobId()).isEqualTo("b");
        assertThat(fromSecond.queue()).isEqualTo(q2);
        a.ack(fromFirst);
        a.ack(fromSecond);

        a.publish(q, "c", 0);
        a.publish(q2, "d", 0);
        Set<String> both = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            Delivery d = a.receive(List.of(q, q2), LONG).orElseThrow();
            both.add(d.queue() + "/" + d.jobId());
            a.ack(d);
        }
        assertThat(both).containsExactlyInAnyOrder(q + "/c", q2 + "/d");
    }

    @Test
    void aWaitingReceiverGetsALaterPublish() throws Exception {
        Broker a = broker(LONG);
        Broker b = broker(LONG);
        a.receive(List.of(q), EMPTY_WAIT); // the queue exists, and a receiver is set up, before the wait
        CompletableFuture<Optional<Delivery>> waiting = CompletableFuture.supplyAsync(() -> a.receive(List.of(q), LONG));
        b.publish(q, "j", 0);
        assertThat(waiting.get(60, TimeUnit.SECONDS)).map(Delivery::jobId).contains("j");
    }

    @Test
    void removeDropsAWaitingMessage() {
        assumeTrue(removes(), "this broker cannot search its queues");
        Broker a = broker(LONG);
        a.publish(q, "keep", 0);
        a.publish(q, "drop", 0);
        assertThat(a.remove(q, "drop")).isTrue();
        assertThat(a.remove(q, "never-published")).isFalse();
        Delivery d = a.receive(List.of(q), LONG).orElseThrow();
        assertThat(d.jobId()).isEqualTo("keep");
        a.ack(d);
        assertThat(a.receive(List.of(q), EMPTY_WAIT)).isEmpty();
    }

    @Test
    void aBatchIsPublishedInOneCallAndReceivedManyAtATimeMostUrgentFirst() {
        Broker a = broker(BATCH_VISIBILITY);
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(new Message(i % 5 == 0 ? q2 : q, "job-" + i, i % 3 * 4)); // priorities 0, 4, 8
        }
        a.publishAll(batch);
        a.publishAll(List.of()); // nothing to do

        List<Delivery> got = new ArrayList<>();
        receiveUntil(() -> {
            List<Delivery> some = a.receive(List.of(q), LONG, 10);
            assertThat(some).hasSizeLessThanOrEqualTo(10);
            got.addAll(some);
            return got.size() >= 24;
        });
        assertThat(got).extracting(Delivery::jobId).doesNotHaveDuplicates().hasSize(24)
                .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(4)) % 5).isNotZero());
        assertThat(got).allSatisfy(d -> assertThat(d.queue()).isEqualTo(q));
        List<Integer> priorities = got.stream().map(d -> Integer.parseInt(d.jobId().substring(4)) % 3 * 4).toList();
        assertThat(priorities).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        a.ackAll(got);
        a.ackAll(List.of());

        List<Delivery> second = a.receive(List.of(q2), LONG, 100);
        assertThat(second).isNotEmpty().allSatisfy(d -> assertThat(d.queue()).isEqualTo(q2));
        a.ackAll(second);
        // Past the visibility timeout: acked messages never come back.
        assertThat(broker(SHORT_VISIBILITY).receive(List.of(q), BATCH_VISIBILITY.plusMillis(500), 10)).isEmpty();
    }

    @Test
    void aBatchReceiveReturnsNothingWhenTheWaitRunsOut() {
        Broker a = broker(LONG);
        long start = System.nanoTime();
        assertThat(a.receive(List.of(q), EMPTY_WAIT, 5)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(EMPTY_WAIT.minusMillis(50));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.receive(List.of(q), EMPTY_WAIT, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theUnackedMessagesOfABatchComeBackWhenItsReceiverDies() {
        Broker dying = broker(BATCH_VISIBILITY);
        dying.publishAll(List.of(new Message(q, "a", 0), new Message(q, "b", 0), new Message(q, "c", 0)));
        List<Delivery> got = new ArrayList<>();
        receiveUntil(() -> {
            got.addAll(dying.receive(List.of(q), LONG, 3 - got.size()));
            return got.size() >= 3;
        });
        assertThat(got).hasSize(3);
        dying.ackAll(got.subList(0, 2));
        dying.close();

        Broker survivor = broker(SHORT_VISIBILITY);
        List<Delivery> again = survivor.receive(List.of(q), LONG, 10);
        assertThat(again).extracting(Delivery::jobId).containsExactly(got.get(2).jobId());
        survivor.ackAll(again);
        assertThat(survivor.receive(List.of(q), SHORT_VISIBILITY.multipliedBy(2), 10)).isEmpty();
    }

    /** Receives, as {@code step} does, until it says it has all it waited for (at most {@link #LONG}). */
    private static void receiveUntil(java.util.concurrent.Callable<Boolean> step) {
        Awaitility.await().atMost(LONG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(step);
    }
}
