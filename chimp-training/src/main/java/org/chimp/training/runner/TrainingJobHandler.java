package org.chimp.training.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.Parameters;
import org.chimp.jobs.JobContext;
import org.chimp.jobs.JobHandler;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queued training task on a worker: materializes the pinned dataset versions into a private temp
 * directory, starts a tracking run, runs the plugin, ends the run FINISHED or FAILED and always removes the temp
 * directory. The job's result is {@code {"run_id", "experiment_id", "model_name", "model_version", "metrics"}}.
 */
public final class TrainingJobHandler implements JobHandler {
    /** Run tag holding the task (job) id. */
    public static final String TASK_ID_TAG = "chimp.task_id";
    /** Run tag holding the plugin name. */
    public static final String PLUGIN_TAG = "chimp.plugin";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingJobHandler.class);
    private final PluginRegistry plugins;
    private final DatasetStore datasets;
    private final TrackingStore tracking;
    private final ModelRegistry registry;
    private final Path workDir;

    /** @param workDir where each task gets its temp directory (created if absent) */
    public TrainingJobHandler(PluginRegistry plugins, DatasetStore datasets, TrackingStore tracking,
                              ModelRegistry registry, Path workDir) {
        this.plugins = plugins;
        this.datasets = datasets;
        this.tracking = tracking;
        this.registry = registry;
        this.workDir = workDir;
    }

    @Override
    public JsonNode handle(JobContext job) throws Exception {
        JsonNode payload = job.job().payload();
        TrainingPlugin plugin = plugins.find(payload.path("plugin").asText());
        PluginInfo info = plugin.info();
        // Checked again: the plugin may have changed between submission and now (a new jar in the plugins folder).
        ObjectNode arguments = Parameters.validate(info.arguments(), payload.path("arguments"), "plugin '" + info.name() + "'");
        Files.createDirectories(workDir);
        Path temp = Files.createTempDirectory(workDir, "training-");
        try {
            Map<String, Path> dirs = new LinkedHashMap<>();
            Map<String, DatasetVersion> versions = new LinkedHashMap<>();
            for (var e : fields(payload.path("datasets")).entrySet()) {
                DatasetVersion v = datasets.resolve(e.getValue());
                versions.put(e.getKey(), v);
                Path dir = temp.resolve("datasets").resolve(e.getKey());
                Files.createDirectories(dir);
                dirs.put(e.getKey(), datasets.materialize(v, dir));
            }
            Path work = Files.createDirectories(temp.resolve("work"));
            String experimentId = tracking.getOrCreateExperiment(experimentName(info, arguments));
            ActiveRun run = tracking.startRun(experimentId, info.name() + "-" + job.job().id(),
                    Map.of(TASK_ID_TAG, job.job().id(), PLUGIN_TAG, info.name()));
            boolean success = false;
            try {
                TrainingResult result = plugin.run(new TrainingContext(arguments, dirs, versions, run, registry, job, work));
                success = true;
                return resultJson(result, run.experimentId());
            } finally {
                endQuietly(run, success);
            }
        } finally {
            deleteRecursively(temp);
        }
    }

    /** The experiment named by the plugin's {@code experiment_name} argument if it has one, else the plugin name. */
    static String experimentName(PluginInfo info, ObjectNode arguments) {
        JsonNode name = arguments.get("experiment_name");
        return name != null && name.isTextual() && !name.asText().isBlank() ? name.asText() : info.name();
    }

    static ObjectNode resultJson(TrainingResult result, String experimentId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("run_id", result.runId());
        out.put("experiment_id", experimentId);
        out.put("model_name", result.modelName());
        if (result.modelVersion() == null) {
            out.putNull("model_version");
        } else {
            out.put("model_version", result.modelVersion());
        }
        ObjectNode metrics = out.putObject("metrics");
        result.metrics().forEach(metrics::put);
        return out;
    }

    private static Map<String, String> fields(JsonNode datasets) {
        Map<String, String> refs = new LinkedHashMap<>();
        datasets.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw ClientErrorException.invalid("The task's dataset '" + e.getKey() + "' is not a dataset reference: " + e.getValue());
            }
            refs.put(e.getKey(), e.getValue().asText());
        });
        return refs;
    }

    /** Ending the run must not hide the plugin's own failure. */
    private static void endQuietly(ActiveRun run, boolean success) {
        try {
            run.end(success);
        } catch (RuntimeException e) {
            if (success) {
                throw e;
            }
            LOG.warn("Could not mark run {} as failed", run.id(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete the training temp directory {}", dir, e);
        }
    }
}
