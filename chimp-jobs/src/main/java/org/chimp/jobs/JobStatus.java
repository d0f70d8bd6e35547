package org.chimp.jobs;

import java.time.Instant;

/**
 * Where a job is now.
 *
 * @param progress        null until the handler reports some
 * @param startedAt       when the current (or last) attempt started
 * @param workerId        the worker of the current or last attempt
 * @param cancelRequested someone asked to cancel it
 * @param nextAttemptAt   while queued for a retry after a failed attempt: not before then
 */
public record JobStatus(JobState state, int attempts, Progress progress, Instant startedAt, String workerId,
                        boolean cancelRequested, Instant nextAttemptAt) {
    /** Just submitted: queued, no attempt yet. */
    public static final JobStatus QUEUED = new JobStatus(JobState.QUEUED, 0, null, null, null, false, null);

    /** Running its {@code attempt}-th attempt (from 1), started {@code at} on a worker (null: not known). */
    public static JobStatus running(int attempt, String workerId, Instant at) {
        return new JobStatus(JobState.RUNNING, attempt, null, at, workerId, false, null);
    }
}
