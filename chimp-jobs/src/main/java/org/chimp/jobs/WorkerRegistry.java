package org.chimp.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * The SQL behind the worker registry ({@code jobs_workers}): each worker's row, refreshed by its heartbeat.
 * Whether a worker is alive is decided by the reader from the row's heartbeat age, so a killed process needs no
 * one to clean up after it (its row goes stale and is pruned later).
 */
final class WorkerRegistry {
    private static final String COLUMNS = "id, host, pid, queues, concurrency, heartbeat_ms, state, current_jobs, "
            + "started_at, last_heartbeat";

    private final DataSource ds;

    /** The caller has migrated the {@code jobs} schema (see {@link JobStore}). */
    WorkerRegistry(DataSource ds) {
        this.ds = ds;
    }

    /** Refreshes a worker's row (state, current jobs, heartbeat), inserting it if it is not there (first beat). */
    void save(WorkerInfo w) {
        String jobs = JobStore.json(array(w.currentJobs()));
        Jdbc.withConnection(ds, c -> {
            int n = Sql.update(c, "UPDATE jobs_workers SET state = ?, current_jobs = ?, last_heartbeat = ? WHERE id = ?",
                    w.state(), jobs, w.lastHeartbeat(), w.id());
            if (n == 0) {
                Sql.update(c, "INSERT INTO jobs_workers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        w.id(), w.host(), w.pid(), JobStore.json(array(w.queues())), w.concurrency(),
                        w.heartbeat().toMillis(), w.state(), jobs, w.startedAt(), w.lastHeartbeat());
            }
            return null;
        });
    }

    void remove(String id) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM jobs_workers WHERE id = ?", id));
    }

    /** Drops rows whose last heartbeat is older than {@code before} (workers killed without closing). */
    int prune(Instant before) {
        return Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM jobs_workers WHERE last_heartbeat < ?", before));
    }

    /** Every registered worker, oldest first. */
    List<WorkerInfo> list() {
        Instant now = JobStore.now();
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM jobs_workers ORDER BY started_at, id",
                rs -> read(rs, now)));
    }

    Optional<WorkerInfo> find(String id) {
        Instant now = JobStore.now();
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT " + COLUMNS + " FROM jobs_workers WHERE id = ?",
                rs -> read(rs, now), id));
    }

    /**
     * True if the worker that started this running job is alive and still has it: listed among its current jobs,
     * or started so recently that its row may not list it yet. Another worker must then not take the job over,
     * even if the broker delivered it again (a heartbeat that came too late to extend the message).
     */
    boolean stillRunning(Job job) {
        if (job.workerId() == null || job.startedAt() == null) {
            return false;
        }
        Optional<WorkerInfo> w = find(job.workerId());
        if (w.isEmpty() || !w.get().alive()) {
            return false;
        }
        Duration grace = w.get().heartbeat().multipliedBy(WorkerInfo.ALIVE_INTERVALS);
        return w.get().currentJobs().contains(job.id()) || job.startedAt().plus(grace).isAfter(JobStore.now());
    }

    /**
     * A silent worker (killed, or cut off) shows as {@link WorkerInfo#LOST} with no current jobs, as Flower shows a
     * Celery worker offline: the jobs it had are no longer its (they are retried elsewhere). Its row stays, for
     * the record, until pruned.
     */
    private static WorkerInfo read(ResultSet rs, Instant now) throws SQLException {
        Duration heartbeat = Duration.ofMillis(rs.getLong("heartbeat_ms"));
        Instant last = Sql.instant(rs, "last_heartbeat");
        boolean alive = last.plus(heartbeat.multipliedBy(WorkerInfo.ALIVE_INTERVALS)).isAfter(now);
        return new WorkerInfo(rs.getString("id"), rs.getString("host"), rs.getLong("pid"), strings(rs.getString("queues")),
                rs.getInt("concurrency"), heartbeat, alive ? rs.getString("state") : WorkerInfo.LOST,
                alive ? strings(rs.getString("current_jobs")) : List.of(), Sql.instant(rs, "started_at"), last, alive);
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : JobStore.parse(json)) {
            out.add(n.asText());
        }
        return out;
    }

    private static ArrayNode array(Collection<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
