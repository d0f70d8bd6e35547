package org.chimp.tracking.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chimp.tracking.registry.ModelRegistry;

/**
 * A trained model to register: what the original connector's {@code model} and {@code model_type} were. Checked
 * when built, so a bad model is refused before a run is created or a byte uploaded.
 *
 * @param parameters the architecture's parameters (labels, preprocessing, ...), part of the model config
 * @param artifacts  artifact name (the key in the config's {@code artifacts}, e.g. {@code weights}) to file; each
 *                   is logged as run artifact {@code model/<file name>}, so file names must differ
 */
public record ModelSpec(String task, String architecture, ObjectNode parameters, Map<String, Path> artifacts) {
    public ModelSpec {
        if (task == null || task.isBlank() || architecture == null || architecture.isBlank()) {
            throw TrackingClientException.invalid("A model needs a task and an architecture, got '" + task + "' and '" + architecture + "'");
        }
        parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
        artifacts = new LinkedHashMap<>(artifacts);
        Map<String, String> byFileName = new HashMap<>(Map.of(ModelRegistry.CONFIG_ARTIFACT, "(the model config)"));
        for (Map.Entry<String, Path> e : artifacts.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw TrackingClientException.invalid("Every model artifact needs a non-empty name (the key in 'artifacts')");
            }
            if (e.getValue() == null || !Files.isRegularFile(e.getValue())) {
                throw TrackingClientException.invalid("Model artifact '" + e.getKey() + "' is not a readable file: " + e.getValue());
            }
            String other = byFileName.putIfAbsent(e.getValue().getFileName().toString(), e.getKey());
            if (other != null) {
                throw TrackingClientException.invalid("Model artifacts '" + e.getKey() + "' and '" + other + "' have the same file name '"
                        + e.getValue().getFileName() + "'; both would be logged as model/" + e.getValue().getFileName() + ", rename one");
            }
        }
        artifacts = Collections.unmodifiableMap(artifacts);
    }

    /** The run artifact path a file is logged under. */
    static String artifactPath(Path file) {
        return "model/" + file.getFileName();
    }

    @Override
    public ObjectNode parameters() {
        return parameters.deepCopy();
    }
}
