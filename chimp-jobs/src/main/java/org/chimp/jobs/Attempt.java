package org.chimp.jobs;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chimp.jobs.broker.Delivery;

/**
 * One attempt at running a job: the context its handler sees, and the bookkeeping the worker needs to settle it.
 * Exactly one party settles an attempt (stores its outcome): the thread running the handler when it returns, or
 * {@link Worker#close()} when it gives the job back after the grace period; {@link #settle()} decides who.
 */
final class Attempt implements JobContext {
    /** The cancel flag is read from the database at most this often, however often the handler asks. */
    private static final long CANCEL_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Job job;
    private final Delivery delivery;
    private final JobStore store;
    private final Thread thread;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile ScheduledFuture<?> heartbeat;
    private boolean cancelled;
    private boolean abandoned;
    private long checkedAt;
    private boolean checked;

    Attempt(Job job, Delivery delivery, JobStore store) {
        this.job = job;
        this.delivery = delivery;
        this.store = store;
        this.thread = Thread.currentThread();
    }

    @Override
    public Job job() {
        return job;
    }

    /** Ignored once this attempt is no longer the job's current one (another worker took it over). */
    @Override
    public synchronized void progress(double fraction, String message) {
        if (!abandoned) {
            store.progress(job.id(), job.attempts(), new Progress(fraction, message));
        }
    }

    @Override
    public synchronized boolean cancelled() {
        if (abandoned) {
            return true;
        }
        if (!cancelled) {
            long now = System.nanoTime();
            if (!checked || now - checkedAt >= CANCEL_CHECK_NANOS) {
                checked = true;
                checkedAt = now;
                cancelled = store.cancelRequested(job.id());
            }
        }
        return cancelled;
    }

    Delivery delivery() {
        return delivery;
    }

    void heartbeat(ScheduledFuture<?> future) {
        this.heartbeat = future;
    }

    /**
     * Tells the handler to stop: {@link #cancelled()} turns true and its thread is interrupted. Holding the same
     * lock as the context's database calls guarantees the interrupt never lands inside one of them, which would
     * close an embedded H2 file database for every thread (H2's file channels do not survive interrupts); after
     * this, the context no longer touches the database.
     */
    synchronized void abandon() {
        abandoned = true;
        thread.interrupt();
    }

    /** True for the one caller that gets to store this attempt's outcome; stops the heartbeat either way. */
    boolean settle() {
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
        }
        return settled.compareAndSet(false, true);
    }
}
