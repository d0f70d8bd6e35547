package org.chimp.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * The SQL behind jobs ({@code jobs_jobs}). Every state change is a conditional update on the state and the
 * attempt number the caller saw: the attempt number fences a worker whose delivery was handed to another
 * worker, so its late result is dropped instead of overwriting the newer attempt's.
 * <p>
 * A transaction that writes several jobs writes them in job id order, one statement per job (see
 * {@link #inIdOrder}), whatever order the caller gave: concurrent ones then wait for each other instead of
 * deadlocking. A worker starting jobs in the order the broker delivered them while their submitter cleared their
 * publish flags in submit order did deadlock (H2 40001). Should a database still roll one back for a conflict, it
 * is run again: it changed nothing, and its statements are conditional on what the caller saw.
 */
final class JobStore {
    /**
     * Reads and writes the JSON columns (payloads, results, callbacks, error history): plain Jackson, since they hold
     * only what this class wrote; persistence needs none of the HTTP endpoints' JSON configuration. Fields a later
     * version of {@link Callback} drops are ignored, as they were.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String COLUMNS = "id, queue, type, payload, state, attempts, max_attempts, priority, "
            + "idempotency_key, progress_fraction, progress_message, result, error, created_at, started_at, finished_at, "
            + "cancel_requested, dead_lettered, error_history, worker_id, on_success, on_failure, callback_pending, "
            + "callback_job_id, next_attempt_at";

    private final DataSource ds;
    /** PostgreSQL lets a transaction skip waiting for its WAL flush (see {@link #startAll}). */
    private final boolean postgres;

    JobStore(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "jobs");
        this.postgres = "PostgreSQL".equals(Jdbc.withConnection(ds, c -> c.getMetaData().getDatabaseProductName()));
    }

    private static final String INSERT = "INSERT INTO jobs_jobs (id, queue, type, payload, state, attempts, "
            + "max_attempts, priority, idempotency_key, cancel_requested, created_at, updated_at, on_success, on_failure, "
            + "publish_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?, ?, TRUE)";
    private static final String START = "UPDATE jobs_jobs SET state = 'RUNNING', attempts = attempts + 1, "
            + "started_at = ?, updated_at = ?, next_attempt_at = NULL, progress_fraction = NULL, progress_message = NULL, "
            + "worker_id = ?, publish_pending = FALSE WHERE id = ? AND state = ? AND attempts = ? AND cancel_requested = FALSE";
    private static final String PUBLISHED = "UPDATE jobs_jobs SET publish_pending = FALSE WHERE id = ? AND updated_at = ? "
            + "AND publish_pending = TRUE";
    /** Id lists in one query are padded to a power of two, so that a handful of statement texts serve every size. */
    private static final int MAX_IDS = 256;
    /** Runs of a transaction rolled back for a conflict (see {@link Jdbc#CONFLICTS}) before the failure is thrown. */
    private static final int ATTEMPTS = 3;

    /** Inserts a job with its publish pending (see {@link #published}); its {@code updated_at} is its creation time. */
    void insert(Job job) {
        update(INSERT, insertArgs(job));
    }

    /** Inserts jobs as {@link #insert} does, all in one transaction: all of them or none. */
    void insertAll(List<Job> jobs) {
        inTransaction(c -> inIdOrder(c, INSERT, jobs, Job::id, JobStore::insertArgs));
    }

    private static Object[] insertArgs(Job job) {
        JobCallbacks cb = job.callbacks();
        return new Object[] {job.id(), job.queue(), job.type(), json(job.payload()), job.state().name(), job.attempts(),
                job.maxAttempts(), job.priority(), job.idempotencyKey(), job.createdAt(), job.createdAt(),
                callbackJson(cb.onSuccess()), callbackJson(cb.onFailure())};
    }

    Optional<Job> find(String id) {
        return one("SELECT " + COLUMNS + " FROM jobs_jobs WHERE id = ?", id);
    }

    /** The jobs that exist among these ids, by id. */
    Map<String, Job> findAll(Collection<String> ids) {
        Map<String, Job> found = new HashMap<>();
        List<String> all = List.copyOf(new LinkedHashSet<>(ids));
        for (int from = 0; from < all.size(); from += MAX_IDS) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_IDS));
            int n = chunk.size();
            Object[] args = new Object[n == 1 ? 1 : Integer.highestOneBit(n - 1) << 1];
            for (int i = 0; i < args.length; i++) {
                args[i] = chunk.get(Math.min(i, chunk.size() - 1)); // padding repeats the last id
            }
            String marks = String.join(", ", Collections.nCopies(args.length, "?"));
            query("SELECT " + COLUMNS + " FROM jobs_jobs WHERE id IN (" + marks + ")", args)
                    .forEach(j -> found.put(j.id(), j));
        }
        return found;
    }

    Optional<Job> findByIdempotencyKey(String key) {
        return one("SELECT " + COLUMNS + " FROM jobs_jobs WHERE idempotency_key = ?", key);
    }

    /** Newest first. */
    List<Job> list(JobFilter filter, int offset, int limit) {
        Where w = Where.of(filter);
        return query("SELECT " + COLUMNS + " FROM jobs_jobs" + w.sql + " ORDER BY created_at DESC, id DESC LIMIT "
                + limit + " OFFSET " + offset, w.params.toArray());
    }

    long count(JobFilter filter) {
        Where w = Where.of(filter);
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT COUNT(*) FROM jobs_jobs" + w.sql, rs -> rs.getLong(1),
                w.params.toArray())).orElseThrow();
    }

    /**
     * How many jobs are queued and running, per queue (one grouped read of the state index; finished jobs, which
     * only grow, are not counted here).
     */
    List<JobCount> liveCounts() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT queue, state, COUNT(*) FROM jobs_jobs "
                + "WHERE state IN ('QUEUED', 'RUNNING') GROUP BY queue, state ORDER BY queue, state",
                rs -> new JobCount(rs.getString(1), JobState.valueOf(rs.getString(2)), rs.getLong(3))));
    }

    /**
     * Queued jobs whose publish is still pending and that are unchanged since before {@code before}, in id order
     * after {@code afterId}, for the recovery sweep.
     */
    List<Unpublished> unpublishedAfter(String afterId, Instant before, int limit) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT id, queue, priority, updated_at FROM jobs_jobs "
                        + "WHERE publish_pending = TRUE AND updated_at < ? AND id > ? AND state = 'QUEUED' ORDER BY id LIMIT "
                        + limit, rs -> new Unpublished(rs.getString(1), rs.getString(2), rs.getInt(3),
                        Sql.instant(rs, "updated_at")), before, afterId));
    }

    /**
     * The broker confirmed the publish that the job's change at {@code updatedAt} asked for. Fenced by that time:
     * a later change that asked for a publish of its own keeps its flag.
     */
    void published(String id, Instant updatedAt) {
        update(PUBLISHED, id, updatedAt);
    }

    /** {@link #published} for several jobs (each as changed at its creation time), in one transaction. */
    void publishedAll(List<Job> created) {
        inTransaction(c -> inIdOrder(c, PUBLISHED, created, Job::id, j -> new Object[] {j.id(), j.createdAt()}));
    }

    /** Final jobs whose callback was not submitted yet, unchanged since before {@code before}, in id order. */
    List<Job> callbacksPendingAfter(String afterId, Instant before, int limit) {
        return query("SELECT " + COLUMNS + " FROM jobs_jobs WHERE callback_pending = TRUE AND updated_at < ? AND id > ? "
                + "ORDER BY id LIMIT " + limit, before, afterId);
    }

    boolean cancelRequested(String id) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT cancel_requested FROM jobs_jobs WHERE id = ?",
                rs -> rs.getBoolean(1), id)).orElse(false);
    }

    /** Queued → cancelled. */
    boolean cancelQueued(String id) {
        return update("UPDATE jobs_jobs SET state = 'CANCELLED', cancel_requested = TRUE, finished_at = ?, updated_at = ?, "
                + "next_attempt_at = NULL WHERE id = ? AND state = 'QUEUED'", now(), now(), id) == 1;
    }

    /** Flags a running job; its handler sees it through {@link JobContext#cancelled()}. */
    boolean requestCancel(String id) {
        return update("UPDATE jobs_jobs SET cancel_requested = TRUE, updated_at = ? WHERE id = ? AND state = 'RUNNING'",
                now(), id) == 1;
    }

    /** Stores progress of a running job; with an attempt number, only if that attempt is still the current one. */
    boolean progress(String id, Integer attempt, Progress p) {
        String sql = "UPDATE jobs_jobs SET progress_fraction = ?, progress_message = ?, updated_at = ? WHERE id = ? "
                + "AND state = 'RUNNING'";
        return attempt == null
                ? update(sql, p.fraction(), p.message(), now(), id) == 1
                : update(sql + " AND attempts = ?", p.fraction(), p.message(), now(), id, attempt) == 1;
    }

    /** Queued or running (a dead worker's attempt) → running as the next attempt. */
    boolean start(String id, JobState from, int attempts) {
        return start(id, from, attempts, null, now());
    }

    /**
     * Starts the job as it was read as its next attempt on a worker; returns the running job without reading it
     * back, or empty if it changed since it was read (or a cancel was requested).
     */
    Optional<Job> start(Job job, String workerId) {
        return startAll(List.of(job), workerId).get(0);
    }

    /**
     * {@link #start(Job, String)} for several jobs in one transaction; each element of the result says whether
     * that job started (and how it runs now) or had changed since it was read.
     */
    List<Optional<Job>> startAll(List<Job> jobs, String workerId) {
        Instant now = now();
        // A delivery proves the job has a message: a publish still pending is no longer needed.
        int[] changed = inTransaction(c -> {
            if (postgres) {
                // Marking jobs running need not wait for the disk: a database crash that lost it leaves the job
                // queued at its previous attempt, so the worker's outcome (conditional on this attempt) is dropped
                // unacked and the job runs again; at least once, as with any crash. Outcomes and submits still
                // wait for the flush. Halves the fsyncs per job.
                Sql.update(c, "SET LOCAL synchronous_commit TO OFF");
            }
            return inIdOrder(c, START, jobs, Job::id,
                    j -> new Object[] {now, now, workerId, j.id(), j.state().name(), j.attempts()});
        });
        List<Optional<Job>> started = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            started.add(changed[i] == 1 ? Optional.of(jobs.get(i).startedAs(workerId, now)) : Optional.empty());
        }
        return started;
    }

    private boolean start(String id, JobState from, int attempts, String workerId, Instant now) {
        return update(START, now, now, workerId, id, from.name(), attempts) == 1;
    }

    /** Ends the job in a final state with its result and error, whatever its cancel flag. */
    boolean finish(String id, JobState from, int attempts, JobState to, JsonNode result, String error) {
        return finish(id, from, attempts, to, result, error, null);
    }

    /**
     * Ends the job in a final state with its result and error, only if its cancel flag is {@code cancelRequested}
     * (null: whatever it is). A failure dead-letters the job; a final state with a callback marks it pending in
     * the same statement, so that a crash right after cannot lose it.
     */
    boolean finish(String id, JobState from, int attempts, JobState to, JsonNode result, String error,
                   Boolean cancelRequested) {
        return finishAll(List.of(new Outcome(id, from, attempts, to, result, error, cancelRequested)))[0];
    }

    /**
     * Stores outcomes as {@link #finish} does, in one transaction; each element of the result says whether that
     * outcome was stored.
     */
    boolean[] finishAll(List<Outcome> outcomes) {
        Instant now = now();
        int[] changed = inTransaction(c -> inIdOrder(c, Outcome.SQL, outcomes, Outcome::id, o -> o.args(now)));
        boolean[] stored = new boolean[outcomes.size()];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = changed[i] == 1;
        }
        return stored;
    }

    /**
     * Runs {@code sql} once per item, with the item's {@code args}, as one JDBC batch in the order of the items'
     * job ids; each run must touch only that job's row. A transaction locks rows in the order its statements run,
     * so transactions that all write in id order cannot wait for each other in a cycle; the caller's order (or a
     * single {@code WHERE id IN (...)}, whose lock order neither database defines) would not give that.
     *
     * @return the rows each item's statement changed, in the caller's order
     */
    private static <T> int[] inIdOrder(Connection c, String sql, List<T> items, Function<T, String> id,
                                       Function<T, Object[]> args) throws SQLException {
        int[] order = IntStream.range(0, items.size()).boxed()
                .sorted(Comparator.comparing(i -> id.apply(items.get(i)))).mapToInt(Integer::intValue).toArray();
        int[] counts = Sql.batch(c, sql, Arrays.stream(order).mapToObj(i -> args.apply(items.get(i))).toList());
        int[] changed = new int[items.size()];
        for (int k = 0; k < order.length; k++) {
            changed[order[k]] = counts[k];
        }
        return changed;
    }

    /** Runs {@code work} in a transaction, again if the database rolled it back for a conflict with another. */
    private <T> T inTransaction(Jdbc.SqlWork<T> work) {
        return Jdbc.inTransaction(ds, Jdbc.CONFLICTS, ATTEMPTS, work);
    }

    /** Running → queued for another attempt at {@code next}, keeping the error; not once a cancel was requested. */
    boolean retryLater(String id, int attempts, String error, Instant next) {
        return update("UPDATE jobs_jobs SET state = 'QUEUED', error = ?, next_attempt_at = ?, updated_at = ? "
                        + "WHERE id = ? AND state = 'RUNNING' AND attempts = ? AND cancel_requested = FALSE",
                error, next, now(), id, attempts) == 1;
    }

    /** Running → queued without counting the attempt: the worker shut down, the job did not fail. */
    boolean giveBack(String id, int attempts) {
        return update("UPDATE jobs_jobs SET state = 'QUEUED', attempts = attempts - 1, updated_at = ? "
                + "WHERE id = ? AND state = 'RUNNING' AND attempts = ?", now(), id, attempts) == 1;
    }

    /**
     * A dead-lettered job (as it was read: same failure time) → queued with its attempts reset, its error moved to
     * {@code history}, its publish pending. Not while its failure callback is still pending, which the state
     * change would lose. Returns the time of the change (for {@link #published}), or empty if the job changed.
     */
    Optional<Instant> requeueDeadLettered(Job job, ArrayNode history) {
        Instant now = now();
        boolean requeued = update("UPDATE jobs_jobs SET state = 'QUEUED', attempts = 0, dead_lettered = FALSE, error = NULL, "
                        + "result = NULL, error_history = ?, progress_fraction = NULL, progress_message = NULL, "
                        + "started_at = NULL, finished_at = NULL, next_attempt_at = NULL, cancel_requested = FALSE, "
                        + "publish_pending = TRUE, updated_at = ? WHERE id = ? AND state = 'FAILED' AND dead_lettered = TRUE "
                        + "AND callback_pending = FALSE AND finished_at = ?",
                json(history), now, job.id(), job.finishedAt()) == 1;
        return requeued ? Optional.of(now) : Optional.empty();
    }

    /** The callback of a final job was submitted as {@code callbackJobId}. */
    void callbackSubmitted(String id, String callbackJobId) {
        update("UPDATE jobs_jobs SET callback_pending = FALSE, callback_job_id = ? WHERE id = ?", callbackJobId, id);
    }

    private Optional<Job> one(String sql, Object... params) {
        return query(sql, params).stream().findFirst();
    }

    private List<Job> query(String sql, Object... params) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, sql, JobStore::read, params));
    }

    private int update(String sql, Object... params) {
        return Jdbc.withConnection(ds, c -> Sql.update(c, sql, params));
    }

    private static Job read(ResultSet rs) throws SQLException {
        double fraction = rs.getDouble("progress_fraction");
        Progress progress = rs.wasNull() ? null : new Progress(fraction, rs.getString("progress_message"));
        String result = rs.getString("result");
        String history = rs.getString("error_history");
        JobCallbacks callbacks = new JobCallbacks(callback(rs.getString("on_success")), callback(rs.getString("on_failure")),
                rs.getBoolean("callback_pending"), rs.getString("callback_job_id"));
        JobSpec spec = new JobSpec(rs.getString("id"), rs.getString("queue"), rs.getString("type"),
                parse(rs.getString("payload")), rs.getInt("max_attempts"), rs.getInt("priority"),
                rs.getString("idempotency_key"), callbacks, Sql.instant(rs, "created_at"));
        JobStatus status = new JobStatus(JobState.valueOf(rs.getString("state")), rs.getInt("attempts"), progress,
                Sql.instant(rs, "started_at"), rs.getString("worker_id"), rs.getBoolean("cancel_requested"),
                Sql.instant(rs, "next_attempt_at"));
        JobOutcome outcome = new JobOutcome(result == null ? null : parse(result), rs.getString("error"),
                Sql.instant(rs, "finished_at"), rs.getBoolean("dead_lettered"),
                history == null ? null : (ArrayNode) parse(history));
        return new Job(spec, status, outcome);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String callbackJson(Callback cb) {
        return cb == null ? null : json(MAPPER.valueToTree(cb));
    }

    private static Callback callback(String text) {
        try {
            return text == null ? null : MAPPER.readValue(text, Callback.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The jobs table holds an invalid callback", e);
        }
    }

    static String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The jobs table holds invalid JSON", e);
        }
    }

    /**
     * A final state to store for a job, if it is still {@code from} at {@code attempts} and its cancel flag is
     * {@code cancelRequested} (null: whatever it is). A failure dead-letters the job; a final state with a callback
     * marks it pending in the same statement, so that a crash right after cannot lose it.
     */
    record Outcome(String id, JobState from, int attempts, JobState to, JsonNode result, String error,
                   Boolean cancelRequested) {
        /**
         * One statement for every kind of outcome, so that a transaction storing several is one batch in job id
         * order: the kind is in the parameters (dead-lettered, which callback makes it pending, the cancel flags
         * accepted) rather than in the text.
         */
        static final String SQL = "UPDATE jobs_jobs SET state = ?, result = ?, error = ?, finished_at = ?, "
                + "updated_at = ?, next_attempt_at = NULL, dead_lettered = ?, "
                + "callback_pending = ((? AND on_success IS NOT NULL) OR (? AND on_failure IS NOT NULL)) "
                + "WHERE id = ? AND state = ? AND attempts = ? AND cancel_requested IN (?, ?)";

        Object[] args(Instant now) {
            boolean failed = to == JobState.FAILED;
            return new Object[] {to.name(), result == null ? null : json(result), error, now, now, failed,
                    to == JobState.SUCCEEDED, failed, id, from.name(), attempts,
                    cancelRequested == null ? Boolean.FALSE : cancelRequested,
                    cancelRequested == null ? Boolean.TRUE : cancelRequested};
        }
    }

    /** A queued job whose publish is pending, as of its last change at {@code updatedAt}. */
    record Unpublished(String id, String queue, int priority, Instant updatedAt) {
    }

    /** The WHERE clause for the optional list filters. */
    private record Where(String sql, List<Object> params) {
        static Where of(JobFilter f) {
            List<String> conditions = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            if (f.state() != null) {
                conditions.add("state = ?");
                params.add(f.state().name());
            }
            if (f.queue() != null) {
                conditions.add("queue = ?");
                params.add(f.queue());
            }
            if (f.deadLettered() != null) {
                conditions.add("dead_lettered = ?");
                params.add(f.deadLettered());
            }
            return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
        }
    }
}
