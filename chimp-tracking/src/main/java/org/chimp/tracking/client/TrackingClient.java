package org.chimp.tracking.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chimp.tracking.Metric;
import org.chimp.tracking.registry.Stage;

/**
 * Tracking and the model registry for training plugins and other JVM code, the same whether CHIMP runs in this
 * process ({@link LocalTrackingClient}) or elsewhere ({@link RemoteTrackingClient}, over CHIMP's MLflow REST API).
 * Every refusal is a {@link TrackingClientException} carrying MLflow's error code.
 */
public interface TrackingClient extends AutoCloseable {
    /** Creates an experiment and returns its id; {@code RESOURCE_ALREADY_EXISTS} if the name is taken. */
    String createExperiment(String name);

    /** The id of the experiment with this name, created if absent. */
    String getOrCreateExperiment(String name);

    /** Starts a run in the named experiment (created if absent). */
    RunHandle startRun(String experimentName, String runName, Map<String, String> tags);

    /** The newest version of a registered model in a stage; empty if there is none, or no such model. */
    Optional<ModelVersionInfo> latest(String name, Stage stage);

    /** Moves a version to a stage; with {@code archiveExisting}, the versions that were in it become Archived. */
    ModelVersionInfo transitionStage(String name, int version, Stage stage, boolean archiveExisting);

    /**
     * Puts the previous Production version back in Production and archives the current one; returns the restored
     * version. {@code RESOURCE_DOES_NOT_EXIST} for an unknown model, a 409 when there is no earlier Production version.
     */
    ModelVersionInfo rollback(String name);

    /**
     * Downloads a run's artifacts under {@code artifactDir} (relative to the run's artifact root) into
     * {@code targetDir}, at their paths relative to {@code artifactDir}. Returns the files written.
     */
    List<Path> downloadArtifacts(String runId, String artifactDir, Path targetDir);

    /** The version being served: the newest in Production. */
    default Optional<ModelVersionInfo> productionModel(String name) {
        return latest(name, Stage.PRODUCTION);
    }

    /**
     * The original connector's {@code store_model}: logs hyperparameters, metrics and tags into a new run of the
     * experiment, stores the model's files as its artifacts and registers them as a new version of
     * {@code modelName}. The run ends FINISHED, or FAILED if registering failed.
     *
     * @param metrics final metric values, logged at step 0
     */
    default ModelVersionInfo storeModel(String experimentName, ModelSpec model, String modelName, Map<String, String> hyperparameters,
                                        Map<String, Double> metrics, Map<String, String> tags) {
        if (modelName == null || modelName.isBlank()) {
            throw TrackingClientException.invalid("storeModel needs the name of the registered model to add a version to");
        }
        RunHandle run = startRun(experimentName, null, tags);
        boolean success = false;
        try {
            long now = System.currentTimeMillis();
            List<Metric> values = new ArrayList<>();
            metrics.forEach((k, v) -> values.add(new Metric(k, v, now, 0)));
            run.logBatch(values, hyperparameters, Map.of());
            ModelVersionInfo version = run.registerModel(modelName, model);
            success = true;
            return version;
        } finally {
            run.end(success);
        }
    }

    /**
     * The original connector's {@code get_production_model}: downloads the newest version in {@code stage} into
     * {@code targetDir} and checks the files against the hashes its config references.
     * {@code RESOURCE_DOES_NOT_EXIST} if no version is in that stage.
     */
    default DownloadedModel downloadModel(String name, Stage stage, Path targetDir) {
        ModelVersionInfo version = latest(name, stage).orElseThrow(() -> TrackingClientException.notFound(
                "Registered model '" + name + "' has no version in stage " + stage.mlflowName() + "; register or promote one first"));
        List<Path> files = downloadArtifacts(version.runId(), version.artifactDir(), targetDir);
        return DownloadedModel.of(version, targetDir, files);
    }

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
