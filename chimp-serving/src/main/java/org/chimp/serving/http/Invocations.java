package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.RunContext;
import org.chimp.api.Task;
import org.chimp.api.TaskModel;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImageScope;
import org.chimp.api.tensor.PreprocessedInput;
import org.chimp.api.tensor.Tensor;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.Stage;

/**
 * {@code POST /invocations}: MLflow's scoring protocol (what {@code mlflow models serve} answers), for the Production
 * version of one configured model. The body is {@code {"instances": [...]}}, {@code {"inputs": [...]}} or
 * {@code {"dataframe_split": {"columns": [...], "data": [[...], ...]}}}; the answer {@code {"predictions": [...]}}.
 * An instance that is a flat list of numbers is a preprocessed feature vector when the model takes those (an image
 * classifier's {@code [N, F]} input); anything else is read by the task's input type. A one-column data frame's
 * rows are its values; a wider one's rows are feature vectors.
 */
final class Invocations {
    private static final String FORMS = "{\"instances\": [...]}, {\"inputs\": [...]} or "
            + "{\"dataframe_split\": {\"columns\": [...], \"data\": [[...], ...]}}";

    private final Deployments deployments;
    private final String model;
    private final int maxBatch;

    /** @param model the model answering, or null when none is configured (then the route says how to set one) */
    Invocations(Deployments deployments, String model, int maxBatch) {
        this.deployments = deployments;
        this.model = model;
        this.maxBatch = maxBatch;
    }

    void invoke(Context ctx) {
        if (model == null) {
            throw ClientErrorException.notFound("No model answers /invocations on this server; start it with "
                    + "--invocations-model NAME (env CHIMP_INVOCATIONS_MODEL) or use POST /model/{name}/infer");
        }
        try (Lease lease = deployments.get(model, Stage.PRODUCTION); ImageScope decoded = ImageScope.open()) {
            List<JsonNode> instances = instances(Requests.jsonBody(ctx));
            ctx.json(predict(lease, lease.served(), instances, ClientGone.of(ctx)));
        }
    }

    @SuppressWarnings("unchecked")
    private <I, O> ObjectNode predict(Lease lease, TaskModel<I, O> served, List<JsonNode> instances,
                                      java.util.function.BooleanSupplier gone) {
        Task<I, O> task = served.task();
        List<O> results;
        Tensor features = features(instances);
        if (features != null && served.model() instanceof PreprocessedInput<?> pre && pre.acceptsPreprocessed(features)) {
            results = lease.request(() -> ((PreprocessedInput<O>) pre).runPreprocessed(features, RunContext.defaults()), gone);
        } else {
            List<I> values = new ArrayList<>(instances.size());
            instances.forEach(n -> values.add(task.input().fromJson(n)));
            results = lease.runRequest(served.model(), values, gone);
        }
        Outputs.sendable(lease, task.output(), results);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode predictions = out.putArray("predictions");
        results.forEach(r -> predictions.add(task.output().toJson(r)));
        return out;
    }

    /** The request's instances, counted against the batch bound before any is decoded. */
    private List<JsonNode> instances(JsonNode body) {
        JsonNode list = null;
        if (body.isObject() && body.size() == 1) {
            if (body.has("instances")) {
                list = body.get("instances");
            } else if (body.has("inputs")) {
                list = body.get("inputs");
            } else if (body.has("dataframe_split")) {
                list = frameRows(body.get("dataframe_split"));
            }
        }
        if (list == null || !list.isArray()) {
            throw ClientErrorException.invalid("The body must be one of " + FORMS);
        }
        if (list.isEmpty() || list.size() > maxBatch) {
            throw ClientErrorException.invalid("Send 1 to " + maxBatch + " instances per request, got " + list.size());
        }
        List<JsonNode> out = new ArrayList<>(list.size());
        list.forEach(out::add);
        return out;
    }

    /** A data frame's rows as instances: a one-column frame's values, a wider frame's rows. */
    private static JsonNode frameRows(JsonNode frame) {
        JsonNode columns = frame.path("columns");
        JsonNode data = frame.path("data");
        if (!data.isArray() || (!columns.isMissingNode() && !columns.isArray())) {
            throw ClientErrorException.invalid("'dataframe_split' must be {\"columns\": [...], \"data\": [[...], ...]}");
        }
        if (columns.size() != 1) {
            return data;
        }
        ArrayNode values = Json.MAPPER.createArrayNode();
        for (JsonNode row : data) {
            if (!row.isArray() || row.size() != 1) {
                throw ClientErrorException.invalid("Every row of a one-column 'dataframe_split' must hold one value, got " + row);
            }
            values.add(row.get(0));
        }
        return values;
    }

    /** The instances as an {@code [N, F]} FP32 tensor when every one is a flat list of F numbers; else null. */
    private Tensor features(List<JsonNode> instances) {
        int width = instances.get(0).size();
        for (JsonNode row : instances) {
            if (!row.isArray() || row.size() != width || width == 0) {
                return null;
            }
            for (JsonNode v : row) {
                if (!v.isNumber()) {
                    return null;
                }
            }
        }
        ObjectNode t = Json.MAPPER.createObjectNode().put("name", "instances").put("datatype", "FP32");
        t.putArray("shape").add(instances.size()).add(width);
        instances.forEach(t.putArray("data")::add);
        return Tensor.parse(t, maxBatch);
    }
}
