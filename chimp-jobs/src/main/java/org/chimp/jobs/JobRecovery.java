package org.chimp.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.chimp.jobs.broker.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what a crash (or a failing broker) left half done:
 * <ul>
 * <li>republishes queued jobs that have no message in the broker (a submit recorded the job but crashed before
 * publishing). Only brokers that can tell which jobs have no message are swept (see {@link Broker#missing}); a
 * duplicate publish racing a submit is harmless because a duplicate delivery of a job that is already running
 * or final is skipped, and the embedded broker ignores a second publish anyway;</li>
 * <li>submits callbacks still pending after their parent's outcome was stored (with any broker: submitting one
 * is idempotent).</li>
 * </ul>
 */
final class JobRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JobRecovery.class);
    private static final int BATCH = 500;
    /**
     * Jobs changed more recently are left alone: a submit may be between recording and publishing them, a worker
     * between storing an outcome and submitting its callback. Not needed for correctness (a second publish or
     * callback submit is harmless) but it keeps the sweep from repeating, and reporting, work that was never lost.
     */
    static final Duration MIN_AGE = Duration.ofSeconds(10);

    private final JobStore store;
    private final Broker broker;
    private final Callbacks callbacks;

    JobRecovery(JobStore store, Broker broker, Callbacks callbacks) {
        this.store = store;
        this.broker = broker;
        this.callbacks = callbacks;
    }

    /** Returns how many jobs were republished or had their callback submitted. */
    int sweep() {
        Instant before = JobStore.now().minus(MIN_AGE);
        return republishLost(before) + submitPendingCallbacks(before);
    }

    private int republishLost(Instant before) {
        int republished = 0;
        String after = "";
        while (true) {
            List<Job> queued = store.queuedAfter(after, before, BATCH);
            if (queued.isEmpty()) {
                break;
            }
            Optional<Set<String>> missing = broker.missing(queued.stream().map(Job::id).toList());
            if (missing.isEmpty()) {
                return 0;
            }
            for (Job job : queued) {
                if (missing.get().contains(job.id())) {
                    broker.publish(job.queue(), job.id(), job.priority());
                    republished++;
                }
            }
            after = queued.get(queued.size() - 1).id();
        }
        if (republished > 0) {
            LOG.warn("Republished {} queued job(s) whose message was lost before reaching the broker", republished);
        }
        return republished;
    }

    private int submitPendingCallbacks(Instant before) {
        int submitted = 0;
        String after = "";
        while (true) {
            List<Job> pending = store.callbacksPendingAfter(after, before, BATCH);
            if (pending.isEmpty()) {
                break;
            }
            for (Job parent : pending) {
                try {
                    callbacks.dispatch(parent);
                    submitted++;
                } catch (RuntimeException e) {
                    LOG.warn("The callback of job {} could not be submitted; the next sweep tries again: {}",
                            parent.id(), e.toString());
                }
            }
            after = pending.get(pending.size() - 1).id();
        }
        if (submitted > 0) {
            LOG.warn("Submitted {} callback(s) left pending by a crash or a failing broker", submitted);
        }
        return submitted;
    }
}
