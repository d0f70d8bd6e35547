package org.chimp.training;

import java.util.Map;

/**
 * What a finished training reports; the task's poll {@code value} carries it.
 *
 * @param modelName    the registered model, or null if the plugin registers none
 * @param modelVersion the version it created, or null
 * @param metrics      final metrics, e.g. held-out accuracy
 */
public record TrainingResult(String runId, String modelName, Integer modelVersion, Map<String, Double> metrics) {
    public TrainingResult {
        metrics = Map.copyOf(metrics);
    }
}
