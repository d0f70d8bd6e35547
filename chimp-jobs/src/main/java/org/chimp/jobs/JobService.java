package org.chimp.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.jobs.broker.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Submits jobs (record first, then publish), reads and changes their records, and lists the workers. */
public final class JobService {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_TEXT = 200;
    private static final int MAX_LIMIT = 1000;
    /** Jobs per {@link #submitAll}: one transaction and one broker call should stay short. */
    public static final int MAX_BATCH = 1000;
    /** A state change can race a worker; re-reading a few times settles it. */
    private static final int RACE_RETRIES = 5;

    private final JobStore store;
    private final Broker broker;
    private final Publisher publisher;
    private final JobRecovery recovery;
    private final WorkerRegistry workers;
    private final Callbacks callbacks;

    public JobService(DataSource ds, Broker broker) {
        this.store = new JobStore(ds);
        this.broker = broker;
        this.publisher = new Publisher(store, broker);
        this.workers = new WorkerRegistry(ds);
        this.callbacks = new Callbacks(this, store);
        this.recovery = new JobRecovery(store, publisher, callbacks);
    }

    /**
     * Records and publishes a job; with an idempotency key already used, returns the existing job. The record is
     * written first, with its publish pending, so once this returns the job is never lost: if publishing fails
     * (or the process dies before it), the job stays queued and pending and {@link #recover()} publishes it.
     */
    public Job submit(JobRequest request) {
        validate(request);
        Recorded r = record(request);
        if (r.created()) {
            try {
                publish(r.job());
            } catch (RuntimeException e) {
                LOG.warn("Job {} is recorded but could not be published ({}); the recovery sweep will publish it",
                        r.job().id(), e.toString());
            }
        }
        return r.job();
    }

    /**
     * Submits several jobs as {@link #submit} does, in the order given, but with one transaction for the records and
     * one broker call for the publishes (jobs with an idempotency key are recorded one by one, as a key may repeat).
     * Every request is checked before anything is recorded: one bad request changes nothing. This is how a caller
     * with many jobs at once (a block of on-chain requests, a sweep) gets the broker's throughput.
     */
    public List<Job> submitAll(List<JobRequest> requests) {
        if (requests == null || requests.isEmpty()) {
            throw ClientErrorException.invalid("At least one job request is required");
        }
        if (requests.size() > MAX_BATCH) {
            throw ClientErrorException.invalid("At most " + MAX_BATCH + " jobs can be submitted at once, got "
                    + requests.size() + "; split them");
        }
        for (int i = 0; i < requests.size(); i++) {
            try {
                validate(requests.get(i));
            } catch (ClientErrorException e) {
                throw ClientErrorException.invalid("Job request " + i + ": " + e.getMessage());
            }
        }
        List<Job> jobs = new ArrayList<>(requests.size());
        List<Job> created = new ArrayList<>();
        List<Job> fresh = new ArrayList<>();
        for (JobRequest request : requests) {
            if (request.idempotencyKey() != null) {
                Recorded r = record(request);
                jobs.add(r.job());
                if (r.created()) {
                    created.add(r.job());
                }
            } else {
                Job job = newJob(request);
                jobs.add(job);
                fresh.add(job);
            }
        }
        store.insertAll(fresh);
        created.addAll(fresh);
        try {
            publisher.publishAll(created);
        } catch (RuntimeException e) {
            LOG.warn("{} jobs are recorded but could not be published ({}); the recovery sweep will publish them",
                    created.size(), e.toString());
        }
        return jobs;
    }

    /**
     * Records a job (or finds the one with its idempotency key) and publishes it while it is queued, even if it
     * already existed: for callers that retry until this succeeds, so a failed publish must throw, and a job
     * recorded by an attempt that failed to publish must be published by the next. A duplicate message is
     * harmless (a delivery of a job that is not queued is skipped).
     */
    Job submitAndPublish(JobRequest request) {
        validate(request);
        Recorded r = record(request);
        Job job = r.job();
        if (r.created()) {
            publish(job);
        } else if (job.state() == JobState.QUEUED) {
            // Its flag (if still pending) is left to the sweep: we do not know which change set it.
            broker.publish(job.queue(), job.id(), job.priority());
        }
        return job;
    }

    /** Publishes a job just recorded (its {@code updated_at} is its creation time) and clears its flag. */
    private void publish(Job created) {
        publisher.publish(created.id(), created.queue(), created.priority(), created.createdAt());
    }

    private Recorded record(JobRequest request) {
        if (request.idempotencyKey() != null) {
            Optional<Job> existing = store.findByIdempotencyKey(request.idempotencyKey());
            if (existing.isPresent()) {
                return new Recorded(existing.get(), false);
            }
        }
        Job job = newJob(request);
        try {
            store.insert(job);
        } catch (DataAccessException e) {
            if (e.isUniqueViolation() && request.idempotencyKey() != null) {
                // A concurrent submit with the same key won: its job is the one.
                return new Recorded(store.findByIdempotencyKey(request.idempotencyKey()).orElseThrow(() -> e), false);
            }
            throw e;
        }
        return new Recorded(job, true);
    }

