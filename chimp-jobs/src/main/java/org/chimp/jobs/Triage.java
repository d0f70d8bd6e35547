package org.chimp.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Decides what a delivery of a job needs, from the job record alone: no broker, no database, no threads, so each
 * case is a line of a table in its test. The {@link Worker} carries the decision out.
 */
final class Triage {
    /** What to do with a delivery. */
    enum Action {
        /** No such job: ack the message and drop it. */
        DROP,
        /** A duplicate delivery of a final job: finish what a crash may have left (its callback), then ack. */
        ACK_FINAL,
        /** Not now: give the message back to be delivered again after {@link Decision#delay}. */
        RELEASE,
        /** End the job unrun in {@link Decision#end} with {@link Decision#error}, then ack. */
        END,
        /** Run it. */
        START
    }

    /**
     * @param delay for {@link Action#RELEASE}
     * @param end   for {@link Action#END}: the final state
     * @param error for {@link Action#END}: the error to record (null for a cancel)
     */
    record Decision(Action action, Duration delay, JobState end, String error) {
        static final Decision DROP = new Decision(Action.DROP, null, null, null);
        static final Decision ACK_FINAL = new Decision(Action.ACK_FINAL, null, null, null);
        static final Decision START = new Decision(Action.START, null, null, null);

        static Decision release(Duration delay) {
            return new Decision(Action.RELEASE, delay, null, null);
        }

        static Decision end(JobState state, String error) {
            return new Decision(Action.END, null, state, error);
        }
    }

    private final Set<String> handledTypes;

    /** @param handledTypes the job types this worker has a handler for */
    Triage(Set<String> handledTypes) {
        this.handledTypes = Set.copyOf(handledTypes);
    }

    /**
     * @param job              the job the delivery names, null if there is no such job
     * @param now              the database clock
     * @param onALiveWorker    the job is running on a worker whose registry row says it is alive and on it
     * @param visibilityTimeout the broker's: how long to hold back a job a live worker still runs
     */
    Decision decide(Job job, Instant now, boolean onALiveWorker, Duration visibilityTimeout) {
        if (job == null) {
            return Decision.DROP;
        }
        if (job.state().isFinal()) {
            return Decision.ACK_FINAL;
        }
        if (job.state() == JobState.RUNNING && onALiveWorker) {
            // Its worker is alive and on it: the message came back only because a heartbeat came too late.
            return Decision.release(visibilityTimeout);
        }
        if (job.cancelRequested()) {
            return Decision.end(JobState.CANCELLED, null);
        }
        if (job.state() == JobState.QUEUED && job.nextAttemptAt() != null && job.nextAttemptAt().isAfter(now)) {
            // A duplicate message (a republish) of a job waiting out its retry backoff: not before its time.
            return Decision.release(Duration.between(now, job.nextAttemptAt()));
        }
        if (job.attempts() >= job.maxAttempts()) {
            // Only a worker that died mid-attempt leaves a job running with its attempts used up.
            return Decision.end(JobState.FAILED, job.state() == JobState.RUNNING
                    ? "worker died; attempts exhausted" : "attempts exhausted");
        }
        if (!handledTypes.contains(job.type())) {
            return Decision.end(JobState.FAILED, "No handler for job type '" + job.type() + "' on queue '"
                    + job.queue() + "'; the workers on this queue handle " + handledTypes);
        }
        return Decision.START;
    }
}
