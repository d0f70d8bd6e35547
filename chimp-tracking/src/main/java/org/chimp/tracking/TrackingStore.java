package org.chimp.tracking;

import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.store.BlobStore;

/** Experiments and runs in the database (module migrations under {@code db/migration/tracking}). */
public final class TrackingStore {
    /** The tag MLflow mirrors a run's name in. */
    public static final String RUN_NAME_TAG = "mlflow.runName";
    /** The experiment MLflow creates with every store. */
    public static final String DEFAULT_EXPERIMENT_ID = "0";
    static final String ACTIVE = "active";

    private static final String RUN_COLUMNS = "run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage";

    private final DataSource ds;
    private final RunArtifacts artifacts;

    public TrackingStore(DataSource ds, BlobStore blobs) {
        this.ds = ds;
        this.artifacts = new RunArtifacts(blobs);
        Database.migrate(ds, "tracking");
    }

    // ---- experiments

    /** The experiment with this name, created if absent. Returns its id. */
    public String getOrCreateExperiment(String name) {
        Optional<Experiment> existing = findExperimentByName(name);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        try {
            return createExperiment(name, null, Map.of());
        } catch (ClientErrorException e) {
            // Somebody created it between our read and our insert: theirs is as good as ours.
            return findExperimentByName(name).orElseThrow(() -> e).id();
        }
    }

    /**
     * Creates an experiment; 409 if the name is taken.
     *
     * @param artifactLocation null for the default, {@code mlflow-artifacts:/<id>}
     */
    public String createExperiment(String name, String artifactLocation, Map<String, String> tags) {
        if (name == null || name.isBlank()) {
            throw ClientErrorException.invalid("An experiment needs a non-empty name");
        }
        tags.forEach((k, v) -> Checks.value("tag", Checks.key("tag", k), v, Checks.MAX_TAG_VALUE_LENGTH));
        long now = System.currentTimeMillis();
        try {
            return Jdbc.inTransaction(ds, c -> {
                long id = Sql.first(c, "SELECT nextval('tracking_experiment_ids')", rs -> rs.getLong(1)).orElseThrow();
                String location = artifactLocation == null || artifactLocation.isBlank() ? "mlflow-artifacts:/" + id : artifactLocation;
                Sql.update(c, "INSERT INTO tracking_experiments (experiment_id, name, artifact_location, lifecycle_stage, "
                        + "creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)", id, name, location, ACTIVE, now, now);
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    Sql.update(c, "INSERT INTO tracking_experiment_tags (experiment_id, name, val) VALUES (?, ?, ?)",
                            id, t.getKey(), t.getValue());
                }
                return Long.toString(id);
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw ClientErrorException.conflict("Experiment '" + name + "' already exists; pick another name or use it");
            }
            throw e;
        }
    }

