package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives job ids from the broker and runs them with the handler for their type. A job is acknowledged only
 * after its outcome is stored; while it runs the worker keeps extending its visibility. {@link #close()} stops
 * taking jobs and waits up to the grace period for running ones, then releases them back to the broker.
 * <p>
 * Queues share the configured number of handler threads, except queues with a dedicated concurrency (GPU
 * queues: one thread per accelerator; see {@link WorkerOptions}). Each such group has one receiving thread that
 * takes as many messages at once as the group has idle handler threads, reads and starts their jobs in one
 * statement each, and hands them to the handler threads; outcomes are stored and acked in batches by a
 * {@link Settler}. Batching is what lets a worker keep up with thousands of short jobs a second. The worker registers itself in the worker
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
    /** Pause after the broker failed, so a broken connection does not spin. */
    private static final long BROKER_ERROR_PAUSE_MILLIS = 1000;
    private static final int RACE_RETRIES = 3;
    /** Messages taken in one receive at most. */
    private static final int MAX_RECEIVE = 256;
    /** The longest a prefetched message waits for a thread before going back to the broker. */
    private static final Duration MAX_HOLD = Duration.ofSeconds(1);
    /** How long close() waits for outcomes already handed over to be stored. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

    private final JobService jobs;
    private final JobStore store;
    private final WorkerRegistry registry;
    private final Broker broker;
    private final Map<String, JobHandler> handlers;
    private final List<String> queues;
    private final WorkerOptions options;
    private final Map<List<String>, Integer> threadGroups;
    private final WorkerIdentity identity = WorkerIdentity.create();
    private final Triage triage;
    private final WorkerPresence presence;
    private final Set<Attempt> running = ConcurrentHashMap.newKeySet();
    private final List<Thread> receivers = new ArrayList<>();
    private final List<QueueGroup> groups = new ArrayList<>();
    private final Settler settler;
    private ScheduledExecutorService timer;
    private volatile boolean receiving;

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
        this.threadGroups = options.threadGroups(this.queues);
        this.settler = new Settler(jobs, broker, options.backoff(), "chimp-worker-settler");
        this.triage = new Triage(this.handlers.keySet());
        this.presence = new WorkerPresence(registry, identity, this.queues,
                threadGroups.values().stream().mapToInt(Integer::intValue).sum(), options.heartbeat());
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
        presence.register();
        cleanUpAfterKilledWorkers();
        // Two threads, so that a slow registry write or recovery sweep never delays extending a running job.
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> daemon(r, "chimp-worker-timer"));
        // Every job schedules a heartbeat and cancels it when done: drop cancelled ones at once, or thousands of
        // short jobs a second would pile up in the queue until their first run time.
        pool.setRemoveOnCancelPolicy(true);
        timer = pool;
        long heartbeat = options.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(presence::beat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::recover, 0, RECOVERY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        receiving = true;
        settler.start();
        threadGroups.forEach((queueList, n) -> {
            String name = "chimp-worker-" + String.join("+", queueList);
            QueueGroup group = new QueueGroup(queueList, n, options.prefetch(), name);
            groups.add(group);
            Thread t = daemon(() -> receiveLoop(group), name + "-receiver");
            receivers.add(t);
            t.start();
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
        presence.stopping();
        // The grace period is for the running handlers; receivers stop within a receive meanwhile, and a job they
        // start after this point is handed straight back (see run()).
        awaitIdle(System.nanoTime() + options.gracePeriod().toNanos());
        for (Attempt a : running) {
            if (a.settle()) {
                giveBack(a.job(), a.delivery());
                a.abandon();
            }
        }
        joinReceivers(System.nanoTime() + POLL.toNanos() * 2);
        groups.forEach(g -> g.handlers.shutdown());
        if (!awaitHandlers(System.nanoTime() + POLL.toNanos() * 2)) {
            LOG.warn("Worker {} has handlers still busy after close (a handler ignoring interruption?)", id());
        }
        settler.close(SETTLE_TIMEOUT);
        // Not shutdownNow(): interrupting a heartbeat mid-query would break an embedded H2 file database.
        timer.shutdown();
        presence.deregister();
    }

    /**
     * The receiving thread of a group of queues. When it has no received job waiting, it takes as many messages
     * as the group has idle handler threads, plus a prefetch while the group's jobs are short; it settles the ones
     * that need no handler and keeps the others ready. Ready jobs are started (marked running, in one statement)
     * only when a handler thread is idle for them, so a job never shows as running while it waits. A prefetched
     * message that waits longer than {@link #maxHold} goes back to the broker for other workers.
     */
    private void receiveLoop(QueueGroup group) {
        while (receiving) {
            try {
                startReady(group);
                returnStale(group);
                int idle = group.slots.availablePermits();
                if (group.ready.isEmpty() && idle > 0) {
                    fetch(group, Math.min(MAX_RECEIVE, idle + group.prefetch()));
                } else if (idle == 0 || group.ready.isEmpty()) {
                    group.awaitIdle(group.ready.isEmpty() ? POLL : maxHold());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                if (receiving) {
                    LOG.warn("Receiving jobs failed; retrying (held messages come back after the visibility timeout): {}",
                            e.toString());
                    pause();
                }
            }
        }
        group.ready.forEach(r -> releaseQuietly(r.delivery()));
        group.ready.clear();
    }

    /** Receives up to {@code max} messages, reads their jobs in one query, and keeps the ones to run ready. */
    private void fetch(QueueGroup group, int max) {
        List<Delivery> got;
        try {
            got = broker.receive(group.queues, POLL, max);
        } catch (RuntimeException e) {
            if (receiving) {
                LOG.warn("Receiving from the broker failed; retrying: {}", e.toString());
                pause();
            }
            return;
        }
        if (got.isEmpty()) {
            return;
        }
        if (!receiving) {
            got.forEach(this::releaseQuietly);
            return;
        }
        Map<String, Job> found = store.findAll(got.stream().map(Delivery::jobId).toList());
        long now = System.nanoTime();
        for (Delivery d : got) {
            Job job = found.get(d.jobId());
            Verdict v = triageSafely(d, job);
            if (v == Verdict.START) {
                group.ready.add(new QueueGroup.Ready(d, job, now));
            } else if (v == Verdict.RACED) {
                reconsider(group, d);
            }
        }
    }

    /** Starts as many ready jobs as there are idle handler threads, in one transaction, and hands them over. */
    private void startReady(QueueGroup group) {
        int n = group.takeIdle(group.ready.size());
        if (n == 0) {
            return;
        }
        List<QueueGroup.Ready> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(group.ready.poll());
        }
        List<Job> jobsToStart = batch.stream().map(QueueGroup.Ready::job).toList();
        // Listed before they are marked running, so that the registry never shows one running on us but not listed.
        jobsToStart.forEach(j -> presence.jobStarting(j.id()));
        List<Optional<Job>> started;
        try {
            started = store.startAll(jobsToStart, id());
        } catch (RuntimeException e) {
            jobsToStart.forEach(j -> presence.jobEnded(j.id()));
            group.slots.release(n);
            batch.forEach(r -> releaseQuietly(r.delivery()));
            throw e;
        }
        presence.touch(timer);
        for (int i = 0; i < n; i++) {
            QueueGroup.Ready r = batch.get(i);
            if (started.get(i).isPresent()) {
                launch(group, r.delivery(), started.get(i).get());
            } else {
                presence.jobEnded(r.job().id());
                group.slots.release();
                reconsider(group, r.delivery());
            }
        }
    }

    /** Prefetched messages that waited too long for a thread go back to the broker, for other workers. */
    private void returnStale(QueueGroup group) {
        long limit = System.nanoTime() - maxHold().toNanos();
        while (!group.ready.isEmpty() && group.ready.peek().since() - limit < 0) {
            releaseQuietly(group.ready.poll().delivery());
        }
    }

    /** How long a prefetched message may wait for a thread: a second, or a quarter visibility timeout if shorter. */
    private Duration maxHold() {
        Duration quarter = broker.visibilityTimeout().dividedBy(4);
        return quarter.compareTo(MAX_HOLD) < 0 ? quarter : MAX_HOLD;
    }

    /**
     * The job changed between reading and updating it (a concurrent cancel, a duplicate message): reads it again
     * and decides afresh, a few times; a job to run goes back to the front of the ready ones.
     */
    private void reconsider(QueueGroup group, Delivery d) {
        try {
            for (int i = 0; i < RACE_RETRIES; i++) {
                Job job = store.find(d.jobId()).orElse(null);
                Verdict v = triage(d, job);
                if (v == Verdict.HANDLED) {
                    return;
                }
                if (v == Verdict.START) {
                    group.ready.addFirst(new QueueGroup.Ready(d, job, System.nanoTime()));
                    return;
                }
            }
            // The record kept changing under us; let the broker bring it back shortly.
            broker.release(d, Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            LOG.error("Job {} could not be processed; it will be delivered again after the visibility timeout",
                    d.jobId(), e);
        }
    }

    private Verdict triageSafely(Delivery d, Job job) {
        try {
            return triage(d, job);
        } catch (RuntimeException e) {
            LOG.error("Job {} could not be processed; it will be delivered again after the visibility timeout",
                    d.jobId(), e);
            return Verdict.HANDLED;
        }
    }

    /**
     * Decides what a delivery of a job (null: no such job) needs ({@link Triage}), and does it unless that is
     * running the job.
     */
    private Verdict triage(Delivery d, Job job) {
        boolean onALiveWorker = job != null && job.state() == JobState.RUNNING && registry.stillRunning(job);
        Triage.Decision decision = triage.decide(job, JobStore.now(), onALiveWorker, broker.visibilityTimeout());
        switch (decision.action()) {
            case DROP -> {
                LOG.warn("Dropping a message for job {}, which does not exist", d.jobId());
                broker.ack(d);
            }
            case ACK_FINAL -> {
                // A duplicate delivery; if it comes from a crash after storing the outcome, finish what was left.
                settler.dispatchCallback(job);
                broker.ack(d);
            }
            case RELEASE -> broker.release(d, decision.delay());
            case END -> {
                return endUnrun(d, job, decision.end(), decision.error());
            }
            case START -> {
                return Verdict.START;
            }
        }
        return Verdict.HANDLED;
    }

    private Verdict endUnrun(Delivery d, Job job, JobState state, String error) {
        if (!store.finish(job.id(), job.state(), job.attempts(), state, null, error)) {
            return Verdict.RACED;
        }
        Job ended = job.finishedAs(state, null, error, JobStore.now());
        if (job.state() == JobState.RUNNING) {
            abandoned(ended); // its worker died mid-attempt (triage spares jobs of live workers)
        }
        settler.dispatchCallback(ended);
        broker.ack(d);
        return Verdict.HANDLED;
    }

    /** Lets the job's handler close what the dead worker's attempt left open (see {@link JobHandler#abandoned}). */
    private void abandoned(Job ended) {
        JobHandler handler = handlers.get(ended.type());
        if (handler == null) {
            return;
        }
        try {
            handler.abandoned(ended);
        } catch (RuntimeException e) {
            LOG.warn("Cleaning up after the abandoned attempt {} of job {} failed", ended.attempts(), ended.id(), e);
        }
    }

    /** Lets each handler remove what attempts of killed workers left on this machine (see {@link JobHandler#cleanUp}). */
    private void cleanUpAfterKilledWorkers() {
        for (JobHandler handler : new LinkedHashSet<>(handlers.values())) {
            try {
                handler.cleanUp(this::runningOnALiveWorker);
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not clean up after earlier workers", id(), e);
            }
        }
    }

    private boolean runningOnALiveWorker(String jobId) {
        return store.find(jobId).filter(j -> j.state() == JobState.RUNNING && registry.stillRunning(j)).isPresent();
    }

    /** Runs a started job on one of the group's handler threads; it holds a slot already, so one is idle. */
    private void launch(QueueGroup group, Delivery d, Job job) {
        try {
            group.handlers.execute(() -> handle(group, d, job));
        } catch (RejectedExecutionException e) {
            // close() gave up waiting for this receiver and shut the handler threads down: hand the job back.
            presence.jobEnded(job.id());
            group.slots.release();
            giveBack(job, d);
        }
    }

    private void handle(QueueGroup group, Delivery d, Job job) {
        long t0 = System.nanoTime();
        try {
            run(d, job, handlers.get(job.type()));
        } finally {
            group.ran(System.nanoTime() - t0);
            presence.jobEnded(job.id());
            group.slots.release();
            presence.touch(timer);
        }
    }

    private void run(Delivery d, Job job, JobHandler handler) {
        Attempt attempt = new Attempt(job, d, store);
        running.add(attempt);
        if (!receiving || !startHeartbeat(attempt)) {
            // close() began after this job was received: hand it straight back rather than start it.
            running.remove(attempt);
            if (attempt.settle()) {
                giveBack(attempt.job(), attempt.delivery());
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
        settler.submit(attempt, result, failure);
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

    private void giveBack(Job job, Delivery d) {
        LOG.info("Giving job {} back: still running after the grace period", job.id());
        try {
            store.giveBack(job.id(), job.attempts());
            broker.release(d, Duration.ZERO);
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

    private void joinReceivers(long deadlineNanos) {
        for (Thread t : receivers) {
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

    /** Waits until no handler runs in any group, or the deadline. */
    private void awaitIdle(long deadlineNanos) {
        while (!groups.stream().allMatch(QueueGroup::idle) && System.nanoTime() - deadlineNanos < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** True if every handler thread ended by the deadline. */
    private boolean awaitHandlers(long deadlineNanos) {
        for (QueueGroup g : groups) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (!g.handlers.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(BROKER_ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** What a delivery needs: running its job, nothing more (it was acked, released or ended), or a fresh read. */
    private enum Verdict {
        START, HANDLED, RACED
    }
}
