package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.mlflow.PageToken.Page;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegisteredModel;
import org.chimp.tracking.registry.Stage;

/** MLflow's registered-models and model-versions endpoints. */
final class RegistryEndpoints {
    private static final Pattern NAME_FILTER = Pattern.compile("\\s*name\\s*=\\s*(['\"])(.*)\\1\\s*");
    private final ModelRegistry registry;

    RegistryEndpoints(ModelRegistry registry) {
        this.registry = registry;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("registered-models/create", r -> registeredModel(registry.createModel(r.required("name"),
                r.optional("description"), r.keyValues("tags"))));
        routes.get("registered-models/get", r -> registeredModel(registry.model(r.required("name"))));
        routes.getAndPost("registered-models/search", this::searchModels);
        routes.getAndPost("registered-models/get-latest-versions", this::latestVersions);
        routes.get("model-versions/get", r -> modelVersion(registry.version(r.required("name"), r.requiredInt("version"))));
        routes.getAndPost("model-versions/search", this::searchVersions);
        routes.post("model-versions/transition-stage", r -> modelVersion(registry.transitionStage(r.required("name"),
                r.requiredInt("version"), Stage.parse(r.required("stage")), r.optionalBoolean("archive_existing_versions"))));
    }

    private ObjectNode searchModels(MlflowRequest r) {
        String filter = r.optional("filter");
        if (filter != null && !filter.isBlank()) {
            throw ClientErrorException.invalid("registered-models/search does not support filters yet; omit 'filter'");
        }
        Page<RegisteredModel> page = Page.fetch(r.maxResults(100, 1000), r.optional("page_token"), registry::models);
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("registered_models");
        page.items().forEach(m -> a.add(MlflowJson.registeredModel(m, latestPerStage(m.name(), List.of(Stage.values())))));
        return TrackingEndpoints.withToken(o, page);
    }

    private ObjectNode latestVersions(MlflowRequest r) {
        RegisteredModel model = registry.model(r.required("name"));
        List<Stage> stages = new ArrayList<>();
        r.strings("stages").forEach(s -> stages.add(Stage.parse(s)));
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("model_versions");
        latestPerStage(model.name(), stages.isEmpty() ? List.of(Stage.values()) : stages)
                .forEach(v -> a.add(MlflowJson.modelVersion(v, model.aliases())));
        return o;
    }

    private ObjectNode searchVersions(MlflowRequest r) {
        String filter = r.optional("filter");
        String name = null;
        if (filter != null && !filter.isBlank()) {
            Matcher m = NAME_FILTER.matcher(filter);
            if (!m.matches()) {
                throw ClientErrorException.invalid("Unsupported filter '" + filter + "': only name='<model name>' is supported");
            }
            name = m.group(2);
        }
        String modelName = name;
        Page<ModelVersion> page = Page.fetch(r.maxResults(10_000, 200_000), r.optional("page_token"),
                (max, offset) -> registry.versions(modelName, max, offset));
        Map<String, Map<String, Integer>> aliases = new HashMap<>();
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("model_versions");
        page.items().forEach(v -> a.add(MlflowJson.modelVersion(v,
                aliases.computeIfAbsent(v.name(), n -> registry.model(n).aliases()))));
        return TrackingEndpoints.withToken(o, page);
    }

    private List<ModelVersion> latestPerStage(String name, List<Stage> stages) {
        List<ModelVersion> out = new ArrayList<>();
        stages.forEach(s -> registry.latest(name, s).ifPresent(out::add));
        return out;
    }

    private ObjectNode registeredModel(RegisteredModel m) {
        ObjectNode o = MlflowJson.object();
        o.set("registered_model", MlflowJson.registeredModel(m, latestPerStage(m.name(), List.of(Stage.values()))));
        return o;
    }

    private ObjectNode modelVersion(ModelVersion v) {
        ObjectNode o = MlflowJson.object();
        o.set("model_version", MlflowJson.modelVersion(v, registry.model(v.name()).aliases()));
        return o;
    }
}
