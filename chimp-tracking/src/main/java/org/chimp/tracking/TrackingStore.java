package org.chimp.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.store.ArtifactStore;
import org.chimp.store.BlobStore;
import org.chimp.tracking.search.SqlFragment;

/** Experiments and runs in the database (module migrations under {@code db/migration/tracking}). */
public final class TrackingStore {
    /** The tag MLflow mirrors a run's name in. */
    public static final String RUN_NAME_TAG = "mlflow.runName";
    /** The experiment MLflow creates with every store. */
    public static final String DEFAULT_EXPERIMENT_ID = "0";
    static final String ACTIVE = "active";
    static final String DELETED = "deleted";
    private static final String RUN_COLUMNS = RunRows.COLUMNS;

    private final DataSource ds;
    private final RunArtifacts artifacts;
    private final Experiments experiments;

    /** Run artifacts go into an ArtifactStore over {@code blobs}, streamed (its local cache stays unused). */
    public TrackingStore(DataSource ds, BlobStore blobs) {
        this(ds, blobs, new ArtifactStore(blobs, Path.of(System.getProperty("java.io.tmpdir"), "chimp-artifact-cache")));
    }

    /**
     * @param blobs     where artifacts logged before they were content-addressed are still read from
     * @param artifacts the content-addressed store run artifacts go into (shared with the model registry)
     */
    public TrackingStore(DataSource ds, BlobStore blobs, ArtifactStore artifacts) {
        this.ds = ds;
        this.experiments = new Experiments(ds);
        this.artifacts = new RunArtifacts(ds, blobs, artifacts);
        Database.migrate(ds, "tracking");
    }

    // ---- experiments

    /** The experiment with this name, created if absent. Returns its id. */
    public String getOrCreateExperiment(String name) {
        Optional<Experiment> existing = experiments.findByName(name);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        try {
            return createExperiment(name, null, Map.of());
        } catch (ClientErrorException e) {
            // Somebody created it between our read and our insert: theirs is as good as ours.
            return experiments.findByName(name).orElseThrow(() -> e).id();
        }
    }

    /**
     * Creates an experiment; 409 if the name is taken (also by a deleted experiment).
     *
     * @param artifactLocation null for the default, {@code mlflow-artifacts:/<id>}
     */
    public String createExperiment(String name, String artifactLocation, Map<String, String> tags) {
        return experiments.create(name, artifactLocation, tags);
    }

    /** One experiment; 404 if there is none with that id. */
    public Experiment getExperiment(String experimentId) {
        return experiments.get(experimentId);
    }

    /** The experiment with that name; 404 if there is none. */
    public Experiment getExperimentByName(String name) {
        return experiments.findByName(name).orElseThrow(() ->
                ClientErrorException.notFound("No experiment named '" + name + "'; create it first"));
    }

    /** Active experiments, newest first, {@code maxResults} of them after skipping {@code offset}. */
    public List<Experiment> searchExperiments(int maxResults, int offset) {
        return searchExperiments(null, List.of(), ViewType.ACTIVE_ONLY, maxResults, offset);
    }

    /**
     * Experiments matching an MLflow filter ({@code name LIKE 'a%' AND tags.team = 'x'}; attributes name,
     * creation_time, last_update_time), in order_by's order, then newest first; a 400 for a malformed filter.
     */
    public List<Experiment> searchExperiments(String filter, List<String> orderBy, ViewType view, int maxResults, int offset) {
        return experiments.search(filter, orderBy, view, maxResults, offset);
    }

    /** Renames an active experiment; 409 if the name is taken. */
    public void renameExperiment(String experimentId, String newName) {
        experiments.rename(experimentId, newName);
    }

    /** Sets (or replaces) a tag of an active experiment. */
    public void setExperimentTag(String experimentId, String key, String value) {
        experiments.setTag(experimentId, key, value);
    }

    /** Soft-deletes an experiment and its runs (MLflow's lifecycle_stage deleted); the Default one cannot be. */
    public void deleteExperiment(String experimentId) {
        experiments.setLifecycle(experimentId, DELETED);
    }

