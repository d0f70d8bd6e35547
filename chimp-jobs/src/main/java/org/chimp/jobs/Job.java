package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.time.Instant;

/**
 * A job as stored in the database: the one record of truth about it, whatever the broker does. What was asked
 * for, where it is now, and what it came to are records of their own; the accessors below read through them, so
 * code that reads a job need not know which part holds a field.
 */
public record Job(JobSpec spec, JobStatus status, JobOutcome outcome) {
    public Job {
        if (spec == null || status == null || outcome == null) {
            throw new IllegalArgumentException("A job needs its spec, status and outcome (JobOutcome.NONE for none yet)");
        }
    }

    /** A job just submitted: queued, not yet run. */
    public static Job queued(JobSpec spec) {
        return new Job(spec, JobStatus.QUEUED, JobOutcome.NONE);
    }

    public String id() {
        return spec.id();
    }

    public String queue() {
        return spec.queue();
    }

    public String type() {
        return spec.type();
    }

    public JsonNode payload() {
        return spec.payload();
    }

    public int maxAttempts() {
        return spec.maxAttempts();
    }

    public int priority() {
        return spec.priority();
    }

    public String idempotencyKey() {
        return spec.idempotencyKey();
    }

    public JobCallbacks callbacks() {
        return spec.callbacks();
    }

    public Instant createdAt() {
        return spec.createdAt();
    }

    public JobState state() {
        return status.state();
    }

    public int attempts() {
        return status.attempts();
    }

    public Progress progress() {
        return status.progress();
    }

    public Instant startedAt() {
        return status.startedAt();
    }

    public String workerId() {
        return status.workerId();
    }

    public boolean cancelRequested() {
        return status.cancelRequested();
    }

    public Instant nextAttemptAt() {
        return status.nextAttemptAt();
    }

    public JsonNode result() {
        return outcome.result();
    }

    public String error() {
        return outcome.error();
    }

    public Instant finishedAt() {
        return outcome.finishedAt();
    }

    public boolean deadLettered() {
        return outcome.deadLettered();
    }

    public ArrayNode errorHistory() {
        return outcome.errorHistory();
    }

    /** From creation to the start of the current or last attempt (retries included); null until it starts. */
    public Duration queuedFor() {
        return startedAt() == null ? null : Duration.between(createdAt(), startedAt());
    }

    /** How long the last attempt ran; null until it finishes. */
    public Duration ranFor() {
        return startedAt() == null || finishedAt() == null ? null : Duration.between(startedAt(), finishedAt());
    }

    /** This job as a conditional update just started it as its next attempt on a worker, without reading it back. */
    Job startedAs(String worker, Instant at) {
        return new Job(spec, JobStatus.running(attempts() + 1, worker, at), outcome);
    }

    /** This job as a conditional update just ended it, without reading it back. */
    Job finishedAs(JobState to, JsonNode newResult, String newError, Instant at) {
        JobCallbacks c = callbacks();
        return new Job(spec.withCallbacks(new JobCallbacks(c.onSuccess(), c.onFailure(), c.forOutcome(to) != null, c.jobId())),
                new JobStatus(to, attempts(), progress(), startedAt(), workerId(), cancelRequested(), null),
                new JobOutcome(newResult, newError, at, to == JobState.FAILED, errorHistory()));
    }
}
