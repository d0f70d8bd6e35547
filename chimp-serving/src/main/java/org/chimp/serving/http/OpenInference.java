package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.chimp.api.RunContext;
import org.chimp.api.Task;
import org.chimp.api.TaskModel;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.image.ImageScope;
import org.chimp.api.tensor.PreprocessedInput;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSignature;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.Stage;

/**
 * The Open Inference Protocol (KServe v2, REST) for the Production version of a model of any task. One input tensor,
 * read by the task's input type ({@code [N, H, W(, C)]} pixels or {@code [N]} BYTES for images, {@code [N, 9]} cells
 * for game boards) unless the model takes it as preprocessed input ({@code [N, F]} FP32 features for an image
 * classifier); one output tensor, written by the task's output type ({@code [N, K]} FP32 scores, {@code [N]} INT32
 * moves).
 */
final class OpenInference {
    private static final String FORM = "one input tensor {\"name\", \"shape\", \"datatype\", \"data\"}; "
            + "GET /v2/models/{name} shows the model's tensors";

    private final Deployments deployments;
    private final int maxBatch;

    OpenInference(Deployments deployments, int maxBatch) {
        this.deployments = deployments;
        this.maxBatch = maxBatch;
    }

    void metadata(Context ctx) {
        try (Lease lease = deployments.get(ctx.pathParam("name"), Stage.PRODUCTION)) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("name", lease.version().name());
            out.putArray("versions").add(Integer.toString(lease.version().version()));
            out.put("platform", Signatures.platform(lease.served()));
            TensorSignature sig = Signatures.of(lease.served());
            Signatures.addOip(out.putArray("inputs"), sig.inputs());
            Signatures.addOip(out.putArray("outputs"), sig.outputs());
            ServedVersion.addTo(out, lease);
            ctx.json(out);
        }
    }

    /**
     * Ready when a version of the model answers; a model whose Production version cannot be loaded (and that has
     * no older version answering) is not ready: 503 with the reason. Unknown models stay 404s.
     */
    void ready(Context ctx) {
        String name = ctx.pathParam("name");
        try (Lease lease = deployments.get(name, Stage.PRODUCTION)) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("name", lease.version().name()).put("ready", true);
            ServedVersion.addTo(out, lease);
            ctx.json(out);
        } catch (ClientErrorException e) {
            if (e.status() != 409) {
                throw e;
            }
            ctx.status(503).json(Json.MAPPER.createObjectNode().put("name", name).put("ready", false).put("message", e.getMessage()));
        }
    }

    void infer(Context ctx) {
        try (Lease lease = deployments.get(ctx.pathParam("name"), Stage.PRODUCTION); ImageScope decoded = ImageScope.open()) {
            // Decoded images count against the in-flight pixel budget until this request is done with them.
            JsonNode body = Requests.jsonBody(ctx);
            Tensor in = tensor(body);
            Tensor result = infer(lease, lease.served(), in, ClientGone.of(ctx));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("model_name", lease.version().name());
            out.put("model_version", Integer.toString(lease.version().version()));
            if (body.hasNonNull("id")) {
                out.put("id", body.get("id").asText());
            }
            out.putArray("outputs").add(Json.MAPPER.valueToTree(result));
            ctx.json(out);
        }
    }

    @SuppressWarnings("unchecked")
    private <I, O> Tensor infer(Lease lease, TaskModel<I, O> served, Tensor in, BooleanSupplier gone) {
        Task<I, O> task = served.task();
        List<O> results;
        if (served.model() instanceof PreprocessedInput<?> pre && pre.acceptsPreprocessed(in)) {
            // A model of task O takes preprocessed input that gives the task's outputs.
            results = lease.request(() -> ((PreprocessedInput<O>) pre).runPreprocessed(in, RunContext.defaults()), gone);
        } else {
            List<I> values = task.input().fromTensor(in);
            results = lease.runRequest(served.model(), values, gone);
        }
        Outputs.sendable(lease, task.output(), results);
        return task.output().toTensor(Signatures.outputName(served), results);
    }

    /** The request's one input tensor, with its name, shape and batch size checked; values are read later. */
    private Tensor tensor(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || !inputs.isArray() || inputs.size() != 1 || !inputs.get(0).isObject()) {
            throw ClientErrorException.invalid("The body must have \"inputs\": [" + FORM + "]");
        }
        JsonNode id = body.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw ClientErrorException.invalid("The request 'id' must be a string, got " + Quote.json(id));
        }
        return Tensor.parse(inputs.get(0), maxBatch);
    }
}
