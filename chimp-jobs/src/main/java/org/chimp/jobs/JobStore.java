package org.chimp.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.http.Json;

/**
 * The SQL behind jobs ({@code jobs_jobs}). Every state change is a conditional update on the state and the
 * attempt number the caller saw: the attempt number fences a worker whose delivery was handed to another
 * worker, so its late result is dropped instead of overwriting the newer attempt's.
 */
final class JobStore {
    private static final String COLUMNS = "id, queue, type, payload, state, attempts, max_attempts, priority, "
            + "idempotency_key, progress_fraction, progress_message, result, error, created_at, started_at, finished_at";

    private final DataSource ds;

    JobStore(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "jobs");
    }

    void insert(Job job) {
        update("INSERT INTO jobs_jobs (id, queue, type, payload, state, attempts, max_attempts, priority, idempotency_key, "
                        + "cancel_requested, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)",
                job.id(), job.queue(), job.type(), json(job.payload()), job.state().name(), job.attempts(),
                job.maxAttempts(), job.priority(), job.idempotencyKey(), job.createdAt(), job.createdAt());
    }

    Optional<Job> find(String id) {
        return one("SELECT " + COLUMNS + " FROM jobs_jobs WHERE id = ?", id);
    }

    Optional<Job> findByIdempotencyKey(String key) {
        return one("SELECT " + COLUMNS + " FROM jobs_jobs WHERE idempotency_key = ?", key);
    }

    /** Newest first. */
    List<Job> list(JobState state, String queue, int offset, int limit) {
        Filter f = Filter.of(state, queue);
        return query("SELECT " + COLUMNS + " FROM jobs_jobs" + f.where + " ORDER BY created_at DESC, id DESC LIMIT "
                + limit + " OFFSET " + offset, f.params.toArray());
    }

    long count(JobState state, String queue) {
        Filter f = Filter.of(state, queue);
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT COUNT(*) FROM jobs_jobs" + f.where, rs -> rs.getLong(1),
                f.params.toArray())).orElseThrow();
    }

    /** Jobs queued and unchanged since before {@code before}, in id order after {@code afterId}, for the recovery sweep. */
    List<Job> queuedAfter(String afterId, Instant before, int limit) {
        return query("SELECT " + COLUMNS + " FROM jobs_jobs WHERE state = 'QUEUED' AND updated_at < ? AND id > ? "
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
        Instant now = now();
        return update("UPDATE jobs_jobs SET state = 'RUNNING', attempts = attempts + 1, started_at = ?, updated_at = ?, "
                        + "next_attempt_at = NULL, progress_fraction = NULL, progress_message = NULL "
                        + "WHERE id = ? AND state = ? AND attempts = ? AND cancel_requested = FALSE",
                now, now, id, from.name(), attempts) == 1;
    }

    /** Ends the job in a final state with its result and error. */
    boolean finish(String id, JobState from, int attempts, JobState to, JsonNode result, String error) {
        Instant now = now();
        return update("UPDATE jobs_jobs SET state = ?, result = ?, error = ?, finished_at = ?, updated_at = ?, "
                        + "next_attempt_at = NULL WHERE id = ? AND state = ? AND attempts = ?",
                to.name(), result == null ? null : json(result), error, now, now, id, from.name(), attempts) == 1;
    }

    /** Running → queued for another attempt at {@code next}, keeping the error. */
    boolean retryLater(String id, int attempts, String error, Instant next) {
        return update("UPDATE jobs_jobs SET state = 'QUEUED', error = ?, next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND state = 'RUNNING' AND attempts = ?", error, next, now(), id, attempts) == 1;
    }

    /** Running → queued without counting the attempt: the worker shut down, the job did not fail. */
    boolean giveBack(String id, int attempts) {
        return update("UPDATE jobs_jobs SET state = 'QUEUED', attempts = attempts - 1, updated_at = ? "
                + "WHERE id = ? AND state = 'RUNNING' AND attempts = ?", now(), id, attempts) == 1;
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
        return new Job(rs.getString("id"), rs.getString("queue"), rs.getString("type"), parse(rs.getString("payload")),
                JobState.valueOf(rs.getString("state")), rs.getInt("attempts"), rs.getInt("max_attempts"),
                rs.getInt("priority"), rs.getString("idempotency_key"), progress, result == null ? null : parse(result),
                rs.getString("error"), Sql.instant(rs, "created_at"), Sql.instant(rs, "started_at"),
                Sql.instant(rs, "finished_at"));
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static String json(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be written", e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The jobs table holds invalid JSON", e);
        }
    }

    /** The WHERE clause for the optional list filters. */
    private record Filter(String where, List<Object> params) {
        static Filter of(JobState state, String queue) {
            List<String> conditions = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            if (state != null) {
                conditions.add("state = ?");
                params.add(state.name());
            }
            if (queue != null) {
                conditions.add("queue = ?");
                params.add(queue);
            }
            return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
        }
    }
}
