package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.chimp.tracking.Experiment;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.RunInfo;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegisteredModel;

/** Our values in MLflow 2.x's JSON shapes: ids and versions as strings, times as epoch-ms numbers. */
final class MlflowJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MlflowJson() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    /** {@code {"<field>": value}}, the envelope of MLflow's single-resource responses. */
    static ObjectNode wrap(String field, ObjectNode value) {
        ObjectNode o = F.objectNode();
        o.set(field, value);
        return o;
    }

    /** Adds {@code next_page_token} when there is a next page. */
    static ObjectNode withToken(ObjectNode o, PageToken.Page<?> page) {
        if (page.nextPageToken() != null) {
            o.put("next_page_token", page.nextPageToken());
        }
        return o;
    }

    static ObjectNode experiment(Experiment e) {
        ObjectNode o = F.objectNode();
        o.put("experiment_id", e.id());
        o.put("name", e.name());
        o.put("artifact_location", e.artifactLocation());
        o.put("lifecycle_stage", e.lifecycleStage());
        o.put("last_update_time", e.lastUpdateTime());
        o.put("creation_time", e.creationTime());
        o.set("tags", keyValues(e.tags()));
        return o;
    }

    static ObjectNode run(Run run) {
        ObjectNode o = F.objectNode();
        o.set("info", runInfo(run.info()));
        ObjectNode data = o.putObject("data");
        ArrayNode metrics = data.putArray("metrics");
        run.metrics().forEach(m -> metrics.add(metric(m)));
        data.set("params", keyValues(run.params()));
        data.set("tags", keyValues(run.tags()));
        o.putObject("inputs");
        return o;
    }

    static ObjectNode runInfo(RunInfo info) {
        ObjectNode o = F.objectNode();
        o.put("run_id", info.runId());
        o.put("run_uuid", info.runId());
        o.put("run_name", info.runName());
        o.put("experiment_id", info.experimentId());
        o.put("user_id", info.userId() == null ? "" : info.userId());
        o.put("status", info.status().name());
        o.put("start_time", info.startTime());
        if (info.endTime() != null) {
            o.put("end_time", info.endTime());
        }
        o.put("artifact_uri", info.artifactUri());
        o.put("lifecycle_stage", info.lifecycleStage());
        return o;
    }

    static ObjectNode metric(Metric m) {
        ObjectNode o = F.objectNode();
        o.put("key", m.key());
        o.put("value", m.value());
        o.put("timestamp", m.timestamp());
        o.put("step", m.step());
        return o;
    }

    static ArrayNode metrics(List<Metric> metrics) {
        ArrayNode a = F.arrayNode();
        metrics.forEach(m -> a.add(metric(m)));
        return a;
    }

    /**
     * @param latestVersions the newest version in each stage that has one
     */
    static ObjectNode registeredModel(RegisteredModel m, Collection<ModelVersion> latestVersions) {
        ObjectNode o = F.objectNode();
        o.put("name", m.name());
        o.put("creation_timestamp", m.creationTimestamp());
        o.put("last_updated_timestamp", m.lastUpdatedTimestamp());
        if (m.description() != null) {
            o.put("description", m.description());
        }
        ArrayNode latest = o.putArray("latest_versions");
        latestVersions.forEach(v -> latest.add(modelVersion(v, m.aliases())));
        o.set("tags", keyValues(m.tags()));
        ArrayNode aliases = o.putArray("aliases");
        new TreeMap<>(m.aliases()).forEach((alias, version) ->
                aliases.addObject().put("alias", alias).put("version", Integer.toString(version)));
        return o;
    }

    /**
     * @param modelAliases all aliases of the version's model (alias to version); the version's own are listed
     */
    static ObjectNode modelVersion(ModelVersion v, Map<String, Integer> modelAliases) {
        ObjectNode o = F.objectNode();
        o.put("name", v.name());
        o.put("version", Integer.toString(v.version()));
        o.put("creation_timestamp", v.creationTimestamp());
        o.put("last_updated_timestamp", v.lastUpdatedTimestamp());
        o.put("current_stage", v.stage().mlflowName());
        o.put("description", v.description() == null ? "" : v.description());
        o.put("source", v.source());
        if (v.runId() != null) {
            o.put("run_id", v.runId());
        }
        o.put("status", "READY");
        o.set("tags", keyValues(v.tags()));
        ArrayNode aliases = o.putArray("aliases");
        new TreeMap<>(modelAliases).forEach((alias, version) -> {
            if (version == v.version()) {
                aliases.add(alias);
            }
        });
        return o;
    }

    private static ArrayNode keyValues(Map<String, String> map) {
        ArrayNode a = F.arrayNode();
        new TreeMap<>(map).forEach((k, v) -> a.addObject().put("key", k).put("value", v));
        return a;
    }
}
