package org.chimp.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * Everything needed to build a model: the task, the architecture, content-addressed artifacts and the
 * architecture's parameters. Its JSON form is flat, as Buffalo's was:
 * {@code {"task": "...", "architecture": "...", "artifacts": {"weights": "sha256:..."}, ...parameters}}.
 * Weights are referenced by hash, never by URL, and no format that can execute code is ever loaded.
 */
public record ModelConfig(String task, String architecture, Map<String, String> artifacts, ObjectNode parameters) {
    private static final Pattern SHA256_REF = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public ModelConfig {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(architecture, "architecture");
        artifacts = Map.copyOf(artifacts);
        parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
    }

    /** True if the reference has the form {@code sha256:<64 lowercase hex digits>}. */
    public static boolean isArtifactRef(String ref) {
        return ref != null && SHA256_REF.matcher(ref).matches();
    }

    /** Reads the flat JSON form; structural problems are 400s naming the field. */
    public static ModelConfig fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid("A model config must be a JSON object with 'task', 'architecture' and 'artifacts'");
        }
        String task = requiredText(json, "task");
        String architecture = requiredText(json, "architecture");
        Map<String, String> artifacts = new LinkedHashMap<>();
        JsonNode a = json.get("artifacts");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw ClientErrorException.invalid("'artifacts' must be an object mapping names to sha256:<hex> references");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String ref = e.getValue().asText();
                if (!isArtifactRef(ref)) {
                    throw ClientErrorException.invalid("Artifact '" + e.getKey() + "' must be a content reference sha256:<64 hex digits>, got '" + ref + "'");
                }
                artifacts.put(e.getKey(), ref);
            }
        }
        ObjectNode params = ((ObjectNode) json).deepCopy();
        params.remove("task");
        params.remove("architecture");
        params.remove("artifacts");
        return new ModelConfig(task, architecture, artifacts, params);
    }

    /** Parses JSON text. */
    public static ModelConfig parse(String json) {
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ClientErrorException.invalid("A model config must be valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The flat JSON form. */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("task", task);
        out.put("architecture", architecture);
        ObjectNode a = out.putObject("artifacts");
        artifacts.forEach(a::put);
        out.setAll(parameters.deepCopy());
        return out;
    }

    /** The same config with other parameters. */
    public ModelConfig withParameters(ObjectNode newParameters) {
        return new ModelConfig(task, architecture, artifacts, newParameters);
    }

    private static String requiredText(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ClientErrorException.invalid("A model config needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }
}
