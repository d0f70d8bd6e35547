package org.chimp.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Sql;

/** Writes one checked batch of metrics, params and tags with batched statements, inside the caller's transaction. */
final class BatchWriter {
    /** The order in which MLflow decides which value of a metric is the latest. */
    static final Comparator<Metric> LATEST = Comparator.comparingLong(Metric::step)
            .thenComparingLong(Metric::timestamp).thenComparingDouble(Metric::value);

    // MERGE is the upsert both H2 and PostgreSQL 15 understand; the source row is a SELECT so types are explicit.
    private static final String MERGE_LATEST = """
            MERGE INTO tracking_latest_metrics t
            USING (SELECT CAST(? AS VARCHAR) AS run_id, CAST(? AS VARCHAR) AS name, CAST(? AS DOUBLE PRECISION) AS val,
                          CAST(? AS BIGINT) AS ts, CAST(? AS BIGINT) AS step) s
            ON t.run_id = s.run_id AND t.name = s.name
            WHEN MATCHED AND (s.step > t.step OR (s.step = t.step AND s.ts > t.ts)
                              OR (s.step = t.step AND s.ts = t.ts AND s.val > t.val))
                THEN UPDATE SET val = s.val, ts = s.ts, step = s.step
            WHEN NOT MATCHED THEN INSERT (run_id, name, val, ts, step) VALUES (s.run_id, s.name, s.val, s.ts, s.step)
            """;
    private static final String MERGE_TAG = """
            MERGE INTO tracking_run_tags t
            USING (SELECT CAST(? AS VARCHAR) AS run_id, CAST(? AS VARCHAR) AS name, CAST(? AS VARCHAR) AS val) s
            ON t.run_id = s.run_id AND t.name = s.name
            WHEN MATCHED THEN UPDATE SET val = s.val
            WHEN NOT MATCHED THEN INSERT (run_id, name, val) VALUES (s.run_id, s.name, s.val)
            """;

    private BatchWriter() {
    }

    static void write(Connection c, String runId, List<Metric> metrics, Map<String, String> params,
                      Map<String, String> tags) throws SQLException {
        Map<String, String> newParams = newParams(c, runId, params);
        if (!newParams.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tracking_params (run_id, name, val) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> p : newParams.entrySet()) {
                    ps.setString(1, runId);
                    ps.setString(2, p.getKey());
                    ps.setString(3, p.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!metrics.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tracking_metrics (run_id, name, val, ts, step) VALUES (?, ?, ?, ?, ?)")) {
                for (Metric m : metrics) {
                    setMetric(ps, runId, m);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            Map<String, Metric> latest = new HashMap<>();
            metrics.forEach(m -> latest.merge(m.key(), m, (a, b) -> LATEST.compare(a, b) >= 0 ? a : b));
            try (PreparedStatement ps = c.prepareStatement(MERGE_LATEST)) {
                for (Metric m : latest.values()) {
                    setMetric(ps, runId, m);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!tags.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(MERGE_TAG)) {
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    ps.setString(1, runId);
                    ps.setString(2, t.getKey());
                    ps.setString(3, t.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String runName = tags.get(TrackingStore.RUN_NAME_TAG);
            if (runName != null) {
                Sql.update(c, "UPDATE tracking_runs SET run_name = ? WHERE run_id = ?", runName, runId);
            }
        }
    }

    /** The params not logged yet; a 400 if one was logged with another value (params are immutable). */
    private static Map<String, String> newParams(Connection c, String runId, Map<String, String> params) throws SQLException {
        Map<String, String> fresh = new TreeMap<>(params);
        if (params.isEmpty()) {
            return fresh;
        }
        List<Map.Entry<String, String>> existing = Sql.list(c, "SELECT name, val FROM tracking_params WHERE run_id = ?",
                rs -> Map.entry(rs.getString(1), rs.getString(2)), runId);
        for (Map.Entry<String, String> e : existing) {
            String wanted = fresh.get(e.getKey());
            if (wanted == null) {
                continue;
            }
            if (!wanted.equals(e.getValue())) {
                throw ClientErrorException.invalid("Changing param values is not allowed. Param with key='" + e.getKey()
                        + "' was already logged with value='" + e.getValue() + "' for run ID='" + runId
                        + "'. Attempted logging new value '" + wanted + "'; log it under another key instead");
            }
            fresh.remove(e.getKey());
        }
        return fresh;
    }

    private static void setMetric(PreparedStatement ps, String runId, Metric m) throws SQLException {
        ps.setString(1, runId);
        ps.setString(2, m.key());
        ps.setDouble(3, m.value());
        ps.setLong(4, m.timestamp());
        ps.setLong(5, m.step());
    }
}
