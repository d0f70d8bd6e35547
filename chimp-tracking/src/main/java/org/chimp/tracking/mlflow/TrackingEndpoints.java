package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.tracking.Experiment;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.mlflow.PageToken.Page;

/** MLflow's experiments, runs and metrics endpoints. */
final class TrackingEndpoints {
    private final TrackingStore store;

    TrackingEndpoints(TrackingStore store) {
        this.store = store;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("experiments/create", this::createExperiment);
        routes.get("experiments/get", r -> experiment(store.getExperiment(r.required("experiment_id"))));
        routes.get("experiments/get-by-name", r -> experiment(store.getExperimentByName(r.required("experiment_name"))));
        routes.getAndPost("experiments/search", this::searchExperiments);
        routes.post("runs/create", this::createRun);
        routes.get("runs/get", r -> run(store.getRun(runId(r))));
        routes.post("runs/update", this::updateRun);
        routes.post("runs/log-metric", this::logMetric);
        routes.post("runs/log-parameter", r -> {
            store.logParam(runId(r), r.required("key"), r.present("value"));
            return MlflowJson.object();
        });
        routes.post("runs/set-tag", r -> {
            store.setTag(runId(r), r.required("key"), r.present("value"));
            return MlflowJson.object();
        });
        routes.post("runs/log-batch", this::logBatch);
        routes.getAndPost("runs/search", this::searchRuns);
        routes.get("metrics/get-history", this::metricHistory);
    }

    private ObjectNode createExperiment(MlflowRequest r) {
        String id = store.createExperiment(r.required("name"), r.optional("artifact_location"), r.keyValues("tags"));
        ObjectNode o = MlflowJson.object();
        o.put("experiment_id", id);
        return o;
    }

    private ObjectNode searchExperiments(MlflowRequest r) {
        Page<Experiment> page = Page.fetch(r.maxResults(1000, 50_000), r.optional("page_token"), store::searchExperiments);
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("experiments");
        page.items().forEach(e -> a.add(MlflowJson.experiment(e)));
        return withToken(o, page);
    }

    private ObjectNode createRun(MlflowRequest r) {
        String experimentId = r.optional("experiment_id");
        var info = store.createRun(experimentId == null || experimentId.isEmpty() ? TrackingStore.DEFAULT_EXPERIMENT_ID : experimentId,
                r.optional("run_name"), r.optional("user_id"), r.optionalLong("start_time", System.currentTimeMillis()),
                r.keyValues("tags"));
        return run(store.getRun(info.runId()));
    }

    private ObjectNode updateRun(MlflowRequest r) {
        String status = r.optional("status");
        String endTime = r.optional("end_time");
        var info = store.updateRun(runId(r), status == null || status.isEmpty() ? null : RunStatus.parse(status),
                endTime == null || endTime.isEmpty() ? null : r.requiredLong("end_time"), r.optional("run_name"));
        ObjectNode o = MlflowJson.object();
        o.set("run_info", MlflowJson.runInfo(info));
        return o;
    }

    private ObjectNode logMetric(MlflowRequest r) {
        store.logMetric(runId(r), metric(r));
        return MlflowJson.object();
    }

    private ObjectNode logBatch(MlflowRequest r) {
        List<Metric> metrics = new ArrayList<>();
        r.objects("metrics").forEach(m -> metrics.add(metric(m)));
        store.logBatch(runId(r), metrics, r.keyValues("params"), r.keyValues("tags"));
        return MlflowJson.object();
    }

    private ObjectNode searchRuns(MlflowRequest r) {
        List<String> experimentIds = r.strings("experiment_ids");
        Page<Run> page = Page.fetch(r.maxResults(1000, 50_000), r.optional("page_token"),
                (max, offset) -> store.searchRuns(experimentIds, max, offset));
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("runs");
        page.items().forEach(run -> a.add(MlflowJson.run(run)));
        return withToken(o, page);
    }

    private ObjectNode metricHistory(MlflowRequest r) {
        String key = r.required("metric_key");
        List<Metric> all = store.metricHistory(runId(r), key);
        Page<Metric> page = Page.fetch(r.maxResults(25_000, 25_000), r.optional("page_token"),
                (max, offset) -> all.subList(Math.min(offset, all.size()), Math.min(offset + max, all.size())));
        ObjectNode o = MlflowJson.object();
        o.set("metrics", MlflowJson.metrics(page.items()));
        return withToken(o, page);
    }

    private static Metric metric(MlflowRequest m) {
        return new Metric(m.required("key"), m.requiredDouble("value"), m.requiredLong("timestamp"), m.optionalLong("step", 0));
    }

    private static String runId(MlflowRequest r) {
        return r.required("run_id", "run_uuid");
    }

    private static ObjectNode experiment(Experiment e) {
        ObjectNode o = MlflowJson.object();
        o.set("experiment", MlflowJson.experiment(e));
        return o;
    }

    private static ObjectNode run(Run run) {
        ObjectNode o = MlflowJson.object();
        o.set("run", MlflowJson.run(run));
        return o;
    }

    static ObjectNode withToken(ObjectNode o, Page<?> page) {
        if (page.nextPageToken() != null) {
            o.put("next_page_token", page.nextPageToken());
        }
        return o;
    }
}
