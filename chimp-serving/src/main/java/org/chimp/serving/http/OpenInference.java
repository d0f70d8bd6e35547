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
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.serving.ModelReadiness;
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

    /** The most outputs a request may name; models here have one. */
    private static final int MAX_OUTPUTS = 16;
    /** CHIMP's version, from the jar's manifest (absent when run from classes). */
    private static final String VERSION = java.util.Objects.requireNonNullElse(
            OpenInference.class.getPackage().getImplementationVersion(), "dev");

    private final Deployments deployments;
    private final int maxBatch;

    OpenInference(Deployments deployments, int maxBatch) {
        this.deployments = deployments;
        this.maxBatch = maxBatch;
    }

    /** {@code GET /v2}: the server's name, version and the protocol extensions it speaks. */
    void server(Context ctx) {
        ctx.json(new ServerMetadata("chimp", VERSION, List.of(BinaryTensors.EXTENSION)));
    }

    void metadata(Context ctx) {
        try (Lease lease = lease(ctx)) {
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
     * Ready when the Production version is loaded and answers (an older one answering while a newer one fails to
     * load counts); not ready (503, with the reason) while it is still loading - the check queues the load rather
     * than waiting for it - or when it cannot be loaded. Unknown models stay 404s.
     */
    void ready(Context ctx) {
        ModelReadiness r = deployments.readiness(ctx.pathParam("name"));
        ObjectNode out = Json.MAPPER.createObjectNode().put("name", r.name()).put("ready", r.ready());
        if (r.reason() != null) {
            out.put("message", r.reason());
        }
        ctx.status(r.ready() ? 200 : 503).json(out);
    }

    /** {@code GET /v2/models/{name}/versions/{version}/ready}: whether that version loads and answers. */
    void versionReady(Context ctx) {
        String name = ctx.pathParam("name");
        try (Lease lease = lease(ctx)) {
            ctx.json(Json.MAPPER.createObjectNode().put("name", name).put("ready", true));
        } catch (ClientErrorException e) {
            if (e.status() != 409) {
                throw e;
            }
            ctx.status(503).json(Json.MAPPER.createObjectNode().put("name", name).put("ready", false).put("message", e.getMessage()));
        }
    }

    void infer(Context ctx) throws java.io.IOException {
        try (Lease lease = lease(ctx); ImageScope decoded = ImageScope.open()) {
            // Decoded images count against the in-flight pixel budget until this request is done with them.
            OipRequest request = BinaryTensors.body(ctx);
            JsonNode body = request.json();
            Tensor in = tensor(request);
            checkOutputs(body.get("outputs"), Signatures.outputName(lease.served()));
            Tensor result = infer(lease, lease.served(), in, ClientGone.of(ctx));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("model_name", lease.version().name());
            out.put("model_version", Integer.toString(lease.version().version()));
            if (body.hasNonNull("id")) {
                out.put("id", body.get("id").asText());
            }
            ObjectNode output = Json.MAPPER.valueToTree(result);
            out.putArray("outputs").add(output);
            if (BinaryTensors.wanted(body, result.name())) {
                BinaryTensors.send(ctx, out, output, result);
            } else {
                ctx.json(out);
            }
        }
    }

    /**
     * The version a /v2 route names: {@code /versions/{version}} pins one, else the Production version, or the
     * personal version of the user in {@code ?id=} when they have one.
     */
    private Lease lease(Context ctx) {
        String name = ctx.pathParam("name");
        String version = ctx.pathParamMap().get("version");
        if (version == null) {
            return deployments.get(name, Stage.PRODUCTION, ChimpInference.user(ctx));
        }
        return deployments.get(name, ChimpInference.version("The model version in the path", version));
    }

    /** The request's {@code outputs}: absent, or a list naming outputs this model has ({@code [{"name": ...}]}). */
    private static void checkOutputs(JsonNode outputs, String available) {
        if (outputs == null || outputs.isNull()) {
            return;
        }
        if (!outputs.isArray() || outputs.size() > MAX_OUTPUTS) {
            throw ClientErrorException.invalid("'outputs' must be a list of up to " + MAX_OUTPUTS + " {\"name\"} objects, got "
                    + Quote.json(outputs));
        }
        for (JsonNode o : outputs) {
            JsonNode name = o.path("name");
            if (!name.isTextual()) {
                throw ClientErrorException.invalid("Every requested output needs a \"name\", got " + Quote.json(o));
            }
            if (!name.asText().equals(available)) {
                throw ClientErrorException.invalid("Unknown output " + Quote.json(name) + "; this model has output '"
                        + available + "' (GET /v2/models/{name} lists it)");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <I, O> Tensor infer(Lease lease, TaskModel<I, O> served, Tensor in, BooleanSupplier gone) {
        Task<I, O> task = served.task();
        List<O> results;
        if (served.model() instanceof PreprocessedInput<?> pre && pre.acceptsPreprocessed(in)) {
            // A model of task O takes preprocessed input that gives the task's outputs.
            PreprocessedInput<O> model = (PreprocessedInput<O>) pre;
            results = lease.queueConfig().batching()
                    ? lease.runBatched(TensorRows.split(in), gone, rows -> model.runPreprocessed(TensorRows.join(rows), RunContext.defaults()))
                    : lease.request(() -> model.runPreprocessed(in, RunContext.defaults()), gone);
        } else {
            List<I> values = task.input().fromTensor(in);
            results = lease.runRequest(served.model(), values, gone);
        }
        Outputs.sendable(lease, task.output(), results);
        return task.output().toTensor(Signatures.outputName(served), results);
    }

    /** The request's one input tensor, with its name, shape and batch size checked; values are read later. */
    private Tensor tensor(OipRequest request) {
        JsonNode body = request.json();
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || !inputs.isArray() || inputs.size() != 1 || !inputs.get(0).isObject()) {
            throw ClientErrorException.invalid("The body must have \"inputs\": [" + FORM + "]");
        }
        JsonNode id = body.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw ClientErrorException.invalid("The request 'id' must be a string, got " + Quote.json(id));
        }
        JsonNode parameters = body.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw ClientErrorException.invalid("The request 'parameters' must be an object, got " + Quote.json(parameters));
        }
        return Tensor.parse(inputs.get(0), request.data().get(0), maxBatch).withRequestParameters(parameters);
    }
}
