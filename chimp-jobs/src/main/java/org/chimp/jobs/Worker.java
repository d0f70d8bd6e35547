package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.chimp.api.error.ClientErrorException;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives job ids from the broker and runs them with the handler for their type, {@code concurrency} at a time.
 * A job is acknowledged only after its outcome is stored; while it runs the worker keeps extending its
 * visibility. {@link #close()} stops taking jobs and waits up to the grace period for running ones, then releases
 * them back to the broker.
 * <p>
 * Works with any {@link Broker}: everything it decides comes from the job record, never from the broker.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long one receive waits; also the longest a receiving thread takes to notice {@link #close()}. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(30);
    /** Pause after the broker failed, so a broken connection does not spin. */
    private static final long BROKER_ERROR_PAUSE_MILLIS = 1000;
    private static final int RACE_RETRIES = 3;

    private final JobService jobs;
    private final JobStore store;
    private final Broker broker;
    private final Map<String, JobHandler> handlers;
    private final List<String> queues;
    private final int concurrency;
    private final Duration gracePeriod;
    private final Backoff backoff;
    private final Set<Attempt> running = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService timer;
    private volatile boolean receiving;

    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  int concurrency, Duration gracePeriod) {
        this(jobs, broker, handlers, queues, concurrency, gracePeriod, Backoff.DEFAULT);
    }

    /** A worker with its own retry backoff (tests use a short one). */
    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  int concurrency, Duration gracePeriod, Backoff backoff) {
        if (queues.isEmpty() || concurrency < 1 || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("A worker needs at least one queue, a concurrency of 1 or more and a "
                    + "grace period of 0 or more");
        }
        this.jobs = jobs;
        this.store = jobs.store();
        this.broker = broker;
        this.handlers = Map.copyOf(handlers);
        this.queues = List.copyOf(queues);
        this.concurrency = concurrency;
        this.gracePeriod = gracePeriod;
        this.backoff = backoff;
    }

    /** Starts the receiving threads, and the recovery sweep (now and every 30 s). */
    public synchronized void start() {
        if (timer != null) {
            throw new IllegalStateException("This worker was already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chimp-worker-timer"));
        timer.scheduleWithFixedDelay(this::recover, 0, RECOVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        receiving = true;
        for (int i = 0; i < concurrency; i++) {
            Thread t = daemon(this::receiveLoop, "chimp-worker-" + i);
            threads.add(t);
            t.start();
        }
        LOG.info("Worker started on {} with {} thread(s), handling {}", queues, concurrency, handlers.keySet());
    }

    /**
     * Stops receiving, waits up to the grace period for running jobs, then gives the others back: their job is
     * queued again without counting the attempt, the message released at once, and the handler told to stop
     * ({@link JobContext#cancelled()} turns true and its thread is interrupted).
     */
    @Override
    public synchronized void close() {
        if (timer == null || !receiving) {
            return;
        }
        receiving = false;
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        joinAll(deadline);
        for (Attempt a : running) {
            if (a.settle()) {
                giveBack(a);
                a.abandon();
            }
        }
        joinAll(System.nanoTime() + POLL.toNanos() * 2);
        for (Thread t : threads) {
            if (t.isAlive()) {
                LOG.warn("Worker thread {} is still busy after close (a handler ignoring interruption?)", t.getName());
            }
        }
        // Not shutdownNow(): interrupting a heartbeat mid-query would break an embedded H2 file database.
        timer.shutdown();
    }

    private void receiveLoop() {
        while (receiving) {
            Optional<Delivery> d;
            try {
                d = broker.receive(queues, POLL);
            } catch (RuntimeException e) {
                if (receiving) {
                    LOG.warn("Receiving from the broker failed; retrying: {}", e.toString());
                    pause();
                }
                continue;
            }
            if (d.isEmpty()) {
                continue;
            }
            if (!receiving) {
                releaseQuietly(d.get());
                return;
            }
            try {
                process(d.get());
            } catch (RuntimeException e) {
                LOG.error("Job {} could not be processed; it will be delivered again after the visibility timeout",
                        d.get().jobId(), e);
            }
        }
    }

    private void process(Delivery d) {
        for (int i = 0; i < RACE_RETRIES; i++) {
            if (tryProcess(d)) {
                return;
            }
        }
        // The record kept changing under us (e.g. a concurrent cancel); let the broker bring it back shortly.
        broker.release(d, Duration.ofSeconds(1));
    }

    /** False if the job changed between reading and updating it, to read it again. */
    private boolean tryProcess(Delivery d) {
        Optional<Job> found = store.find(d.jobId());
        if (found.isEmpty()) {
            LOG.warn("Dropping a message for job {}, which does not exist", d.jobId());
            broker.ack(d);
            return true;
        }
        Job job = found.get();
        if (job.state().isFinal()) {
            broker.ack(d); // a duplicate delivery
            return true;
        }
        if (store.cancelRequested(job.id())) {
            return endUnrun(d, job, JobState.CANCELLED, null);
        }
        if (job.attempts() >= job.maxAttempts()) {
            // Only a worker that died mid-attempt leaves a job running with its attempts used up.
            return endUnrun(d, job, JobState.FAILED, job.state() == JobState.RUNNING
                    ? "worker died; attempts exhausted" : "attempts exhausted");
        }
        JobHandler handler = handlers.get(job.type());
        if (handler == null) {
            return endUnrun(d, job, JobState.FAILED, "No handler for job type '" + job.type() + "' on queue '"
                    + job.queue() + "'; the workers on this queue handle " + handlers.keySet());
        }
        if (!store.start(job.id(), job.state(), job.attempts())) {
            return false;
        }
        run(d, store.find(job.id()).orElseThrow(), handler);
        return true;
    }

    private boolean endUnrun(Delivery d, Job job, JobState state, String error) {
        if (!store.finish(job.id(), job.state(), job.attempts(), state, null, error)) {
            return false;
        }
        broker.ack(d);
        return true;
    }

    private void run(Delivery d, Job job, JobHandler handler) {
        Attempt attempt = new Attempt(job, d, store);
        running.add(attempt);
        if (!receiving || !startHeartbeat(attempt)) {
            // close() began after this job was received: hand it straight back rather than start it.
            running.remove(attempt);
            if (attempt.settle()) {
                giveBack(attempt);
            }
            return;
        }
        JsonNode result = null;
        Throwable failure = null;
        try {
            result = handler.handle(attempt);
        } catch (Throwable t) { // a handler's Error must not kill the worker thread either
            failure = t;
        } finally {
            running.remove(attempt);
        }
        if (!attempt.settle()) {
            Thread.interrupted(); // close() gave the job back and interrupted us; nothing left to do
            return;
        }
        settle(attempt, result, failure);
    }

    /** False if the worker is closing and no longer schedules anything. */
    private boolean startHeartbeat(Attempt attempt) {
        long period = Math.max(1, broker.visibilityTimeout().toMillis() / 3);
        try {
            attempt.heartbeat(timer.scheduleAtFixedRate(() -> extend(attempt.delivery()), period, period,
                    TimeUnit.MILLISECONDS));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stores the outcome, then acks (or releases for a retry). A false update means a newer attempt took over. */
    private void settle(Attempt attempt, JsonNode result, Throwable failure) {
        Job job = attempt.job();
        Delivery d = attempt.delivery();
        int n = job.attempts();
        boolean stored;
        if (store.cancelRequested(job.id())) {
            // However the handler ended, the caller asked to stop: a returned result is kept as partial output.
            stored = store.finish(job.id(), JobState.RUNNING, n, JobState.CANCELLED, result, null);
        } else if (failure == null) {
            stored = store.finish(job.id(), JobState.RUNNING, n, JobState.SUCCEEDED, result, null);
        } else if (failure instanceof ClientErrorException) {
            stored = store.finish(job.id(), JobState.RUNNING, n, JobState.FAILED, null, failure.getMessage());
        } else if (n < job.maxAttempts()) {
            Duration delay = backoff.delay(n);
            LOG.info("Job {} attempt {} failed, retrying in {} ms: {}", job.id(), n, delay.toMillis(), failure.toString());
            if (store.retryLater(job.id(), n, message(failure), JobStore.now().plus(delay))) {
                broker.release(d, delay);
            }
            return;
        } else {
            LOG.warn("Job {} failed after {} attempts", job.id(), n, failure);
            stored = store.finish(job.id(), JobState.RUNNING, n, JobState.FAILED, null,
                    "failed after " + n + " attempts: " + message(failure));
        }
        if (stored) {
            broker.ack(d);
        } else {
            LOG.info("Job {} attempt {} finished after another worker took the job over; its outcome is dropped", job.id(), n);
        }
    }

    private void giveBack(Attempt a) {
        Job job = a.job();
        LOG.info("Giving job {} back: still running after the grace period", job.id());
        try {
            store.giveBack(job.id(), job.attempts());
            broker.release(a.delivery(), Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.warn("Could not give job {} back; it will be delivered again after the visibility timeout", job.id(), e);
        }
    }

    private void extend(Delivery d) {
        try {
            broker.extend(d, broker.visibilityTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat for job {} failed: {}", d.jobId(), e.toString());
        }
    }

    private void recover() {
        try {
            jobs.recover();
        } catch (RuntimeException e) {
            LOG.warn("The recovery sweep failed; it runs again in {}: {}", RECOVERY_INTERVAL, e.toString());
        }
    }

    private void releaseQuietly(Delivery d) {
        try {
            broker.release(d, Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("Could not release job {} on close", d.jobId(), e);
        }
    }

    private void joinAll(long deadlineNanos) {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(BROKER_ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
