package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.tracking.Experiment;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.ViewType;
import org.chimp.tracking.mlflow.PageToken.Page;

/** MLflow's experiments endpoints. */
final class ExperimentEndpoints {
    private final TrackingStore store;

    ExperimentEndpoints(TrackingStore store) {
        this.store = store;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("experiments/create", r -> {
            String id = store.createExperiment(r.required("name"), r.optional("artifact_location"), r.keyValues("tags"));
            return MlflowJson.object().put("experiment_id", id);
        });
        routes.get("experiments/get", r -> experiment(store.getExperiment(r.required("experiment_id"))));
        routes.get("experiments/get-by-name", r -> experiment(store.getExperimentByName(r.required("experiment_name"))));
        routes.getAndPost("experiments/search", this::search);
        routes.post("experiments/update", r -> {
            store.renameExperiment(r.required("experiment_id"), r.required("new_name"));
            return MlflowJson.object();
        });
        routes.post("experiments/delete", r -> {
            store.deleteExperiment(r.required("experiment_id"));
            return MlflowJson.object();
        });
        routes.post("experiments/restore", r -> {
            store.restoreExperiment(r.required("experiment_id"));
            return MlflowJson.object();
        });
        routes.post("experiments/set-experiment-tag", r -> {
            store.setExperimentTag(r.required("experiment_id"), r.required("key"), r.present("value"));
            return MlflowJson.object();
        });
    }

    private ObjectNode search(MlflowRequest r) {
        String filter = r.optional("filter");
        List<String> orderBy = r.strings("order_by");
        ViewType view = ViewType.parse(r.optional("view_type"));
        Page<Experiment> page = Page.fetch(r.maxResults(1000, 50_000), r.optional("page_token"), List.of(String.valueOf(filter), orderBy, view),
                (max, offset) -> store.searchExperiments(filter, orderBy, view, max, offset));
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("experiments");
        page.items().forEach(e -> a.add(MlflowJson.experiment(e)));
        return MlflowJson.withToken(o, page);
    }

    private static ObjectNode experiment(Experiment e) {
        return MlflowJson.wrap("experiment", MlflowJson.experiment(e));
    }
}
