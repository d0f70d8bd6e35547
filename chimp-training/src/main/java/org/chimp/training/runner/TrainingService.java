package org.chimp.training.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.Parameters;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.JobService;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingPlugin;

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

    private static final ObjectMapper MAPPER = new ObjectMapper();
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
        return submitJob.apply(JobRequest.of(QUEUE, JOB_TYPE, payload(pluginName, formArguments, datasetsJson)));
    }

    /**
     * The job payload for a request, {@code {"plugin", "arguments": {typed}, "datasets": {key: "name@version"}}};
     * every problem is a {@link ClientErrorException}.
     */
    public ObjectNode payload(String pluginName, Map<String, String> formArguments, String datasetsJson) {
        TrainingPlugin plugin = plugins.find(pluginName);
        PluginInfo info = plugin.info();
        String what = "plugin '" + info.name() + "'";
        Map<String, String> refs = datasetRefs(info, datasetsJson);
        ObjectNode arguments = Parameters.fromText(info.arguments(), formArguments, what);
        plugin.checkArguments(arguments);
        ObjectNode pinned = JsonNodeFactory.instance.objectNode();
        refs.forEach((key, ref) -> pinned.put(key, resolveDataset.apply(ref).ref()));

        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("plugin", info.name());
        payload.set("arguments", arguments);
        payload.set("datasets", pinned);
        return payload;
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
                problems.add("'" + e.getKey() + "' is not a dataset of plugin '" + info.name() + "' (its datasets: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")");
            } else if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                problems.add("dataset '" + e.getKey() + "' must be a dataset name (or name@version) string, got " + e.getValue());
            } else {
                refs.put(e.getKey(), e.getValue().asText().trim());
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

    private static String example(PluginInfo info) {
        ObjectNode ex = JsonNodeFactory.instance.objectNode();
        info.datasets().forEach(d -> ex.put(d.name(), "my-dataset"));
        return ex.toString();
    }
}
