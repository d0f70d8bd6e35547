package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import org.chimp.api.ModelConfig;
import org.chimp.api.Names;
import org.chimp.api.RunContext;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.chimp.api.image.ImageScope;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/** {@code POST /model/{name}/infer?stage=production|staging}: CHIMP's original inference endpoint. */
public final class ChimpInference {
    private static final ImageDataType IMAGES = new ImageDataType();

    private final Deployments deployments;
    private final int maxBatch;

    ChimpInference(Deployments deployments, int maxBatch) {
        this.deployments = deployments;
        this.maxBatch = maxBatch;
    }

    void infer(Context ctx) {
        Stage stage = stage(ctx.queryParam("stage"));
        try (Lease lease = deployments.get(ctx.pathParam("name"), stage, user(ctx)); ImageScope decoded = ImageScope.open()) {
            // Decoded images count against the in-flight pixel budget until this request is done with them.
            List<Image> images = images(Requests.jsonBody(ctx));
            List<Classification> results = lease.timed(() -> lease.model().runBatch(images, RunContext.defaults()));
            ctx.json(response(lease, results));
        }
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

    private List<Image> images(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || inputs.isNull()) {
            throw ClientErrorException.invalid("The body must be {\"inputs\": <image or list of images>}, each image a base64 "
                    + "PNG/JPEG string or nested pixel lists [H][W] or [H][W][C] (values 0-255)");
        }
        // The batch is counted before any image is decoded.
        return IMAGES.fromJsonBatch(inputs, maxBatch);
    }

    /**
     * The body {@code /infer} answers for the results of a lease's model, one per image: metadata, predictions
     * under the model's output name, labels and predicted labels. Public so other ways of running a served model
     * (on-chain jobs) answer exactly the same. 422 if a score is not finite.
     */
    public static ObjectNode response(Lease lease, List<Classification> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results");
        }
        Scores.finite(lease, results.stream().map(Classification::probabilities).toArray(float[][]::new));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("metadata", metadata(lease));
        ArrayNode rows = out.putObject("predictions").putArray(Signatures.outputName(lease.model()));
        for (Classification c : results) {
            ArrayNode row = rows.addArray();
            for (float p : c.probabilities()) {
                row.add(p);
            }
        }
        List<String> labels = results.get(0).labels();
        labels.forEach(out.putArray("labels")::add);
        ArrayNode predicted = out.putArray("predicted_labels");
        results.forEach(c -> predicted.add(c.bestLabel()));
        return out;
    }

    static ObjectNode metadata(Lease lease) {
        ModelVersion v = lease.version();
        ModelConfig config = v.config();
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("name", v.name()).put("version", v.version()).put("stage", v.stage().mlflowName()).put("run_id", v.runId())
                .put("task", config.task()).put("architecture", config.architecture()).put("source", v.source())
                .put("personal", lease.personal());
        m.putObject("flavors").putObject("onnx");
        m.set("signature", Signatures.mlflow(lease.model()));
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
