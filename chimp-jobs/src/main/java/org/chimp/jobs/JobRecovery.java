package org.chimp.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what a crash (or a failing broker) left half done:
 * <ul>
 * <li>republishes queued jobs whose publish is still pending (see {@link Publisher}): a submit or retry recorded
 * the job but crashed, or the broker failed, before the publish was confirmed. Works with every broker, since it
 * needs nothing from the broker; a duplicate message (the publish went through but clearing the flag did not) is
 * harmless because workers skip deliveries of jobs that are running or final;</li>
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
    private final Publisher publisher;
    private final Callbacks callbacks;

    JobRecovery(JobStore store, Publisher publisher, Callbacks callbacks) {
        this.store = store;
        this.publisher = publisher;
        this.callbacks = callbacks;
    }

    /** Returns how many jobs were republished or had their callback submitted. */
    int sweep() {
        Instant before = JobStore.now().minus(MIN_AGE);
        return republishPending(before) + submitPendingCallbacks(before);
    }

    /** A failing broker ends the sweep (the next one tries again) rather than failing every job in turn. */
    private int republishPending(Instant before) {
        int republished = 0;
        String after = "";
        try {
            while (true) {
                List<JobStore.Unpublished> pending = store.unpublishedAfter(after, before, BATCH);
                if (pending.isEmpty()) {
                    break;
                }
                for (JobStore.Unpublished job : pending) {
                    publisher.publish(job.id(), job.queue(), job.priority(), job.updatedAt());
                    republished++;
                }
                after = pending.get(pending.size() - 1).id();
            }
        } catch (RuntimeException e) {
            LOG.warn("Republishing queued jobs failed after {}; the next sweep tries again: {}", republished, e.toString());
        }
        if (republished > 0) {
            LOG.warn("Republished {} queued job(s) whose publish was not confirmed", republished);
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
