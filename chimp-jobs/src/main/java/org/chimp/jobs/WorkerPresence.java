package org.chimp.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's row in the worker registry: written at start, on every heartbeat and soon after jobs start and
 * finish, showing the worker {@code stopping} during its shutdown, removed when it closes. The row is what keeps
 * another worker from taking over a job this one still runs ({@link WorkerRegistry#stillRunning}).
 */
final class WorkerPresence {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPresence.class);
    /** Rows of workers silent for this long are deleted (their process was killed). */
    private static final Duration STALE_WORKER = Duration.ofHours(1);
    /** Stale rows are looked for at most this often. */
    private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    /**
     * Job starts and finishes within this time share one registry update (at most a quarter heartbeat): the row
     * may lag a job start by that much, which {@link WorkerRegistry#stillRunning} allows for.
     */
    private static final long MAX_TOUCH_DELAY_MILLIS = 200;
    private static final String RUNNING = "running";
    private static final String STOPPING = "stopping";

    private final WorkerRegistry registry;
    private final WorkerIdentity identity;
    private final List<String> queues;
    private final int concurrency;
    private final Duration heartbeat;
    private final Set<String> currentJobs = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean touchScheduled = new AtomicBoolean();
    private final Object lock = new Object();
    private volatile String state = RUNNING;
    private Instant startedAt; // guarded by lock
    private Instant prunedAt = Instant.MIN; // guarded by lock
    private boolean deregistered; // guarded by lock

    WorkerPresence(WorkerRegistry registry, WorkerIdentity identity, List<String> queues, int concurrency,
                   Duration heartbeat) {
        this.registry = registry;
        this.identity = identity;
        this.queues = List.copyOf(queues);
        this.concurrency = concurrency;
        this.heartbeat = heartbeat;
    }

    /** Registers the worker as started now. */
    void register() {
        synchronized (lock) {
            startedAt = JobStore.now();
        }
        beat();
    }

    /** Listed before a job is marked running, so that the row never shows a job running on us but not listed. */
    void jobStarting(String jobId) {
        currentJobs.add(jobId);
    }

    void jobEnded(String jobId) {
        currentJobs.remove(jobId);
    }

    /** Shows the worker as stopping (its shutdown grace period), at once. */
    void stopping() {
        state = STOPPING;
        beat();
    }

    /** Writes this worker's registry row now, and prunes the rows of workers long dead. */
    void beat() {
        synchronized (lock) {
            if (deregistered) {
                return;
            }
            try {
                Instant now = JobStore.now();
                registry.save(new WorkerInfo(identity.id(), identity.host(), identity.pid(), queues, concurrency,
                        heartbeat, state, List.copyOf(currentJobs), startedAt, now, true));
                if (prunedAt.plus(PRUNE_INTERVAL).isBefore(now)) {
                    registry.prune(now.minus(STALE_WORKER));
                    prunedAt = now;
                }
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not refresh its registry row: {}", identity.id(), e.toString());
            }
        }
    }

    /** A registry update soon on {@code timer}, off the job's thread; starts and finishes close together share one. */
    void touch(ScheduledExecutorService timer) {
        if (touchScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    touchScheduled.set(false);
                    beat();
                }, Math.min(MAX_TOUCH_DELAY_MILLIS, heartbeat.toMillis() / 4), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                touchScheduled.set(false); // closing: the registry row is about to go
            }
        }
    }

    /** Removes the row; no beat writes it again. */
    void deregister() {
        synchronized (lock) {
            deregistered = true;
            try {
                registry.remove(identity.id());
            } catch (RuntimeException e) {
                LOG.warn("Worker {} could not remove its registry row; it is pruned once stale: {}", identity.id(),
                        e.toString());
            }
        }
    }
}
