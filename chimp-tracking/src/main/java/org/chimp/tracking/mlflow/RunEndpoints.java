package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.RunInfo;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.ViewType;
import org.chimp.tracking.mlflow.PageToken.Page;

/** MLflow's runs and metrics endpoints. */
final class RunEndpoints {
    /** MLflow's limit on a log-batch request. */
    static final int MAX_BATCH_BYTES = 1_000_000;
    private final TrackingStore store;

    RunEndpoints(TrackingStore store) {
        this.store = store;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("runs/create", this::create);
        routes.get("runs/get", r -> run(store.getRun(runId(r))));
        routes.post("runs/update", this::update);
        routes.post("runs/delete", r -> done(() -> store.deleteRun(runId(r))));
        routes.post("runs/restore", r -> done(() -> store.restoreRun(runId(r))));
        routes.post("runs/log-metric", r -> done(() -> store.logMetric(runId(r), metric(r))));
        routes.post("runs/log-parameter", r -> done(() -> store.logParam(runId(r), r.required("key"), r.present("value"))));
        routes.post("runs/set-tag", r -> done(() -> store.setTag(runId(r), r.required("key"), r.present("value"))));
        routes.post("runs/delete-tag", r -> done(() -> store.deleteTag(runId(r), r.required("key"))));
        routes.post("runs/log-batch", this::logBatch);
        routes.getAndPost("runs/search", this::search);
        routes.get("metrics/get-history", this::metricHistory);
    }

    private ObjectNode create(MlflowRequest r) {
        String experimentId = r.optional("experiment_id");
        RunInfo info = store.createRun(experimentId == null || experimentId.isEmpty() ? TrackingStore.DEFAULT_EXPERIMENT_ID : experimentId,
                r.optional("run_name"), r.optional("user_id"), r.optionalLong("start_time", System.currentTimeMillis()),
                r.keyValues("tags"));
        return run(store.getRun(info.runId()));
    }

    private ObjectNode update(MlflowRequest r) {
        String status = r.optional("status");
        boolean endTime = r.has("end_time");
        RunInfo info = store.updateRun(runId(r), status == null || status.isEmpty() ? null : RunStatus.parse(status),
                endTime ? r.requiredLong("end_time") : null, r.optional("run_name"));
        return MlflowJson.wrap("run_info", MlflowJson.runInfo(info));
    }

    private ObjectNode logBatch(MlflowRequest r) {
        if (r.bodySize() > MAX_BATCH_BYTES) {
            throw ClientErrorException.invalid("A log-batch request may be at most " + MAX_BATCH_BYTES + " bytes, got "
                    + r.bodySize() + "; split it into several batches");
        }
        List<Metric> metrics = new ArrayList<>();
        r.objects("metrics").forEach(m -> metrics.add(metric(m)));
        store.logBatch(runId(r), metrics, r.keyValues("params"), r.keyValues("tags"));
        return MlflowJson.object();
    }

    private ObjectNode search(MlflowRequest r) {
        List<String> experimentIds = r.strings("experiment_ids");
        String filter = r.optional("filter");
        List<String> orderBy = r.strings("order_by");
        ViewType view = ViewType.parse(r.optional("run_view_type"));
        Page<Run> page = Page.fetch(r.maxResults(1000, 50_000), r.optional("page_token"),
                List.of(experimentIds, String.valueOf(filter), orderBy, view),
                (max, offset) -> store.searchRuns(experimentIds, filter, orderBy, view, max, offset));
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("runs");
        page.items().forEach(run -> a.add(MlflowJson.run(run)));
        return MlflowJson.withToken(o, page);
    }

    private ObjectNode metricHistory(MlflowRequest r) {
        String runId = runId(r);
        String key = r.required("metric_key");
        Page<Metric> page = Page.fetch(r.maxResults(25_000, 25_000), r.optional("page_token"), List.of(runId, key),
                (max, offset) -> store.metricHistory(runId, key, max, offset));
        ObjectNode o = MlflowJson.object();
        o.set("metrics", MlflowJson.metrics(page.items()));
        return MlflowJson.withToken(o, page);
    }

    private static ObjectNode done(Runnable action) {
        action.run();
        return MlflowJson.object();
    }

    private static Metric metric(MlflowRequest m) {
        return new Metric(m.required("key"), m.requiredDouble("value"), m.requiredLong("timestamp"), m.optionalLong("step", 0));
    }

    static String runId(MlflowRequest r) {
        return r.required("run_id", "run_uuid");
    }

    private static ObjectNode run(Run run) {
        return MlflowJson.wrap("run", MlflowJson.run(run));
    }
}
