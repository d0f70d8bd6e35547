package org.chimp.tracking;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.chimp.db.Sql;
import org.chimp.tracking.search.SqlFragment;

/** Reading runs: their info rows, and their data for a whole page of runs in a few queries. */
final class RunRows {
    static final String COLUMNS = "run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage";
    // Well below PostgreSQL's limit of 32767 bind parameters per statement.
    private static final int CHUNK = 1000;

    private RunRows() {
    }

    static Optional<RunInfo> find(Connection c, String runId) throws SQLException {
        return Sql.first(c, "SELECT " + COLUMNS + " FROM tracking_runs WHERE run_id = ?", RunRows::info, runId);
    }

    /** The runs with their latest metrics, params and tags, in the order of {@code infos}. */
    static List<Run> withData(Connection c, List<RunInfo> infos) throws SQLException {
        Map<String, List<Metric>> metrics = new HashMap<>();
        Map<String, Map<String, String>> params = new HashMap<>();
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (int from = 0; from < infos.size(); from += CHUNK) {
            Object[] ids = infos.subList(from, Math.min(infos.size(), from + CHUNK)).stream().map(RunInfo::runId).toArray();
            String in = "(" + SqlFragment.placeholders(ids.length) + ")";
            Sql.list(c, "SELECT run_id, name, val, ts, step FROM tracking_latest_metrics WHERE run_id IN " + in + " ORDER BY name",
                    rs -> metrics.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(metric(rs)), ids);
            keyValues(c, "tracking_params", in, ids, params);
            keyValues(c, "tracking_run_tags", in, ids, tags);
        }
        List<Run> out = new ArrayList<>(infos.size());
        for (RunInfo info : infos) {
            out.add(new Run(info, metrics.getOrDefault(info.runId(), List.of()), params.getOrDefault(info.runId(), Map.of()),
                    tags.getOrDefault(info.runId(), Map.of())));
        }
        return out;
    }

    private static void keyValues(Connection c, String table, String in, Object[] ids, Map<String, Map<String, String>> out)
            throws SQLException {
        Sql.list(c, "SELECT run_id, name, val FROM " + table + " WHERE run_id IN " + in,
                rs -> out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3)), ids);
    }

    static RunInfo info(ResultSet rs) throws SQLException {
        return new RunInfo(rs.getString("run_id"), Long.toString(rs.getLong("experiment_id")), rs.getString("run_name"),
                rs.getString("user_id"), RunStatus.valueOf(rs.getString("status")), rs.getLong("start_time"),
                Sql.nullableLong(rs, "end_time"), rs.getString("artifact_uri"), rs.getString("lifecycle_stage"));
    }

    static Metric metric(ResultSet rs) throws SQLException {
        return new Metric(rs.getString("name"), rs.getDouble("val"), rs.getLong("ts"), rs.getLong("step"));
    }
}
