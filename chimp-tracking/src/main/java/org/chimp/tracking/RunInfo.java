package org.chimp.tracking;

/**
 * What MLflow calls a run's info.
 *
 * @param endTime      epoch ms, null while the run has not ended
 * @param artifactUri  {@code mlflow-artifacts:/<experiment_id>/<run_id>/artifacts}
 */
public record RunInfo(String runId, String experimentId, String runName, String userId, RunStatus status,
                      long startTime, Long endTime, String artifactUri, String lifecycleStage) {
}
