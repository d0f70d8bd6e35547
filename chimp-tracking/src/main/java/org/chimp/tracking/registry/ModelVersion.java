package org.chimp.tracking.registry;

import java.util.Map;
import org.chimp.api.ModelConfig;

/**
 * One version of a registered model. {@code config} is what serving builds the model from; its artifacts are
 * content-addressed in the artifact store.
 *
 * @param config null for a version registered through MLflow's API without a CHIMP model config: it cannot be served
 * @param source MLflow's artifact URI of the model ({@code mlflow-artifacts:/<experiment>/<run>/artifacts/model})
 */
public record ModelVersion(String name, int version, Stage stage, String runId, String source, ModelConfig config,
                           String description, long creationTimestamp, long lastUpdatedTimestamp,
                           Map<String, String> tags) {
}
