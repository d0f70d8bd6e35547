package org.chimp.jobs;

import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.jobs.broker.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Submits jobs (record first, then publish) and reads and changes their records. */
public final class JobService {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_TEXT = 200;
    private static final int MAX_LIMIT = 1000;
    /** A state change can race a worker; re-reading a few times settles it. */
    private static final int RACE_RETRIES = 5;

    private final JobStore store;
    private final Broker broker;
    private final JobRecovery recovery;

    public JobService(DataSource ds, Broker broker) {
        this.store = new JobStore(ds);
        this.broker = broker;
        this.recovery = new JobRecovery(store, broker);
    }

    /**
     * Records and publishes a job; with an idempotency key already used, returns the existing job. The record is
     * written first, so once this returns the job is never lost: if publishing fails, the job stays queued and
     * {@link #recover()} publishes it again.
     */
    public Job submit(JobRequest request) {
        validate(request);
        if (request.idempotencyKey() != null) {
            Optional<Job> existing = store.findByIdempotencyKey(request.idempotencyKey());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        Job job = new Job(UUID.randomUUID().toString(), request.queue(), request.type(),
                request.payload() == null ? NullNode.getInstance() : request.payload(), JobState.QUEUED, 0,
                request.maxAttempts(), request.priority(), request.idempotencyKey(), null, null, null, JobStore.now(),
                null, null);
        try {
            store.insert(job);
        } catch (DataAccessException e) {
            if (e.isUniqueViolation() && request.idempotencyKey() != null) {
                // A concurrent submit with the same key won: its job is the one.
                return store.findByIdempotencyKey(request.idempotencyKey()).orElseThrow(() -> e);
            }
            throw e;
        }
        try {
            broker.publish(job.queue(), job.id(), job.priority());
        } catch (RuntimeException e) {
            LOG.warn("Job {} is recorded but could not be published ({}); the recovery sweep will publish it",
                    job.id(), e.toString());
        }
        return job;
    }

    /** The job, or a 404. */
    public Job get(String id) {
        return find(id).orElseThrow(() -> ClientErrorException.notFound("no job " + id));
    }

    /** The job if it exists. */
    public Optional<Job> find(String id) {
        return store.find(id);
    }

    /** Jobs filtered by state and queue (either may be null), newest first. */
    public List<Job> list(JobState state, String queue, int offset, int limit) {
        checkPage(offset, limit);
        return store.list(state, queue, offset, limit);
    }

    /** How many jobs {@link #list} pages through. */
    public long count(JobState state, String queue) {
        return store.count(state, queue);
    }

    /** Cancels a queued job at once, or flags a running one; a 409 for a finished job. */
    public Job cancel(String id) {
        for (int i = 0; i < RACE_RETRIES; i++) {
            Job job = get(id);
            if (job.state().isFinal()) {
                throw ClientErrorException.conflict("Job " + id + " is already " + job.state().name().toLowerCase()
                        + "; only queued or running jobs can be cancelled");
            }
            if (job.state() == JobState.QUEUED && store.cancelQueued(id)) {
                removeMessage(job);
                return get(id);
            }
            if (job.state() == JobState.RUNNING && store.requestCancel(id)) {
                return get(id);
            }
        }
        throw ClientErrorException.conflict("Job " + id + " kept changing state while being cancelled; try again");
    }

    /** Stores progress of a running job (a 404 if absent, a 409 if it is not running). */
    public void progress(String id, double fraction, String message) {
        if (Double.isNaN(fraction)) {
            throw ClientErrorException.invalid("A progress fraction must be a number in [0, 1], got NaN");
        }
        if (!store.progress(id, null, new Progress(fraction, message))) {
            throw ClientErrorException.conflict("Job " + id + " is " + get(id).state().name().toLowerCase()
                    + "; progress can only be reported while it runs");
        }
    }

    /**
     * Republishes queued jobs the broker has no message for (lost between record and publish); workers run this
     * at start and periodically. Returns how many were republished; always 0 for brokers that cannot tell.
     */
    public int recover() {
        return recovery.sweep();
    }

    JobStore store() {
        return store;
    }

    private void removeMessage(Job job) {
        try {
            broker.remove(job.queue(), job.id());
        } catch (RuntimeException e) {
            // Harmless: the message will be delivered and skipped because the job is final.
            LOG.debug("Could not remove the message of cancelled job {}", job.id(), e);
        }
    }

    private static void validate(JobRequest r) {
        if (r == null) {
            throw ClientErrorException.invalid("A job request is required");
        }
        if (r.queue() == null || !QUEUE.matcher(r.queue()).matches()) {
            throw ClientErrorException.invalid("The queue must be 1-100 letters, digits, '.', '_' or '-' starting with "
                    + "a letter or digit, got '" + r.queue() + "'");
        }
        if (r.type() == null || r.type().isBlank() || r.type().length() > MAX_TEXT) {
            throw ClientErrorException.invalid("The job type must be 1-" + MAX_TEXT + " characters, got '" + r.type() + "'");
        }
        if (r.priority() < 0 || r.priority() > 9) {
            throw ClientErrorException.invalid("The priority must be between 0 and 9 (most urgent), got " + r.priority());
        }
        if (r.maxAttempts() < 1 || r.maxAttempts() > 100) {
            throw ClientErrorException.invalid("maxAttempts must be between 1 and 100, got " + r.maxAttempts());
        }
        String key = r.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > MAX_TEXT)) {
            throw ClientErrorException.invalid("An idempotency key must be 1-" + MAX_TEXT + " characters, or null for none");
        }
    }

    private static void checkPage(int offset, int limit) {
        if (offset < 0) {
            throw ClientErrorException.invalid("offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ClientErrorException.invalid("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }
}
