package org.chimp.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A handle on one run, for the code that produces it (a training plugin): log, then end it. */
public final class ActiveRun {
    private final TrackingStore store;
    private final RunInfo info;

    ActiveRun(TrackingStore store, RunInfo info) {
        this.store = store;
        this.info = info;
    }

    /** The run id (32 hex digits, as MLflow's). */
    public String id() {
        return info.runId();
    }

    /** The experiment id. */
    public String experimentId() {
        return info.experimentId();
    }

    /** The run's artifact root, {@code mlflow-artifacts:/<experiment>/<run>/artifacts}. */
    public String artifactUri() {
        return info.artifactUri();
    }

    /** Logs a parameter; parameters are immutable, logging another value for a key is a 400. */
    public void logParam(String key, String value) {
        store.logParam(id(), key, value);
    }

    /** Logs several parameters at once, atomically. */
    public void logParams(Map<String, String> params) {
        store.logBatch(id(), List.of(), params, Map.of());
    }

    /** Appends a metric value at a step, timestamped now. */
    public void logMetric(String key, double value, long step) {
        store.logMetric(id(), new Metric(key, value, System.currentTimeMillis(), step));
    }

    /** Sets a tag. */
    public void setTag(String key, String value) {
        store.setTag(id(), key, value);
    }

    /** Stores a file as a run artifact at {@code artifactPath}. */
    public void logArtifact(String artifactPath, Path file) {
        store.logArtifact(id(), artifactPath, file);
    }

    /** Stores bytes as a run artifact at {@code artifactPath}. */
    public void logArtifact(String artifactPath, byte[] content) {
        store.logArtifact(id(), artifactPath, content);
    }

    /** Ends the run as FINISHED (success true) or FAILED. */
    public void end(boolean success) {
        end(success ? RunStatus.FINISHED : RunStatus.FAILED);
    }

    /** Ends the run with this status (KILLED for a cancelled one, as MLflow does). */
    public void end(RunStatus status) {
        store.updateRun(id(), status, System.currentTimeMillis(), null);
    }
}
