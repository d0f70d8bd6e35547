package org.chimp.training.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.api.param.Parameters;
import org.chimp.api.param.TextKind;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.JobService;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a training request into a queued job. Everything is checked first (plugin, dataset keys and references,
 * typed arguments), so a bad request is a 400/404 and queues nothing; dataset references are pinned to
 * {@code name@version}, so a later upload does not change what the task trains on.
 */
public final class TrainingService {
    /** The queue training jobs travel on. */
    public static final String QUEUE = "training";
    /** The job type {@link TrainingJobHandler} handles. */
    public static final String JOB_TYPE = "training";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, TextKind> CONVENTIONAL_NAMES = Map.of(
            "model_name", TextKind.MODEL_NAME, "experiment_name", TextKind.EXPERIMENT_NAME);
    /** Dataset references: {@code name} or {@code name@version}. */
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}");
    private final PluginRegistry plugins;
    private final Function<String, DatasetVersion> resolveDataset;
    private final Function<JobRequest, Job> submitJob;
    private final Function<String, Optional<Job>> findJob;

    public TrainingService(PluginRegistry plugins, DatasetStore datasets, JobService jobs) {
        this(plugins, datasets::resolve, jobs::submit, jobs::find);
    }

    /**
     * A service over any dataset resolver and job queue (embedding, tests).
     *
     * @param resolveDataset resolves {@code name} or {@code name@N}, a 4xx if unknown
     */
    public TrainingService(PluginRegistry plugins, Function<String, DatasetVersion> resolveDataset,
                           Function<JobRequest, Job> submitJob, Function<String, Optional<Job>> findJob) {
        this.plugins = plugins;
        this.resolveDataset = resolveDataset;
        this.submitJob = submitJob;
        this.findJob = findJob;
    }

    /** The plugins tasks can run. */
    public PluginRegistry plugins() {
        return plugins;
    }

    /**
     * Validates a request and queues it.
     *
     * @param formArguments the plugin's arguments as form text ("False", "20")
     * @param datasetsJson  a JSON object mapping the plugin's dataset keys to dataset references
     */
    public Job submit(String pluginName, Map<String, String> formArguments, String datasetsJson) {
        Job job = submitJob.apply(JobRequest.of(QUEUE, JOB_TYPE, payload(pluginName, formArguments, datasetsJson)));
        // Logged in the request's context: with its request id (MDC), this line ties the request to the job, whose
        // own lines on the worker carry the job id.
        LOG.info("Training job {} queued: plugin {}", job.id(), pluginName);
        return job;
    }

    /**
     * The job payload for a request, {@code {"plugin", "arguments": {typed}, "datasets": {key: "name@version"}}};
     * every problem is a {@link ClientErrorException}.
     */
    public ObjectNode payload(String pluginName, Map<String, String> formArguments, String datasetsJson) {
        return payload(pluginName, formArguments, datasetsJson, true);
    }

    /**
     * The payload as {@link #payload(String, Map, String)}, with dataset references pinned to their versions only when
     * {@code resolveDatasets} (otherwise checked for form alone: a trigger may watch a dataset not uploaded yet).
     */
    public ObjectNode payload(String pluginName, Map<String, String> formArguments, String datasetsJson, boolean resolveDatasets) {
        TrainingPlugin plugin = plugins.find(pluginName);
        PluginInfo info = plugin.info();
        String what = "plugin '" + info.name() + "'";
        Map<String, String> refs = datasetRefs(info, datasetsJson);
        ObjectNode arguments = Parameters.fromText(argumentSpecs(info), formArguments, what);
        plugin.checkArguments(arguments);
        ObjectNode pinned = JsonNodeFactory.instance.objectNode();
        refs.forEach((key, ref) -> pinned.put(key, resolveDatasets ? resolveDataset.apply(ref).ref() : ref));

        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("plugin", info.name());
        payload.set("arguments", arguments);
        payload.set("datasets", pinned);
        return payload;
    }

    /**
     * The plugin's declared arguments, with the conventional names every plugin shares checked as names even if the
     * plugin declared them as plain strings: {@code model_name} becomes a registered model, {@code experiment_name}
     * a tracking experiment, so a name no URL can reach or no column can hold is refused before anything is queued.
     */
    static List<ParameterSpec> argumentSpecs(PluginInfo info) {
        return info.arguments().stream().map(spec -> {
            TextKind conventional = CONVENTIONAL_NAMES.get(spec.name());
            return conventional != null && spec.type() == ParameterType.STRING && spec.textKind() == TextKind.TEXT
                    ? spec.holding(conventional) : spec;
        }).toList();
    }

    /** A training task by id; empty for unknown ids and for jobs that are not training tasks. */
    public Optional<Job> task(String id) {
        return findJob.apply(id).filter(j -> JOB_TYPE.equals(j.type()));
    }

    /** Parses and checks the datasets field against the plugin's declared datasets, with every problem in one 400. */
    private static Map<String, String> datasetRefs(PluginInfo info, String datasetsJson) {
        String help = "'datasets' must be a JSON object mapping the plugin's dataset keys to dataset names, e.g. "
                + example(info);
        JsonNode json;
        try {
            json = datasetsJson == null || datasetsJson.isBlank() ? JsonNodeFactory.instance.objectNode() : MAPPER.readTree(datasetsJson);
        } catch (Exception e) {
            throw ClientErrorException.invalid("'datasets' is not valid JSON; " + help, e);
        }
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid(help + ", got " + json);
        }
        TreeSet<String> declared = new TreeSet<>();
        info.datasets().forEach(d -> declared.add(d.name()));
        List<String> problems = new ArrayList<>();
        Map<String, String> refs = new TreeMap<>();
        json.fields().forEachRemaining(e -> {
            if (!declared.contains(e.getKey())) {
                String key = e.getKey().length() > 80 ? e.getKey().substring(0, 80) + "…" : e.getKey();
                problems.add("'" + key + "' is not a dataset of plugin '" + info.name() + "' (its datasets: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")");
            } else if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                problems.add("dataset '" + e.getKey() + "' must be a dataset name (or name@version) string, got "
                        + (e.getValue().isContainerNode() ? e.getValue().getNodeType().name().toLowerCase(Locale.ROOT) : e.getValue()));
            } else {
                String ref = e.getValue().asText().trim();
                String problem = refProblem(ref);
                if (problem == null) {
                    refs.put(e.getKey(), ref);
                } else {
                    problems.add("dataset '" + e.getKey() + "': " + problem);
                }
            }
        });
        for (DatasetSpec d : info.datasets()) {
            if (!d.optional() && !json.has(d.name())) {
                problems.add("dataset '" + d.name() + "' is required (" + d.description() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw ClientErrorException.invalid("Invalid datasets for plugin '" + info.name() + "': " + String.join("; ", problems));
        }
        return refs;
    }

    /** Why a dataset reference is malformed (a bad name, a bad version), or null if it is well formed. */
    private static String refProblem(String ref) {
        int at = ref.lastIndexOf('@');
        try {
            Names.datasetName(at < 0 ? ref : ref.substring(0, at));
        } catch (ClientErrorException e) {
            return e.getMessage();
        }
        if (at >= 0 && !VERSION.matcher(ref.substring(at + 1)).matches()) {
            return "a version after '@' must be a number of 1-9 digits, e.g. faces@2";
        }
        return null;
    }

    private static String example(PluginInfo info) {
        ObjectNode ex = JsonNodeFactory.instance.objectNode();
        info.datasets().forEach(d -> ex.put(d.name(), "my-dataset"));
        return ex.toString();
    }
}
