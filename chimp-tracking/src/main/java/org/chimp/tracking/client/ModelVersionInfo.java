package org.chimp.tracking.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * A registered model version as both clients see it: what MLflow's {@code model_version} JSON carries.
 *
 * @param source the model's artifact URI, {@code mlflow-artifacts:/<experiment>/<run>/artifacts/model}
 */
public record ModelVersionInfo(String name, int version, Stage stage, String runId, String source, String description,
                               long creationTimestamp, long lastUpdatedTimestamp) {

    public static ModelVersionInfo of(ModelVersion v) {
        return new ModelVersionInfo(v.name(), v.version(), v.stage(), v.runId(), v.source(),
                v.description() == null ? "" : v.description(), v.creationTimestamp(), v.lastUpdatedTimestamp());
    }

    /** Reads MLflow's {@code model_version} object. */
    static ModelVersionInfo fromMlflowJson(JsonNode v) {
        return new ModelVersionInfo(v.path("name").asText(), Integer.parseInt(v.path("version").asText()),
                Stage.parse(v.path("current_stage").asText("None")), v.path("run_id").asText(null), v.path("source").asText(null),
                v.path("description").asText(""), v.path("creation_timestamp").asLong(), v.path("last_updated_timestamp").asLong());
    }

    /** MLflow's {@code model_version} object (the fields this record has). */
    public ObjectNode toMlflowJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.put("version", Integer.toString(version));
        o.put("current_stage", stage.mlflowName());
        o.put("run_id", runId);
        o.put("source", source);
        o.put("description", description);
        o.put("creation_timestamp", creationTimestamp);
        o.put("last_updated_timestamp", lastUpdatedTimestamp);
        o.put("status", "READY");
        return o;
    }

    /** The model's directory relative to the run's artifact root ({@code model}), read from {@link #source}. */
    String artifactDir() {
        String marker = runId + "/artifacts/";
        int at = source == null ? -1 : source.indexOf(marker);
        return at < 0 ? "model" : source.substring(at + marker.length());
    }
}
