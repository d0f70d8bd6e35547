package org.chimp.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.vision.FaceDetection;
import org.chimp.jobs.JobContext;
import org.chimp.store.DatasetVersion;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * Everything a plugin run is given: typed arguments, materialized datasets, a private temp directory, progress and
 * cancellation, and a narrow tracking and registry API (log to the task's run, register a model, read and promote
 * versions). Plugins never see the tracking store or the registry themselves, so the same calls can be served
 * by another process. A model registered twice by one task (a retried attempt) is registered once.
 */
public final class TrainingContext {
    private final ObjectNode arguments;
    private final Map<String, Path> datasets;
    private final Map<String, DatasetVersion> datasetVersions;
    private final ActiveRun run;
    private final TrackingStore tracking;
    private final ModelRegistry registry;
    private final JobContext job;
    private final Path tempDir;
    private final Function<String, Path> openDataset;
    private final Supplier<FaceDetection> faces;

    /**
     * @param openDataset materializes a dataset reference ({@code name@N}) into a fresh directory; a 404
     *                    {@link ClientErrorException} if it does not exist
     * @param faces       the node's face detection, with the cascade it was configured with
     */
    public TrainingContext(ObjectNode arguments, Map<String, Path> datasets, Map<String, DatasetVersion> datasetVersions,
                           ActiveRun run, TrackingStore tracking, ModelRegistry registry, JobContext job, Path tempDir,
                           Function<String, Path> openDataset, Supplier<FaceDetection> faces) {
        this.openDataset = openDataset;
        this.faces = faces;
        this.arguments = arguments.deepCopy();
        this.datasets = Map.copyOf(datasets);
        this.datasetVersions = Map.copyOf(datasetVersions);
        this.run = run;
        this.tracking = tracking;
        this.registry = registry;
        this.job = job;
        this.tempDir = tempDir;
    }

    /** The validated, typed arguments with defaults filled in. */
    public ObjectNode arguments() {
        return arguments.deepCopy();
    }

    /** The local directory of a dataset the plugin declared; a 400 if a required one is missing. */
    public Path dataset(String key) {
        Path p = datasets.get(key);
        if (p == null) {
            throw ClientErrorException.invalid("No dataset was given for '" + key + "'");
        }
        return p;
    }

    /** An optional dataset's directory, if given. */
    public Optional<Path> optionalDataset(String key) {
        return Optional.ofNullable(datasets.get(key));
    }

    /**
     * Another dataset version's local directory, by reference ({@code faces@3}), e.g. the data a registered version
     * was trained on (its run's {@code dataset.train} parameter); empty if it no longer exists.
     */
    public Optional<Path> datasetVersion(String ref) {
        try {
            return Optional.of(openDataset.apply(ref));
        } catch (ClientErrorException e) {
            if (e.status() == 404 || e.status() == 400) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Which version of each dataset was used, for provenance. */
    public Map<String, DatasetVersion> datasetVersions() {
        return datasetVersions;
    }

    // ---- tracking: the task's run

    /** The id of the tracking run this task logs to. */
    public String runId() {
        return run.id();
    }

    /** Logs parameters (immutable: another value for a logged key is a 400). */
    public void logParams(Map<String, String> params) {
        run.logParams(params);
    }

    /** Appends a metric value at a step. */
    public void logMetric(String key, double value, long step) {
        run.logMetric(key, value, step);
    }

    /** Sets a tag of the run. */
    public void setTag(String key, String value) {
        run.setTag(key, value);
    }

    /** Stores bytes as a run artifact. */
    public void logArtifact(String artifactPath, byte[] content) {
        run.logArtifact(artifactPath, content);
    }

    /** Stores a file as a run artifact. */
    public void logArtifact(String artifactPath, Path file) {
        run.logArtifact(artifactPath, file);
    }

    // ---- registry

    /**
     * Registers the model's files as the next version of {@code name}, linked to this task's run. Keyed by the
     * task: a retried task gets the version its earlier attempt registered back, and nothing new is created.
     *
     * @param artifacts artifact name (e.g. {@code weights}) to file
     * @param tags      version tags
     */
    public ModelInfo registerModel(String name, String task, String architecture, ObjectNode parameters,
                                   Map<String, Path> artifacts, Map<String, String> tags) {
        return info(registry.registerModel(run, name, task, architecture, parameters, artifacts, tags, job.job().id()));
    }

    /** The version serving answers with: the newest in Production, if any. */
    public Optional<ModelInfo> productionVersion(String name) {
        return registry.latest(name, Stage.PRODUCTION).map(TrainingContext::info);
    }

    /** One version; 404 if it does not exist. */
    public ModelInfo version(String name, int version) {
        return info(registry.version(name, version));
    }

    /** Moves a version to Staging or Production, archiving that stage's other versions. */
    public ModelInfo promote(ModelInfo version, String stage) {
        Stage s = Stage.parse(stage);
        if (s != Stage.STAGING && s != Stage.PRODUCTION) {
            throw new IllegalArgumentException("Plugins promote to Staging or Production, not " + stage);
        }
        return info(registry.transitionStage(version.name(), version.version(), s, true));
    }

    /** Sets tags of a version (a promotion decision, its parent version, ...). */
    public void tagVersion(ModelInfo version, Map<String, String> tags) {
        tags.forEach((k, v) -> registry.setVersionTag(version.name(), version.version(), k, v));
    }

    /** A file of a version's model (its {@code artifacts} key, e.g. {@code weights}), checked against its hash. */
    public Path modelFile(ModelInfo version, String artifact) {
        String ref = version.config() == null ? null : version.config().artifacts().get(artifact);
        if (ref == null) {
            throw ClientErrorException.conflict("Model '" + version.name() + "' version " + version.version()
                    + " has no artifact '" + artifact + "'");
        }
        return registry.artifacts().resolve(ref);
    }

    /**
     * Builds a version's image classifier as serving would (its architecture, found with ServiceLoader), to score it
     * on held-out data. Close it when done. 409 if the version cannot be built.
     */
    public Model<Image, Classification> loadClassifier(ModelInfo version) {
        if (version.config() == null) {
            throw ClientErrorException.conflict("Model '" + version.name() + "' version " + version.version() + " has no CHIMP model config");
        }
        return Architectures.load(TrainingContext.class.getClassLoader()).build(Tasks.IMAGE_CLASSIFICATION, version.config(),
                registry.artifacts());
    }

    /** The parameters a run logged (e.g. which dataset version trained a model); empty for an unknown run. */
    public Map<String, String> runParams(String runId) {
        try {
            return new LinkedHashMap<>(tracking.getRun(runId).params());
        } catch (ClientErrorException e) {
            return Map.of();
        }
    }

    // ----

    /**
     * Face detection as the node running the task is configured ({@code --face-cascade}, on a worker too); check
     * {@link FaceDetection#on()} before use.
     */
    public FaceDetection faceDetection() {
        return faces.get();
    }

    /** A directory only this run uses, deleted afterwards. */
    public Path tempDir() {
        return tempDir;
    }

    /** Reports progress, shown by {@code GET /tasks/poll/{id}}. */
    public void progress(double fraction, String message) {
        job.progress(fraction, message);
    }

    /** True once the task was cancelled; the plugin should stop soon. */
    public boolean cancelled() {
        return job.cancelled();
    }

    static ModelInfo info(ModelVersion v) {
        return new ModelInfo(v.name(), v.version(), v.stage().mlflowName(), v.runId(), v.config(), v.tags());
    }
}
