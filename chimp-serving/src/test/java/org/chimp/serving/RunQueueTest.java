package org.chimp.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.chimp.api.error.BusyException;
import org.junit.jupiter.api.Test;

class RunQueueTest {
    /** The "model": doubles each input, recording every call's batch. */
    private final List<List<Integer>> calls = new CopyOnWriteArrayList<>();
    private final Function<List<Integer>, List<Integer>> doubler = batch -> {
        calls.add(List.copyOf(batch));
        return batch.stream().map(i -> i * 2).toList();
    };

    @Test
    void batchedRequestsRunInOneCallAndEachGetsItsOwnAnswers() throws Exception {
        // The delay is far longer than the test: the batch closes because it is full, never by the clock.
        RunQueue queue = new RunQueue("m", new QueueConfig(64, 8, 60_000));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> answers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int base = r * 10;
                answers.add(pool.submit(() -> queue.runBatched(List.of(base, base + 1), () -> false, doubler)));
            }
            for (int r = 0; r < 4; r++) {
                assertThat(answers.get(r).get()).containsExactly(r * 20, r * 20 + 2);
            }
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0)).hasSize(8).containsExactlyInAnyOrder(0, 1, 10, 11, 20, 21, 30, 31);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoneRequestRunsAfterTheDelayAndABiggerOneThanTheBatchRunsAlone() {
        RunQueue queue = new RunQueue("m", new QueueConfig(64, 4, 0));
        assertThat(queue.runBatched(List.of(3), () -> false, doubler)).containsExactly(6);
        assertThat(queue.runBatched(List.of(1, 2, 3, 4, 5), () -> false, doubler)).containsExactly(2, 4, 6, 8, 10);
        assertThat(calls).containsExactly(List.of(3), List.of(1, 2, 3, 4, 5));
    }

    @Test
    void aRequestWhoseClientLeftIsNotRunButTheRestOfItsBatchIs() throws Exception {
        RunQueue queue = new RunQueue("m", new QueueConfig(64, 2, 60_000));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Integer>> gone = pool.submit(() -> queue.runBatched(List.of(7), () -> true, doubler));
            Future<List<Integer>> present = pool.submit(() -> queue.runBatched(List.of(8), () -> false, doubler));
            assertThat(present.get()).containsExactly(16);
            assertThatThrownBy(gone::get).hasCauseInstanceOf(BusyException.class).hasMessageContaining("went away");
            assertThat(calls).containsExactly(List.of(8));
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> queue.run(() -> 1, () -> true)).isInstanceOf(BusyException.class);
    }

    @Test
    void beyondTheBoundRequestsAreRefusedAtOnceAndServedAgainAfterwards() throws Exception {
        RunQueue queue = new RunQueue("Model 'm' version 1", new QueueConfig(2, 1, 0));
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(pool.submit(() -> queue.run(() -> {
                    running.countDown();
                    await(release);
                    return 1;
                }, () -> false)));
            }
            running.await();
            assertThatThrownBy(() -> queue.runBatched(List.of(1), () -> false, doubler))
                    .isInstanceOf(BusyException.class).hasMessageContaining("Model 'm' version 1 has 2 requests in flight");
            release.countDown();
            for (Future<Integer> f : held) {
                assertThat(f.get()).isEqualTo(1);
            }
            assertThat(queue.runBatched(List.of(1), () -> false, doubler)).containsExactly(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingBatchFailsEachOfItsRequests() throws Exception {
        RunQueue queue = new RunQueue("m", new QueueConfig(64, 2, 60_000));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Function<List<Integer>, List<Integer>> broken = b -> {
            throw new IllegalStateException("boom");
        };
        try {
            Future<List<Integer>> a = pool.submit(() -> queue.runBatched(List.of(1), () -> false, broken));
            Future<List<Integer>> b = pool.submit(() -> queue.runBatched(List.of(2), () -> false, broken));
            assertThatThrownBy(a::get).hasRootCauseMessage("boom");
            assertThatThrownBy(b::get).hasRootCauseMessage("boom");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneRequestsBadInputDoesNotFailTheOthersInItsBatch() throws Exception {
        RunQueue queue = new RunQueue("m", new QueueConfig(64, 2, 60_000));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Function<List<Integer>, List<Integer>> picky = batch -> {
            calls.add(List.copyOf(batch));
            if (batch.contains(-1)) {
                throw org.chimp.api.error.ClientErrorException.invalid("negative input");
            }
            return batch.stream().map(i -> i * 2).toList();
        };
        try {
            Future<List<Integer>> bad = pool.submit(() -> queue.runBatched(List.of(-1), () -> false, picky));
            Future<List<Integer>> good = pool.submit(() -> queue.runBatched(List.of(4), () -> false, picky));
            assertThat(good.get()).containsExactly(8);
            assertThatThrownBy(bad::get).hasRootCauseMessage("negative input");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tagsConfigureTheQueueAndBadTagsAreIgnored() {
        assertThat(QueueConfig.of("m", java.util.Map.of()).batching()).isFalse();
        QueueConfig c = QueueConfig.of("m", java.util.Map.of(QueueConfig.MAX_BATCH_TAG, "16", QueueConfig.MAX_DELAY_TAG, "3",
                QueueConfig.QUEUE_TAG, "5"));
        assertThat(c).isEqualTo(new QueueConfig(5, 16, 3));
        QueueConfig bad = QueueConfig.of("m", java.util.Map.of(QueueConfig.MAX_BATCH_TAG, "-1", QueueConfig.QUEUE_TAG, "lots"));
        assertThat(bad.maxBatch()).isEqualTo(1);
        assertThat(bad.capacity()).isEqualTo(QueueConfig.DEFAULT_CAPACITY);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
