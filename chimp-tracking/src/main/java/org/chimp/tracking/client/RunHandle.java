package org.chimp.tracking.client;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.chimp.tracking.Metric;

/** A run being logged to, through a {@link TrackingClient}: log, register the model if any, then end it. */
public interface RunHandle {
    /** The run id (32 hex digits). */
    String id();

    String experimentId();

    /** {@code mlflow-artifacts:/<experiment>/<run>/artifacts}. */
    String artifactUri();

    /**
     * Logs metrics, params and tags atomically (at most 1000 metrics, 100 params, 100 tags). Params are immutable:
     * logging another value for a logged key is refused.
     */
    void logBatch(List<Metric> metrics, Map<String, String> params, Map<String, String> tags);

    /** Stores a file as a run artifact at {@code artifactPath} (relative, e.g. {@code plots/loss.png}). */
    void logArtifact(String artifactPath, Path file);

    /**
     * Logs the model's files under {@code model/} with its config, and registers them as the next version of the
     * registered model {@code name} (created if needed), linked to this run.
     */
    ModelVersionInfo registerModel(String name, ModelSpec model);

    /** Ends the run as FINISHED (success) or FAILED. */
    void end(boolean success);

    default void logParam(String key, String value) {
        logBatch(List.of(), Map.of(key, value), Map.of());
    }

    default void logParams(Map<String, String> params) {
        logBatch(List.of(), params, Map.of());
    }

    /** Appends a metric value at a step, timestamped now. */
    default void logMetric(String key, double value, long step) {
        logBatch(List.of(new Metric(key, value, System.currentTimeMillis(), step)), Map.of(), Map.of());
    }

    default void setTag(String key, String value) {
        logBatch(List.of(), Map.of(), Map.of(key, value));
    }
}
