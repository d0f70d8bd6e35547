package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chimp.api.error.ClientErrorException;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives job ids from the broker and runs them with the handler for their type. A job is acknowledged only
 * after its outcome is stored; while it runs the worker keeps extending its visibility. {@link #close()} stops
 * taking jobs and waits up to the grace period for running ones, then releases them back to the broker.
 * <p>
 * Queues share the configured number of receiving threads, except queues with a dedicated concurrency (GPU
 * queues: one thread per accelerator; see {@link WorkerOptions}). The worker registers itself in the worker
 * registry and refreshes its row every heartbeat, and soon after each job start and finish; a job it runs is
 * not taken over by another worker while that row says it is alive and on it.
 * <p>
 * Works with any {@link Broker}: everything it decides comes from the job record, never from the broker.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long one receive waits; also the longest a receiving thread takes to notice {@link #close()}. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(30);
    /** Rows of workers silent for this long are deleted (their process was killed). */
    private static final Duration STALE_WORKER = Duration.ofHours(1);
    /**
     * Job starts and finishes within this time share one registry update (at most a quarter heartbeat): the row
     * may lag a job start by that much, which {@link WorkerRegistry#stillRunning} allows for.
     */
    private static final long MAX_TOUCH_DELAY_MILLIS = 200;
    /** Stale rows are looked for at most this often. */
    private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    /** Pause after the broker failed, so a broken connection does not spin. */
    private static final long BROKER_ERROR_PAUSE_MILLIS = 1000;
    private static final int RACE_RETRIES = 3;
    private static final String RUNNING = "running";
    private static final String STOPPING = "stopping";

    private final JobService jobs;
    private final JobStore store;
    private final WorkerRegistry registry;
    private final Broker broker;
    private final Map<String, JobHandler> handlers;
    private final List<String> queues;
    private final WorkerOptions options;
    private final Map<List<String>, Integer> threadGroups;
    private final WorkerIdentity identity = WorkerIdentity.create();
    private final Set<Attempt> running = ConcurrentHashMap.newKeySet();
    private final Set<String> currentJobs = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean touchScheduled = new AtomicBoolean();
    private final Object registryLock = new Object();
    private ScheduledExecutorService timer;
    private Instant startedAt;
    private Instant prunedAt = Instant.MIN; // guarded by registryLock
    private volatile boolean receiving;
    private volatile String state = RUNNING;
    private boolean deregistered; // guarded by registryLock

    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  int concurrency, Duration gracePeriod) {
        this(jobs, broker, handlers, queues, concurrency, gracePeriod, Backoff.DEFAULT);
    }

    /** A worker with its own retry backoff (tests use a short one). */
    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  int concurrency, Duration gracePeriod, Backoff backoff) {
        this(jobs, broker, handlers, queues, checked(concurrency, gracePeriod).withConcurrency(concurrency)
                .withGracePeriod(gracePeriod).withBackoff(backoff));
    }

    /** A worker on these queues, run as the options say. */
    public Worker(JobService jobs, Broker broker, Map<String, JobHandler> handlers, List<String> queues,
                  WorkerOptions options) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("A worker needs at least one queue");
        }
        this.jobs = jobs;
        this.store = jobs.store();
        this.registry = jobs.registry();
        this.broker = broker;
        this.handlers = Map.copyOf(handlers);
        this.queues = List.copyOf(queues);
        this.options = options;
        this.threadGroups = threadGroups(this.queues, options);
    }

    /** This worker's id in the registry and on the jobs it runs: {@code host-pid-random}. */
    public String id() {
        return identity.id();
    }

    /** Registers the worker, starts the receiving threads, the heartbeat and the recovery sweep (now and every 30 s). */
    public synchronized void start() {
        if (timer != null) {
            throw new IllegalStateException("This worker was already started");
        }
        startedAt = JobStore.now();
        beat();
        // Two threads, so that a slow registry write or recovery sweep never delays extending a running job.
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> daemon(r, "chimp-worker-timer"));
        // Every job schedules a heartbeat and cancels it when done: drop cancelled ones at once, or thousands of
        // short jobs a second would pile up in the queue until their first run time.
        pool.setRemoveOnCancelPolicy(true);
        timer = pool;
        long heartbeat = options.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::beat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::recover, 0, RECOVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        receiving = true;
        threadGroups.forEach((group, n) -> {
            for (int i = 0; i < n; i++) {
                Thread t = daemon(() -> receiveLoop(group), "chimp-worker-" + String.join("+", group) + "-" + i);
                threads.add(t);
                t.start();
            }
        });
        LOG.info("Worker {} started: {} (queues: threads), handling {}", id(), threadGroups, handlers.keySet());
    }

    /**
     * Stops receiving, waits up to the grace period for running jobs (the registry shows the worker as
     * {@code stopping} meanwhile), then gives the others back: their job is queued again without counting the
     * attempt, the message released at once, and the handler told to stop ({@link JobContext#cancelled()} turns
     * true and its thread is interrupted). Finally removes the worker from the registry.
     */
    @Override
    public synchronized void close() {
        if (timer == null || !receiving) {
            return;
        }
        receiving = false;
        state = STOPPING;
        beat();
        long deadline = System.nanoTime() + options.gracePeriod().toNanos();
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
        deregister();
    }

    private void receiveLoop(List<String> group) {
        while (receiving) {
            Optional<Delivery> d;
            try {
                d = broker.receive(group, POLL);
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
            // A duplicate delivery; if it comes from a crash after storing the outcome, finish what was left.
            dispatchCallback(job);
            broker.ack(d);
            return true;
        }
        if (job.state() == JobState.RUNNING && registry.stillRunning(job)) {
            // Its worker is alive and on it: the message came back only because a heartbeat came too late.
            broker.release(d, broker.visibilityTimeout());
            return true;
        }
        if (job.cancelRequested()) {
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
        // Listed before it is marked running, so that the registry never shows it running on us but not listed.
        currentJobs.add(job.id());
        Optional<Job> started = store.start(job, id());
        if (started.isEmpty()) {
            currentJobs.remove(job.id());
            return false;
        }
        touch();
        try {
            run(d, started.get(), handler);
        } finally {
            currentJobs.remove(job.id());
            touch();
        }
        return true;
    }

    private boolean endUnrun(Delivery d, Job job, JobState state, String error) {
        if (!store.finish(job.id(), job.state(), job.attempts(), state, null, error)) {
            return false;
        }
        finished(d, job, state, null, error);
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

    /**
     * Stores the outcome, then acks (or releases for a retry). The updates are conditional on no cancel having
     * been requested, so the common case needs no extra read; a false update means a cancel came in meanwhile,
     * or a newer attempt took the job over.
     */
    private void settle(Attempt attempt, JsonNode result, Throwable failure) {
        Job job = attempt.job();
        Delivery d = attempt.delivery();
        int n = job.attempts();
        boolean clientError = failure instanceof ClientErrorException;
        if (failure != null && !clientError && n < job.maxAttempts()) {
            Duration delay = options.backoff().delay(n);
            if (store.retryLater(job.id(), n, message(failure), JobStore.now().plus(delay))) {
                LOG.info("Job {} attempt {} failed, retrying in {} ms: {}", job.id(), n, delay.toMillis(), failure.toString());
                broker.release(d, delay);
                return;
            }
        } else {
            JobState to = failure == null ? JobState.SUCCEEDED : JobState.FAILED;
            String error = failure == null ? null
                    : clientError ? failure.getMessage() : "failed after " + n + " attempts: " + message(failure);
            JsonNode stored = failure == null ? result : null;
            if (store.finish(job.id(), JobState.RUNNING, n, to, stored, error, false)) {
                if (failure != null && !clientError) {
                    LOG.warn("Job {} failed after {} attempts; it is dead-lettered", job.id(), n, failure);
                }
                finished(d, job, to, stored, error);
                return;
            }
        }
        // However the handler ended, the caller asked to stop: a returned result is kept as partial output.
        if (store.finish(job.id(), JobState.RUNNING, n, JobState.CANCELLED, result, null, true)) {
            finished(d, job, JobState.CANCELLED, result, null);
            return;
        }
        LOG.info("Job {} attempt {} finished after another worker took the job over; its outcome is dropped", job.id(), n);
    }

    /** The outcome is stored: submits its callback, then acks. A failed callback submit is left to the sweep. */
    private void finished(Delivery d, Job job, JobState to, JsonNode result, String error) {
        dispatchCallback(job.finishedAs(to, result, error, JobStore.now()));
        broker.ack(d);
    }

    private void dispatchCallback(Job job) {
        try {
            jobs.callbacks().dispatch(job);
        } catch (RuntimeException e) {
            LOG.warn("The callback of job {} could not be submitted; the recovery sweep will retry: {}", job.id(),
                    e.toString());
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

    /** Writes this worker's registry row now, and prunes the rows of workers long dead. */
    private void beat() {
        synchronized (registryLock) {
            if (deregistered) {
                return;
            }
            try {
                Instant now = JobStore.now();
                int concurrency = threadGroups.values().stream().mapToInt(Integer::intValue).sum();
                registry.save(new WorkerInfo(id(), identity.host(), identity.pid(), queues, concurrency,
                        options.heartbeat(), state, List.copyOf(currentJobs), startedAt, now, true));
                if (prunedAt.plus(PRUNE_INTERVAL).isBefore(now)) {
                    registry.prune(now.minus(STALE_WORKER));
                    prunedAt = now;
                }
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not refresh its registry row: {}", id(), e.toString());
            }
        }
    }

    /** A registry update soon, off the job's thread; starts and finishes close together share one. */
    private void touch() {
        if (touchScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    touchScheduled.set(false);
                    beat();
                }, Math.min(MAX_TOUCH_DELAY_MILLIS, options.heartbeat().toMillis() / 4), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                touchScheduled.set(false); // closing: the registry row is about to go
            }
        }
    }

    private void deregister() {
        synchronized (registryLock) {
            deregistered = true;
            try {
                registry.remove(id());
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not remove its registry row; it is pruned once stale: {}", id(), e.toString());
            }
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

    /** Queues with a dedicated concurrency get their own threads; the others share the configured number. */
    static Map<List<String>, Integer> threadGroups(List<String> queues, WorkerOptions options) {
        Map<List<String>, Integer> groups = new LinkedHashMap<>();
        List<String> shared = new ArrayList<>();
        for (String q : queues) {
            OptionalInt dedicated = options.dedicatedConcurrency(q);
            if (dedicated.isPresent()) {
                groups.put(List.of(q), dedicated.getAsInt());
            } else {
                shared.add(q);
            }
        }
        if (!shared.isEmpty()) {
            groups.put(List.copyOf(shared), options.concurrency());
        }
        return groups;
    }

    private static WorkerOptions checked(int concurrency, Duration gracePeriod) {
        if (concurrency < 1 || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("A worker needs a concurrency of 1 or more and a grace period of 0 or more");
        }
        return WorkerOptions.defaults();
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
