package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.chimp.db.DataAccessException;
import org.chimp.jobs.JobStore.Outcome;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the outcomes of a worker's attempts and then acks their messages, on a thread of its own: outcomes that
 * arrive together (many short jobs, several handler threads) share one transaction and one ack call, which is
 * where a busy worker's throughput comes from. Handler threads hand an outcome over and take the next job at
 * once; the job stays running in the database until its outcome is stored, which takes milliseconds.
 * <p>
 * The order per job is the same as settling inline: outcome stored, then its callback submitted, then the ack.
 * A crash in between leaves the message unacked, and its redelivery finds the job final and only finishes the
 * callback and the ack.
 */
final class Settler {
    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    /** Outcomes stored per transaction at most. */
    private static final int MAX_BATCH = 256;
    private static final long POLL_MILLIS = 100;
    /** How long outcomes are tried again while the database fails before they are given up (jobs then run again). */
    static final Duration STORE_PATIENCE = Duration.ofSeconds(10);
    private static final Duration FIRST_STORE_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_STORE_RETRY = Duration.ofSeconds(2);

    private final JobService jobs;
    private final JobStore store;
    private final Broker broker;
    private final Backoff backoff;
    private final BlockingQueue<Settlement> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;

    Settler(JobService jobs, Broker broker, Backoff backoff, String name) {
        this.jobs = jobs;
        this.store = jobs.store();
        this.broker = broker;
        this.backoff = backoff;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** An attempt's handler returned {@code result} or threw {@code failure}; stores it soon. */
    void submit(Attempt attempt, JsonNode result, Throwable failure) {
        queue.add(new Settlement(attempt, result, failure, failure == null ? null : JobErrors.describe(attempt.job(), failure)));
    }

    /** Stores what was submitted so far, waiting up to {@code timeout}, then stops the thread. */
    void close(Duration timeout) {
        stopping = true;
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} outcomes were not stored before shutdown; their jobs are delivered again", queue.size());
        }
    }

    private void loop() {
        List<Settlement> batch = new ArrayList<>();
        while (true) {
            try {
                Settlement first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                settleAll(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("{} job outcomes could not be stored; their jobs will be delivered again after the "
                        + "visibility timeout", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Final outcomes in one transaction, conditional on no cancel having been requested, so the common case needs
     * no extra read; retries one by one (they are rare). An outcome that was not stored means a cancel came in
     * meanwhile, or a newer attempt took the job over.
     */
    private void settleAll(List<Settlement> batch) {
        List<Settlement> finals = new ArrayList<>(batch.size());
        List<Delivery> acks = new ArrayList<>(batch.size());
        for (Settlement s : batch) {
            if (s.retryable() && retry(s)) {
                continue;
            }
            if (s.retryable()) {
                cancelled(s, acks);
            } else {
                finals.add(s);
            }
        }
        boolean[] stored = storeFinals(finals.stream().map(Settlement::outcome).toList());
        for (int i = 0; i < stored.length; i++) {
            Settlement s = finals.get(i);
            if (!stored[i]) {
                cancelled(s, acks);
                continue;
            }
            if (s.failure != null) {
                LOG.info("Job {} failed after {} attempt(s); it is dead-lettered: {}", s.job().id(), s.job().attempts(),
                        s.error);
            }
            Outcome o = s.outcome();
            dispatchCallback(s.job().finishedAs(o.to(), o.result(), o.error(), JobStore.now()));
            acks.add(s.attempt.delivery());
        }
        if (!acks.isEmpty()) {
            broker.ackAll(acks);
        }
    }

    /**
     * Stores final outcomes, trying again for up to {@link #STORE_PATIENCE} while the database fails (a restart, a
     * dropped connection): dropped, each job would run again once its message came back. A try that failed
     * changed nothing; one that committed but lost its answer makes the next find the jobs final and store
     * nothing, and their redelivered messages are then only acked.
     */
    private boolean[] storeFinals(List<Outcome> outcomes) {
        long giveUp = System.nanoTime() + STORE_PATIENCE.toNanos();
        for (Duration wait = FIRST_STORE_RETRY; ; wait = min(wait.multipliedBy(2), LAST_STORE_RETRY)) {
            try {
                return store.finishAll(outcomes);
            } catch (DataAccessException e) {
                if (stopping || System.nanoTime() + wait.toNanos() > giveUp) {
                    throw e;
                }
                LOG.warn("{} job outcomes could not be stored, trying again in {} ms: {}", outcomes.size(),
                        wait.toMillis(), e.getCause() == null ? e.toString() : e.getCause().toString());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Queues the job again for a later attempt and releases its message for then; false if that raced. */
    private boolean retry(Settlement s) {
        Job job = s.job();
        int n = job.attempts();
        Duration delay = backoff.delay(n);
        if (!store.retryLater(job.id(), n, s.error, JobStore.now().plus(delay))) {
            return false;
        }
        LOG.info("Job {} attempt {} failed, retrying in {} ms: {}", job.id(), n, delay.toMillis(), s.error);
        broker.release(s.attempt.delivery(), delay);
        return true;
    }

    /** However the handler ended, the caller asked to stop: a returned result is kept as partial output. */
    private void cancelled(Settlement s, List<Delivery> acks) {
        Job job = s.job();
        if (store.finish(job.id(), JobState.RUNNING, job.attempts(), JobState.CANCELLED, s.result, null, true)) {
            dispatchCallback(job.finishedAs(JobState.CANCELLED, s.result, null, JobStore.now()));
            acks.add(s.attempt.delivery());
            return;
        }
        LOG.info("Job {} attempt {} finished after another worker took the job over; its outcome is dropped",
                job.id(), job.attempts());
    }

    /** Submits the callback of a job just ended; a failed submit is left to the recovery sweep. */
    void dispatchCallback(Job ended) {
        try {
            jobs.callbacks().dispatch(ended);
        } catch (RuntimeException e) {
            LOG.warn("The callback of job {} could not be submitted; the recovery sweep will retry: {}", ended.id(),
                    e.toString());
        }
    }

    /** What an attempt's handler did; {@code error} is the failure as callers see it (see {@link JobErrors}). */
    private record Settlement(Attempt attempt, JsonNode result, Throwable failure, String error) {
        Job job() {
            return attempt.job();
        }

        /** Failed in a way another attempt may fix, with attempts left. */
        boolean retryable() {
            return failure != null && !JobErrors.permanent(failure) && job().attempts() < job().maxAttempts();
        }

        /** The final state this attempt stores: its result, its client error, or its last failure. */
        Outcome outcome() {
            Job job = job();
            int n = job.attempts();
            if (failure == null) {
                return new Outcome(job.id(), JobState.RUNNING, n, JobState.SUCCEEDED, result, null, false);
            }
            String error = JobErrors.permanent(failure) ? error() : "failed after " + n + " attempts: " + error();
            return new Outcome(job.id(), JobState.RUNNING, n, JobState.FAILED, null, error, false);
        }
    }
}
