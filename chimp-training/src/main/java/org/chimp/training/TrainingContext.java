package org.chimp.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.chimp.api.error.ClientErrorException;
import org.chimp.jobs.JobContext;
import org.chimp.store.DatasetVersion;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.registry.ModelRegistry;

/**
 * Everything a plugin run is given: typed arguments, materialized datasets, the tracking run to log to, the
 * registry, a private temp directory, progress and cancellation.
 */
public final class TrainingContext {
    private final ObjectNode arguments;
    private final Map<String, Path> datasets;
    private final Map<String, DatasetVersion> datasetVersions;
    private final ActiveRun run;
    private final ModelRegistry registry;
    private final JobContext job;
    private final Path tempDir;

    public TrainingContext(ObjectNode arguments, Map<String, Path> datasets, Map<String, DatasetVersion> datasetVersions,
                           ActiveRun run, ModelRegistry registry, JobContext job, Path tempDir) {
        this.arguments = arguments.deepCopy();
        this.datasets = Map.copyOf(datasets);
        this.datasetVersions = Map.copyOf(datasetVersions);
        this.run = run;
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

    /** Which version of each dataset was used, for provenance. */
    public Map<String, DatasetVersion> datasetVersions() {
        return datasetVersions;
    }

    /** The tracking run of this training. */
    public ActiveRun run() {
        return run;
    }

    /** The model registry, to register the trained model or fetch the Production one. */
    public ModelRegistry registry() {
        return registry;
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
}
