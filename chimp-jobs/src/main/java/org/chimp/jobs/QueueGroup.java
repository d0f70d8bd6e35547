package org.chimp.jobs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.jobs.broker.Delivery;

/**
 * Queues a {@link Worker} receives from together, by one receiving thread, with their own handler threads: a slot
 * per idle thread, taken when a job starts and given back when its handler returns; and the jobs received but not
 * started yet, which only the receiving thread touches.
 */
final class QueueGroup {
    /** Jobs that run shorter than this on average let the group prefetch. */
    static final Duration SHORT_JOB = Duration.ofMillis(50);
    /** Weight of the newest run time in the moving average that decides whether to prefetch. */
    private static final double RUN_TIME_WEIGHT = 0.2;

    final List<String> queues;
    final Semaphore slots;
    final ExecutorService handlers;
    final Deque<Ready> ready = new ArrayDeque<>();
    private final int threads;
    private final int prefetch;
    /** Moving average of handler run times; negative until the first job ran. */
    private volatile double avgRunNanos = -1;

    QueueGroup(List<String> queues, int threads, int prefetchPerThread, String name) {
        this.queues = queues;
        this.threads = threads;
        this.slots = new Semaphore(threads);
        this.prefetch = threads * prefetchPerThread;
        AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Messages to take beyond the idle threads: only while jobs are short (a short job waits little behind
     * others; a long one would keep prefetched messages from other workers), so not before one has run.
     */
    int prefetch() {
        double avg = avgRunNanos;
        return avg >= 0 && avg < SHORT_JOB.toNanos() ? prefetch : 0;
    }

    /** A handler of this group ran for {@code nanos}. */
    synchronized void ran(long nanos) {
        avgRunNanos = avgRunNanos < 0 ? nanos : avgRunNanos + RUN_TIME_WEIGHT * (nanos - avgRunNanos);
    }

    /** No handler of this group is running (or about to). */
    boolean idle() {
        return slots.availablePermits() == threads;
    }

    /** Takes up to {@code max} idle slots without waiting. */
    int takeIdle(int max) {
        if (max == 0) {
            return 0;
        }
        int all = slots.drainPermits();
        int keep = Math.min(all, max);
        slots.release(all - keep);
        return keep;
    }

    /** Waits up to {@code wait} for a handler thread to become idle (without taking it). */
    void awaitIdle(Duration wait) throws InterruptedException {
        if (slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release();
        }
    }

    /** A received job to start when a handler thread is idle; {@code since} is when it was received (nanoTime). */
    record Ready(Delivery delivery, Job job, long since) {
    }
}
