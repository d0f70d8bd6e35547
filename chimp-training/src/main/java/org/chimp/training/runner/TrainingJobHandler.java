package org.chimp.training.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.Parameters;
import org.chimp.api.vision.FaceDetection;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobContext;
import org.chimp.jobs.JobHandler;
import org.chimp.jobs.JobState;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.Lineage;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queued training task on a worker: materializes the pinned dataset versions into a private temp
 * directory, starts a tracking run, runs the plugin, ends the run FINISHED, FAILED or KILLED (cancelled) and
 * always removes the temp directory. The job's result is
 * {@code {"run_id", "experiment_id", "model_name", "model_version", "metrics"}}.
 * <p>
 * An attempt whose worker was killed cannot end its run or remove its directory; whoever takes over does: the
 * next attempt (ends earlier attempts' runs still RUNNING as FAILED and removes their directories here), the
 * worker that ends the job unrun ({@link #abandoned}: FAILED, or KILLED if cancelled), and a worker starting on
 * this machine ({@link #cleanUp}: directories of tasks not running anywhere). Directories are named
 * {@code training-<task id>-a<attempt>-<random>} for that.
 */
public final class TrainingJobHandler implements JobHandler {
    /** Run tag holding the task (job) id. */
    public static final String TASK_ID_TAG = "chimp.task_id";
    /** Run tag holding the plugin name. */
    public static final String PLUGIN_TAG = "chimp.plugin";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingJobHandler.class);
    private static final String DIR_PREFIX = "training-";
    /** A task's directory: its id (job ids are UUIDs), its attempt, a random suffix. */
    private static final Pattern TASK_DIR = Pattern.compile("training-([A-Za-z0-9-]{1,64})-a[0-9]{1,9}-[^/]*");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private final PluginRegistry plugins;
    private final DatasetStore datasets;
    private final TrackingStore tracking;
    private final ModelRegistry registry;
    private final Path workDir;
    private final Supplier<FaceDetection> faces;

    /**
     * A handler whose plugins find faces with the detector the class path offers by default (see
     * {@link FaceDetection#load}).
     *
     * @param workDir where each task gets its temp directory (created if absent)
     */
    public TrainingJobHandler(PluginRegistry plugins, DatasetStore datasets, TrackingStore tracking,
                              ModelRegistry registry, Path workDir) {
        this(plugins, datasets, tracking, registry, workDir,
                () -> FaceDetection.load(TrainingJobHandler.class.getClassLoader(), null));
    }

    /** @param faces the node's face detection (its configured cascade), opened when a plugin first asks */
    public TrainingJobHandler(PluginRegistry plugins, DatasetStore datasets, TrackingStore tracking,
                              ModelRegistry registry, Path workDir, Supplier<FaceDetection> faces) {
        this.plugins = plugins;
        this.datasets = datasets;
        this.tracking = tracking;
        this.registry = registry;
        this.workDir = workDir;
        this.faces = faces;
    }

    @Override
    public JsonNode handle(JobContext job) throws Exception {
        Job task = job.job();
        JsonNode payload = task.payload();
        TrainingPlugin plugin = plugins.find(payload.path("plugin").asText());
        PluginInfo info = plugin.info();
        // Checked again: the plugin may have changed between submission and now (a new jar in the plugins folder).
        ObjectNode arguments = Parameters.validate(TrainingService.argumentSpecs(info), payload.path("arguments"),
                "plugin '" + info.name() + "'");
        if (task.attempts() > 1) {
            takeOver(task.id(), RunStatus.FAILED); // an earlier attempt failed, or died with its run left RUNNING
        }
        Files.createDirectories(workDir);
        Path temp = Files.createTempDirectory(workDir, dirPrefix(task));
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
            ActiveRun run = tracking.startRun(experimentId, info.name() + "-" + task.id(), lineageTags(task.id(), info, arguments, versions));
            boolean success = false;
            try {
                Path extra = temp.resolve("datasets-by-ref");
                Function<String, Path> open = ref -> {
                    try {
                        DatasetVersion v = datasets.resolve(ref);
                        Path dir = Files.createTempDirectory(Files.createDirectories(extra), "dataset-");
                        return datasets.materialize(v, dir);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                TrainingResult result = plugin.run(new TrainingContext(arguments, dirs, versions, run, tracking, registry, job,
                        work, open, faces));
                success = true;
                return resultJson(result, run.experimentId());
            } finally {
                endQuietly(run, success, job);
            }
        } finally {
            deleteRecursively(temp);
        }
    }

    /**
     * The attempt's worker died and the job ended without running again: its run ends KILLED if the task was
     * cancelled, FAILED otherwise, and its directory goes if it is on this machine.
     */
    @Override
    public void abandoned(Job ended) {
        takeOver(ended.id(), ended.state() == JobState.CANCELLED ? RunStatus.KILLED : RunStatus.FAILED);
    }

    /** Removes the directories that attempts of killed workers left here, except those of tasks still running. */
    @Override
    public void cleanUp(Predicate<String> running) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        List<Path> left = new ArrayList<>();
        try (Stream<Path> entries = Files.list(workDir)) {
            entries.forEach(left::add);
        } catch (IOException e) {
            LOG.warn("Could not list the training work directory {}", workDir, e);
            return;
        }
        for (Path dir : left) {
            Matcher m = TASK_DIR.matcher(dir.getFileName().toString());
            if (m.matches() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !running.test(m.group(1))) {
                LOG.info("Removing {}, left behind by a killed worker", dir.getFileName());
                deleteRecursively(dir);
            }
        }
    }

    /** Ends the task's runs still RUNNING (their attempts are over) with {@code status}, and removes its directories. */
    private void takeOver(String taskId, RunStatus status) {
        int ended = tracking.endRunningRunsTagged(TASK_ID_TAG, taskId, status);
        if (ended > 0) {
            LOG.info("Ended {} run(s) of task {} left running by an earlier attempt as {}", ended, taskId, status);
        }
        if (!TASK_ID.matcher(taskId).matches() || !Files.isDirectory(workDir)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workDir, DIR_PREFIX + taskId + "-a*")) {
            for (Path dir : dirs) {
                deleteRecursively(dir);
            }
        } catch (IOException e) {
            LOG.warn("Could not look for the directories of task {} in {}", taskId, workDir, e);
        }
    }

    /** {@code training-<task id>-a<attempt>-}; a task id unfit for a file name (never a job's UUID) is left out. */
    private static String dirPrefix(Job task) {
        String id = TASK_ID.matcher(task.id()).matches() ? task.id() : "task";
        return DIR_PREFIX + id + "-a" + task.attempts() + "-";
    }

    /** The experiment named by the plugin's {@code experiment_name} argument if it has one, else the plugin name. */
    /**
     * The run's tags: task and plugin, and the lineage every model version it registers inherits (dataset versions
     * with their content hashes, plugin version, arguments; see {@link Lineage}).
     */
    static Map<String, String> lineageTags(String taskId, PluginInfo info, ObjectNode arguments, Map<String, DatasetVersion> versions) {
        ObjectNode datasets = JsonNodeFactory.instance.objectNode();
        versions.forEach((input, v) -> datasets.putObject(input).put("ref", v.ref()).put("content_hash", v.contentHash()));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TASK_ID_TAG, taskId);
        tags.put(PLUGIN_TAG, info.name());
        tags.put(Lineage.PLUGIN_VERSION_TAG, info.version() == null ? "" : info.version());
        tags.put(Lineage.DATASETS_TAG, datasets.toString());
        String args = arguments.toString();
        // Tag values are bounded; the arguments are also the run's params.
        tags.put(Lineage.ARGUMENTS_TAG, args.length() <= 7000 ? args : "{\"truncated\": true}");
        return tags;
    }

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

    /**
     * Ends the run KILLED if the task was cancelled (whatever the plugin did then, the job ends CANCELLED), else
     * FINISHED or FAILED. Ending the run must not hide the plugin's own failure.
     */
    private static void endQuietly(ActiveRun run, boolean success, JobContext job) {
        try {
            run.end(job.cancelled() ? RunStatus.KILLED : success ? RunStatus.FINISHED : RunStatus.FAILED);
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
