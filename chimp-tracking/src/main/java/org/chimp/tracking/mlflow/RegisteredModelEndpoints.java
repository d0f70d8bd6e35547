package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.tracking.mlflow.PageToken.Page;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegisteredModel;
import org.chimp.tracking.registry.Stage;

/** MLflow's registered-models endpoints, aliases included. */
final class RegisteredModelEndpoints {
    private final ModelRegistry registry;

    RegisteredModelEndpoints(ModelRegistry registry) {
        this.registry = registry;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("registered-models/create", r -> model(registry.createModel(r.required("name"),
                r.optional("description"), r.keyValues("tags"))));
        routes.get("registered-models/get", r -> model(registry.model(r.required("name"))));
        routes.post("registered-models/rename", r -> model(registry.renameModel(r.required("name"), r.required("new_name"))));
        routes.patchOrPost("registered-models/update", r -> model(registry.updateModel(r.required("name"), r.optional("description"))));
        routes.deleteOrPost("registered-models/delete", r -> {
            registry.deleteModel(r.required("name"));
            return MlflowJson.object();
        });
        routes.getAndPost("registered-models/search", this::search);
        routes.getAndPost("registered-models/get-latest-versions", this::latestVersions);
        routes.post("registered-models/set-tag", r -> {
            registry.setModelTag(r.required("name"), r.required("key"), r.present("value"));
            return MlflowJson.object();
        });
        routes.deleteOrPost("registered-models/delete-tag", r -> {
            registry.deleteModelTag(r.required("name"), r.required("key"));
            return MlflowJson.object();
        });
        routes.post("registered-models/alias", r -> {
            registry.setAlias(r.required("name"), r.required("alias"), r.version());
            return MlflowJson.object();
        });
        routes.delete("registered-models/alias", r -> {
            registry.deleteAlias(r.required("name"), r.required("alias"));
            return MlflowJson.object();
        });
        routes.get("registered-models/alias", r -> ModelVersionEndpoints.version(registry,
                registry.byAlias(r.required("name"), r.required("alias"))));
    }

    private ObjectNode search(MlflowRequest r) {
        String filter = r.optional("filter");
        List<String> orderBy = r.strings("order_by");
        Page<RegisteredModel> page = Page.fetch(r.maxResults(100, 1000), r.optional("page_token"),
                List.of(String.valueOf(filter), orderBy), (max, offset) -> registry.searchModels(filter, orderBy, max, offset));
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("registered_models");
        page.items().forEach(m -> a.add(MlflowJson.registeredModel(m, latestPerStage(m.name(), List.of(Stage.values())))));
        return MlflowJson.withToken(o, page);
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

    private List<ModelVersion> latestPerStage(String name, List<Stage> stages) {
        List<ModelVersion> out = new ArrayList<>();
        stages.forEach(s -> registry.latest(name, s).ifPresent(out::add));
        return out;
    }

    private ObjectNode model(RegisteredModel m) {
        return MlflowJson.wrap("registered_model", MlflowJson.registeredModel(m, latestPerStage(m.name(), List.of(Stage.values()))));
    }
}