    /** Restores a deleted experiment and its runs. */
    public void restoreExperiment(String experimentId) {
        experiments.setLifecycle(experimentId, ACTIVE);
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

    /** Active runs of the given experiments, newest first. */
    public List<Run> searchRuns(List<String> experimentIds, int maxResults, int offset) {
        return searchRuns(experimentIds, null, List.of(), ViewType.ACTIVE_ONLY, maxResults, offset);
    }

    /**
     * Runs of the given experiments matching an MLflow filter ({@code metrics.acc > 0.9 AND params.lr = '0.1'}),
     * in order_by's order ({@code metrics.acc DESC}), then newest first; a 400 for a malformed filter or order.
     */
    public List<Run> searchRuns(List<String> experimentIds, String filter, List<String> orderBy, ViewType view,
                                int maxResults, int offset) {
        List<Long> ids = experimentIds.stream().map(Experiments::id).toList();
        SqlFragment query = RunSearch.query(ids, filter, orderBy, view, maxResults, offset);
        if (ids.isEmpty()) {
            return List.of();
        }
        return Jdbc.withConnection(ds, c -> RunRows.withData(c, Sql.list(c, query.sql(), RunRows::info, query.args().toArray())));
    }

    /** Soft-deletes a run (lifecycle_stage deleted): searches skip it and logging to it is refused until restored. */
    public void deleteRun(String runId) {
        setRunLifecycle(runId, DELETED);
    }

    /** Restores a deleted run. */
    public void restoreRun(String runId) {
        setRunLifecycle(runId, ACTIVE);
    }

    private void setRunLifecycle(String runId, String stage) {
        Jdbc.inTransaction(ds, c -> {
            RunRows.find(c, runId).orElseThrow(() -> noRun(runId));
            return Sql.update(c, "UPDATE tracking_runs SET lifecycle_stage = ? WHERE run_id = ?", stage, runId);
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

    /**
     * Ends every run still RUNNING that has tag {@code key} = {@code value} with {@code status} (FAILED for an
     * attempt whose worker died, KILLED for a cancelled one, as MLflow marks them); returns how many it ended. For
     * the code that takes over from a producer that can no longer end its run itself.
     */
    public int endRunningRunsTagged(String key, String value, RunStatus status) {
        return Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE tracking_runs SET status = ?, end_time = ? "
                + "WHERE status = 'RUNNING' AND run_id IN (SELECT run_id FROM tracking_run_tags WHERE name = ? AND val = ?)",
                status.name(), System.currentTimeMillis(), key, value));
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

    /** Removes a run tag; 404 if the run has no such tag. */
    public void deleteTag(String runId, String key) {
        Jdbc.inTransaction(ds, c -> {
            activeRun(c, runId);
            if (Sql.update(c, "DELETE FROM tracking_run_tags WHERE run_id = ? AND name = ?", runId, key) == 0) {
                throw ClientErrorException.notFound("No tag with name: " + key + " in run with id " + runId);
            }
            return null;
        });
    }

    /**
     * Logs metrics, params and tags in one transaction: either all are stored or, if any is invalid (a 400) or
     * the run does not exist (a 404), none.
     */
    public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
        Checks.batch(metrics, params, tags);
        try {
            Jdbc.inTransaction(ds, c -> {
                activeRun(c, runId);
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
        return metricHistory(runId, key, Integer.MAX_VALUE, 0);
    }

    /** {@code maxResults} values of a metric's history after skipping {@code offset}, in the same order. */
    public List<Metric> metricHistory(String runId, String key, int maxResults, int offset) {
        return Jdbc.withConnection(ds, c -> {
            RunRows.find(c, runId).orElseThrow(() -> noRun(runId));
            // The key is known, so only the three varying columns travel: histories can be 100,000s of rows long.
            return Sql.list(c, "SELECT val, ts, step FROM tracking_metrics WHERE run_id = ? AND name = ? "
                    + "ORDER BY step, ts, seq LIMIT ? OFFSET ?",
                    rs -> new Metric(key, rs.getDouble(1), rs.getLong(2), rs.getLong(3)), runId, key, maxResults, offset);
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

    /**
     * Stores a stream (an upload) as a run artifact at {@code artifactPath}; an IOException from the stream (a
     * broken or oversized upload) leaves the run's artifacts as they were.
     */
    public void logArtifact(String runId, String artifactPath, InputStream content) throws IOException {
        artifacts.put(getRun(runId).info(), Checks.artifactPath(artifactPath), content);
    }

    /**
     * Deletes the run artifact at {@code artifactPath}, or everything below it as a directory (all the run's
     * artifacts for an empty path), as MLflow's artifact proxy does; deleting nothing is not an error.
     */
    public void deleteArtifacts(String runId, String artifactPath) {
        RunInfo run = getRun(runId).info();
        artifacts.delete(run, artifactPath.isEmpty() ? "" : Checks.artifactPath(artifactPath));
    }

    /** Opens a run artifact; 404 if the run or the artifact does not exist. */
    public InputStream openArtifact(String runId, String artifactPath) {
        return artifacts.open(getRun(runId).info(), Checks.artifactPath(artifactPath));
    }

    /** The paths of a run's artifacts, relative to its artifact root, sorted. */
    public List<String> listArtifacts(String runId) {
        return artifacts.list(getRun(runId).info());
    }

    /**
     * The files and directories directly under {@code path} (the root for null or empty), sorted by path, as
     * MLflow's artifacts/list answers; empty if there is nothing under it.
     */
    public List<ArtifactFile> listArtifacts(String runId, String path) {
        RunInfo run = getRun(runId).info();
        String prefix = path == null || path.isEmpty() || path.equals("/") ? "" : Checks.artifactPath(strip(path)) + "/";
        SortedMap<String, Boolean> children = new TreeMap<>();
        for (String p : artifacts.list(run)) {
            if (p.startsWith(prefix)) {
                int slash = p.indexOf('/', prefix.length());
                children.merge(slash < 0 ? p : p.substring(0, slash), slash >= 0, Boolean::logicalOr);
            }
        }
        List<ArtifactFile> out = new ArrayList<>(children.size());
        children.forEach((p, isDir) -> out.add(new ArtifactFile(p, isDir, isDir ? null : artifacts.size(run, p))));
        return out;
    }

    private static String strip(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.startsWith("/") ? p.substring(1) : p;
    }

    // ---- rows

    private static Optional<RunInfo> findRunInfo(Connection c, String runId) throws SQLException {
        return RunRows.find(c, runId);
    }

    private static RunInfo activeRun(Connection c, String runId) throws SQLException {
        RunInfo info = RunRows.find(c, runId).orElseThrow(() -> noRun(runId));
        if (!ACTIVE.equals(info.lifecycleStage())) {
            throw ClientErrorException.invalid("Run " + runId + " is deleted; restore it before changing it");
        }
        return info;
    }

    private static Run runData(Connection c, RunInfo info) throws SQLException {
        return RunRows.withData(c, List.of(info)).get(0);
    }

    private static ClientErrorException noRun(String runId) {
        return ClientErrorException.notFound("Run with id=" + runId + " not found");
    }
}
