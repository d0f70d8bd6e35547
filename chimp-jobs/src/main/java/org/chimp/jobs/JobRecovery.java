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
 * Republishes queued jobs that have no message in the broker: a submit recorded the job but crashed (or the
 * broker failed) before publishing. Only brokers that can tell which jobs have no message are swept (see
 * {@link Broker#missing}); a duplicate publish racing a submit is harmless because a duplicate delivery of a
 * job that is already running or final is skipped, and the embedded broker ignores a second publish anyway.
 */
final class JobRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JobRecovery.class);
    private static final int BATCH = 500;
    /**
     * Jobs changed more recently are left alone: a submit may be between recording and publishing them. Not
     * needed for correctness (a second publish is harmless) but it keeps the sweep from republishing, and
     * reporting, jobs that were never lost.
     */
    static final Duration MIN_AGE = Duration.ofSeconds(10);

    private final JobStore store;
    private final Broker broker;

    JobRecovery(JobStore store, Broker broker) {
        this.store = store;
        this.broker = broker;
    }

    /** Returns how many jobs were republished. */
    int sweep() {
        int republished = 0;
        String after = "";
        Instant before = JobStore.now().minus(MIN_AGE);
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
}