    /** One experiment; 404 if there is none with that id. */
    public Experiment getExperiment(String experimentId) {
        long id = experimentId(experimentId);
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT * FROM tracking_experiments WHERE experiment_id = ?",
                        rs -> experiment(c, rs), id))
                .orElseThrow(() -> noExperiment(experimentId));
    }

    /** The experiment with that name; 404 if there is none. */
    public Experiment getExperimentByName(String name) {
        return findExperimentByName(name).orElseThrow(() ->
                ClientErrorException.notFound("No experiment named '" + name + "'; create it first"));
    }

    /** Active experiments, newest first, {@code maxResults} of them after skipping {@code offset}. */
    public List<Experiment> searchExperiments(int maxResults, int offset) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT * FROM tracking_experiments WHERE lifecycle_stage = ? "
                        + "ORDER BY creation_time DESC, experiment_id DESC LIMIT ? OFFSET ?",
                rs -> experiment(c, rs), ACTIVE, maxResults, offset));
    }

    private Optional<Experiment> findExperimentByName(String name) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT * FROM tracking_experiments WHERE name = ?",
                rs -> experiment(c, rs), name));
    }

    private static Experiment experiment(Connection c, ResultSet rs) throws SQLException {
        long id = rs.getLong("experiment_id");
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_experiment_tags WHERE experiment_id = ?",
                t -> tags.put(t.getString(1), t.getString(2)), id);
        return new Experiment(Long.toString(id), rs.getString("name"), rs.getString("artifact_location"),
                rs.getString("lifecycle_stage"), rs.getLong("creation_time"), rs.getLong("last_update_time"), tags);
    }

    // ---- runs

    /** Starts a run (status RUNNING) in an experiment and returns a handle to log to it. */
    public ActiveRun startRun(String experimentId, String runName, Map<String, String> tags) {
        return new ActiveRun(this, createRun(experimentId, runName, null, System.currentTimeMillis(), tags));
    }

    /** A handle on an existing run, e.g. to log to it from another process; 404 if there is no such run. */
    public ActiveRun run(String runId) {
        return new ActiveRun(this, getRun(runId).info());
    }

    /**
     * Creates a RUNNING run. Without a name, the {@value #RUN_NAME_TAG} tag names it, else one is made up; the
     * name is also kept in that tag, as MLflow does.
     */
    public RunInfo createRun(String experimentId, String runName, String userId, long startTime, Map<String, String> tags) {
        Experiment experiment = getExperiment(experimentId);
        if (!ACTIVE.equals(experiment.lifecycleStage())) {
            throw ClientErrorException.invalid("Experiment " + experimentId + " is deleted; restore it or use another");
        }
        Checks.batch(List.of(), Map.of(), tags);
        String runId = UUID.randomUUID().toString().replace("-", "");
        String name = runName != null && !runName.isBlank() ? runName
                : tags.getOrDefault(RUN_NAME_TAG, "run-" + runId.substring(0, 8));
        Map<String, String> allTags = new TreeMap<>(tags);
        allTags.put(RUN_NAME_TAG, name);
        RunInfo info = new RunInfo(runId, experiment.id(), name, userId, RunStatus.RUNNING, startTime, null,
                RunArtifacts.artifactUri(experiment.id(), runId), ACTIVE);
        Jdbc.inTransaction(ds, c -> {
            Sql.update(c, "INSERT INTO tracking_runs (" + RUN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    runId, Long.parseLong(experiment.id()), name, userId, info.status().name(), startTime, null,
                    info.artifactUri(), ACTIVE);
            BatchWriter.write(c, runId, List.of(), Map.of(), allTags);
            return null;
        });
        return info;
    }

    /** A run with its latest metrics, params and tags; 404 if there is none. */
    public Run getRun(String runId) {
        return Jdbc.withConnection(ds, c -> {
            RunInfo info = findRunInfo(c, runId).orElseThrow(() -> noRun(runId));
            return runData(c, info);
        });
    }

    /** Runs of the given experiments, newest first. */
    public List<Run> searchRuns(List<String> experimentIds, int maxResults, int offset) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        Object[] args = new Object[experimentIds.size() + 3];
        for (int i = 0; i < experimentIds.size(); i++) {
            args[i] = experimentId(experimentIds.get(i));
        }
        args[experimentIds.size()] = ACTIVE;
        args[experimentIds.size() + 1] = maxResults;
        args[experimentIds.size() + 2] = offset;
        String in = String.join(", ", Collections.nCopies(experimentIds.size(), "?"));
        return Jdbc.withConnection(ds, c -> {
            List<RunInfo> infos = Sql.list(c, "SELECT " + RUN_COLUMNS + " FROM tracking_runs WHERE experiment_id IN (" + in
                    + ") AND lifecycle_stage = ? ORDER BY start_time DESC, run_id LIMIT ? OFFSET ?", TrackingStore::runInfo, args);
            List<Run> runs = new ArrayList<>(infos.size());
            for (RunInfo info : infos) {
                runs.add(runData(c, info));
            }
            return runs;
        });
    }

    /**
     * Updates a run's status, end time and name (each when not null); 404 if there is no such run.
     * Renaming also updates the {@value #RUN_NAME_TAG} tag.
     */
    public RunInfo updateRun(String runId, RunStatus status, Long endTime, String runName) {
        return Jdbc.inTransaction(ds, c -> {
            RunInfo info = findRunInfo(c, runId).orElseThrow(() -> noRun(runId));
            Sql.update(c, "UPDATE tracking_runs SET status = COALESCE(?, status), end_time = COALESCE(?, end_time) WHERE run_id = ?",
                    status == null ? null : status.name(), endTime, runId);
            if (runName != null && !runName.isBlank()) {
                BatchWriter.write(c, runId, List.of(), Map.of(), Map.of(RUN_NAME_TAG, runName));
            }
            return findRunInfo(c, info.runId()).orElseThrow();
        });
    }

    /** Logs a parameter; logging the same value again is allowed, another value is a 400. */
    public void logParam(String runId, String key, String value) {
        logBatch(runId, List.of(), Map.of(key, value), Map.of());
    }

    /** Appends a metric value. */
    public void logMetric(String runId, Metric metric) {
        logBatch(runId, List.of(metric), Map.of(), Map.of());
    }

    /** Sets (or replaces) a run tag. */
    public void setTag(String runId, String key, String value) {
        logBatch(runId, List.of(), Map.of(), Map.of(key, value));
    }

    /**
     * Logs metrics, params and tags in one transaction: either all are stored or, if any is invalid (a 400) or
     * the run does not exist (a 404), none.
     */
    public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
        Checks.batch(metrics, params, tags);
        try {
            Jdbc.inTransaction(ds, c -> {
                RunInfo info = findRunInfo(c, runId).orElseThrow(() -> noRun(runId));
                if (!ACTIVE.equals(info.lifecycleStage())) {
                    throw ClientErrorException.invalid("Run " + runId + " is deleted; restore it before logging to it");
                }
                BatchWriter.write(c, runId, metrics, params, tags);
                return null;
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                // Only params have a plain insert: another request logged one of them concurrently.
                throw ClientErrorException.invalid("A param of this batch was logged concurrently for run " + runId
                        + "; params are immutable, re-read the run and log only new params");
            }
            throw e;
        }
    }

    /** Every value logged for a metric, by step, then timestamp, then logging order; 404 if the run is unknown. */
    public List<Metric> metricHistory(String runId, String key) {
        return Jdbc.withConnection(ds, c -> {
            findRunInfo(c, runId).orElseThrow(() -> noRun(runId));
            return Sql.list(c, "SELECT name, val, ts, step FROM tracking_metrics WHERE run_id = ? AND name = ? "
                    + "ORDER BY step, ts, seq", TrackingStore::metric, runId, key);
        });
    }

    // ---- artifacts

    /** Stores a file as a run artifact at {@code artifactPath} (relative, e.g. {@code model/model.onnx}). */
    public void logArtifact(String runId, String artifactPath, Path file) {
        artifacts.put(getRun(runId).info(), Checks.artifactPath(artifactPath), file);
    }

    /** Stores bytes as a run artifact at {@code artifactPath}. */
    public void logArtifact(String runId, String artifactPath, byte[] content) {
        artifacts.put(getRun(runId).info(), Checks.artifactPath(artifactPath), content);
    }

    /** Opens a run artifact; 404 if the run or the artifact does not exist. */
    public InputStream openArtifact(String runId, String artifactPath) {
        return artifacts.open(getRun(runId).info(), Checks.artifactPath(artifactPath));
    }

    /** The paths of a run's artifacts, relative to its artifact root, sorted. */
    public List<String> listArtifacts(String runId) {
        return artifacts.list(getRun(runId).info());
    }

    // ---- rows

    private static Optional<RunInfo> findRunInfo(Connection c, String runId) throws SQLException {
        return Sql.first(c, "SELECT " + RUN_COLUMNS + " FROM tracking_runs WHERE run_id = ?", TrackingStore::runInfo, runId);
    }

    private static Run runData(Connection c, RunInfo info) throws SQLException {
        List<Metric> metrics = Sql.list(c, "SELECT name, val, ts, step FROM tracking_latest_metrics WHERE run_id = ? ORDER BY name",
                TrackingStore::metric, info.runId());
        return new Run(info, metrics, keyValues(c, "tracking_params", info.runId()), keyValues(c, "tracking_run_tags", info.runId()));
    }

    private static Map<String, String> keyValues(Connection c, String table, String runId) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM " + table + " WHERE run_id = ?", rs -> out.put(rs.getString(1), rs.getString(2)), runId);
        return out;
    }

    private static RunInfo runInfo(ResultSet rs) throws SQLException {
        return new RunInfo(rs.getString("run_id"), Long.toString(rs.getLong("experiment_id")), rs.getString("run_name"),
                rs.getString("user_id"), RunStatus.valueOf(rs.getString("status")), rs.getLong("start_time"),
                Sql.nullableLong(rs, "end_time"), rs.getString("artifact_uri"), rs.getString("lifecycle_stage"));
    }

    private static Metric metric(ResultSet rs) throws SQLException {
        return new Metric(rs.getString("name"), rs.getDouble("val"), rs.getLong("ts"), rs.getLong("step"));
    }

    private static long experimentId(String experimentId) {
        try {
            return Long.parseLong(experimentId == null ? "" : experimentId.trim());
        } catch (NumberFormatException e) {
            throw noExperiment(experimentId);
        }
    }

    private static ClientErrorException noExperiment(String experimentId) {
        return ClientErrorException.notFound("No experiment with id '" + experimentId + "'; experiment ids are numbers, "
                + "'0' is the Default experiment");
    }

    private static ClientErrorException noRun(String runId) {
        return ClientErrorException.notFound("Run with id=" + runId + " not found");
    }
}