    private static Job newJob(JobRequest request) {
        return Job.queued(new JobSpec(UUID.randomUUID().toString(), request.queue(), request.type(),
                request.payload() == null ? NullNode.getInstance() : request.payload(), request.maxAttempts(),
                request.priority(), request.idempotencyKey(),
                new JobCallbacks(request.onSuccess(), request.onFailure(), false, null), JobStore.now()));
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
        return list(new JobFilter(state, queue, null), offset, limit);
    }

    /** Jobs matching the filter, newest first. */
    public List<Job> list(JobFilter filter, int offset, int limit) {
        checkPage(offset, limit);
        return store.list(filter, offset, limit);
    }

    /** How many jobs {@link #list} pages through. */
    public long count(JobState state, String queue) {
        return count(new JobFilter(state, queue, null));
    }

    /** How many jobs match the filter. */
    public long count(JobFilter filter) {
        return store.count(filter);
    }

    /** How many jobs are queued and running now, per queue and state (for metrics). */
    public List<JobCount> liveCounts() {
        return store.liveCounts();
    }

    /**
     * Runs a dead-lettered job again from scratch: attempts back to 0, queued, its last error moved to its error
     * history. A 409 for any other job, saying why.
     */
    public Job retry(String id) {
        for (int i = 0; i < RACE_RETRIES; i++) {
            Job job = get(id);
            if (!job.deadLettered()) {
                throw ClientErrorException.conflict("Job " + id + " is " + job.state().name().toLowerCase(Locale.ROOT)
                        + " and not dead-lettered; only jobs that failed for good can be retried");
            }
            if (job.callbacks().pending()) {
                throw ClientErrorException.conflict("Job " + id + "'s failure callback is still being submitted; "
                        + "try again in a few seconds");
            }
            ArrayNode history = job.errorHistory().deepCopy();
            history.addObject().put("error", job.error()).put("attempts", job.attempts())
                    .put("failed_at", String.valueOf(job.finishedAt()));
            Optional<Instant> requeuedAt = store.requeueDeadLettered(job, history);
            if (requeuedAt.isPresent()) {
                Job requeued = get(id); // read before publishing, so the caller sees it queued, not already running
                try {
                    publisher.publish(job.id(), job.queue(), job.priority(), requeuedAt.get());
                } catch (RuntimeException e) {
                    LOG.warn("Retried job {} could not be published ({}); the recovery sweep will publish it",
                            id, e.toString());
                }
                return requeued;
            }
        }
        throw ClientErrorException.conflict("Job " + id + " kept changing state while being retried; try again");
    }

    /** The registered workers, oldest first; silent ones (killed without closing) show as lost, not alive, with no jobs. */
    public List<WorkerInfo> workers() {
        return workers.list();
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
     * Republishes queued jobs whose publish is still pending well after it was asked for (lost between record and
     * publish, or the broker failed), with any broker, and submits callbacks left pending; workers run this at
     * start and periodically. Returns how many jobs were republished or had their callback submitted.
     */
    public int recover() {
        return recovery.sweep();
    }

    JobStore store() {
        return store;
    }

    WorkerRegistry registry() {
        return workers;
    }

    Callbacks callbacks() {
        return callbacks;
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
        validateTarget(r.queue(), r.type(), "The ");
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
        validate(r.onSuccess(), "onSuccess");
        validate(r.onFailure(), "onFailure");
    }

    private static void validate(Callback cb, String which) {
        if (cb == null) {
            return;
        }
        validateTarget(cb.queue(), cb.type(), "The " + which + " callback's ");
        if (cb.payload() != null && !cb.payload().isNull() && !cb.payload().isObject()) {
            throw ClientErrorException.invalid("The " + which + " callback's payload must be a JSON object (or null), "
                    + "since the parent job's outcome is added to it as '" + Callback.PARENT_FIELD + "'");
        }
        if (cb.payload() != null && cb.payload().has(Callback.PARENT_FIELD)) {
            throw ClientErrorException.invalid("The " + which + " callback's payload must not have a '"
                    + Callback.PARENT_FIELD + "' field: it is filled in with the parent job's outcome");
        }
    }

    private static void validateTarget(String queue, String type, String prefix) {
        if (queue == null || !QUEUE.matcher(queue).matches()) {
            throw ClientErrorException.invalid(prefix + "queue must be 1-100 letters, digits, '.', '_' or '-' starting "
                    + "with a letter or digit, got '" + queue + "'");
        }
        if (type == null || type.isBlank() || type.length() > MAX_TEXT) {
            throw ClientErrorException.invalid(prefix + "job type must be 1-" + MAX_TEXT + " characters, got '" + type + "'");
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

    /** A job and whether this submit created it (false: its idempotency key was used before). */
    private record Recorded(Job job, boolean created) {
    }
}
