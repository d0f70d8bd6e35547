package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.chimp.api.ModelConfig;
import org.chimp.api.Names;
import org.chimp.api.Task;
import org.chimp.api.TaskModel;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.image.ImageScope;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * {@code POST /model/{name}/infer?stage=production|staging}: CHIMP's original inference endpoint, for a model of any
 * task. The body is {@code {"inputs": <one value or a batch>}}; the task's input type reads it (and says what is a
 * batch), its output type writes the {@code predictions} of the answer.
 */
public final class ChimpInference {
    private final Deployments deployments;
    private final int maxBatch;

    ChimpInference(Deployments deployments, int maxBatch) {
        this.deployments = deployments;
        this.maxBatch = maxBatch;
    }

    void infer(Context ctx) {
        try (Lease lease = lease(ctx); ImageScope decoded = ImageScope.open()) {
            // Decoded images count against the in-flight pixel budget until this request is done with them.
            ctx.json(infer(lease, lease.served(), Requests.jsonBody(ctx), ClientGone.of(ctx)));
        }
    }

    private <I, O> ObjectNode infer(Lease lease, TaskModel<I, O> served, JsonNode body, BooleanSupplier gone) {
        Task<I, O> task = served.task();
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || inputs.isNull()) {
            throw ClientErrorException.invalid("The body must be {\"inputs\": <one input or a list of inputs>}; this model is of task '"
                    + task.id() + "', whose input schema and an example GET /tasks shows");
        }
        // The batch is counted before any input is decoded.
        List<I> values = task.input().fromJsonBatch(inputs, maxBatch);
        List<O> results = lease.runRequest(served.model(), values, gone);
        return response(lease, task, results, task.input().isBatch(inputs));
    }

    /**
     * What answers: the version pinned by {@code ?version=N}, else the user's ({@code ?id=}) personal version if
     * they have one, else the {@code ?stage=}'s version. A pinned version cannot be combined with the others.
     */
    private Lease lease(Context ctx) {
        String name = ctx.pathParam("name");
        String version = ctx.queryParam("version");
        if (version == null) {
            return deployments.get(name, stage(ctx.queryParam("stage")), user(ctx));
        }
        if (ctx.queryParam("stage") != null || ctx.queryParam("id") != null) {
            throw ClientErrorException.invalid("Query parameter 'version' pins one version; leave out 'stage' and 'id' with it");
        }
        return deployments.get(name, version("Query parameter 'version'", version));
    }

    /** A version number given in a URL; a 400 naming {@code what} unless it is a whole number from 1. */
    static int version(String what, String value) {
        if (!value.matches("[1-9][0-9]{0,8}")) {
            throw ClientErrorException.invalid(what + " must be a whole number from 1, got " + Quote.json(TextNode.valueOf(value)));
        }
        return Integer.parseInt(value);
    }

    /** The {@code id} query parameter: a user whose personal version should answer, or null. */
    static String user(Context ctx) {
        String id = ctx.queryParam("id");
        if (id == null) {
            return null;
        }
        try {
            return Names.user(id);
        } catch (ClientErrorException e) {
            throw ClientErrorException.invalid("Query parameter 'id': " + e.getMessage());
        }
    }

    /**
     * The body {@code /infer} answers for the results of a lease's model, one per input of a batch: metadata and what
     * the task's output type writes (for classification: predictions under the model's output name, labels and
     * predicted labels). Public so other ways of running a served model (on-chain jobs) answer exactly the same.
     * 422 if the output type finds a result it cannot send (a score that is not finite).
     */
    public static ObjectNode response(Lease lease, List<?> results) {
        return typedResponse(lease, lease.served().task(), results);
    }

    private static <O> ObjectNode typedResponse(Lease lease, Task<?, O> task, List<?> results) {
        Class<O> type = task.output().valueType();
        List<O> typed = results.stream().map(r -> {
            if (!type.isInstance(r)) {
                throw new IllegalArgumentException("task '" + task.id() + "' answers " + type.getSimpleName() + ", not " + r);
            }
            return type.cast(r);
        }).toList();
        return response(lease, task, typed, true);
    }

    private static <O> ObjectNode response(Lease lease, Task<?, O> task, List<O> results, boolean batch) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results");
        }
        Outputs.sendable(lease, task.output(), results);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("metadata", metadata(lease));
        task.output().writePredictions(out, results, batch, Signatures.outputName(lease.served()));
        return out;
    }

    static ObjectNode metadata(Lease lease) {
        ModelVersion v = lease.version();
        ModelConfig config = v.config();
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("name", v.name()).put("version", v.version()).put("stage", v.stage().mlflowName()).put("run_id", v.runId())
                .put("task", config.task()).put("architecture", config.architecture()).put("source", v.source())
                .put("personal", lease.personal());
        m.putObject("flavors").putObject(Signatures.flavor(lease.served()));
        m.set("signature", Signatures.mlflow(lease.served()));
        ServedVersion.addTo(m, lease);
        return m;
    }

    static Stage stage(String param) {
        if (param == null || param.isBlank() || param.equalsIgnoreCase("production")) {
            return Stage.PRODUCTION;
        }
        if (param.equalsIgnoreCase("staging")) {
            return Stage.STAGING;
        }
        throw ClientErrorException.invalid("Query parameter 'stage' must be one of production, staging; got '" + param + "'");
    }
}
