package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterType;
import org.chimp.api.vision.FaceDetection;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.serving.Deployments;
import org.chimp.serving.LoadedModel;
import org.chimp.serving.ModelReadiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API, compatible with CHIMP's serving_api ({@code /ping}, {@code /model},
 * {@code /model/{name}/infer}) plus the Open Inference Protocol ({@code /v2/...}) that KServe clients speak, and the
 * catalogue of tasks and architectures ({@code /tasks}, {@code /architectures}).
 */
public final class ServingRoutes implements Routes {
    /** The most images one request may carry; bigger batches hold a model (and a core) for too long. */
    public static final int MAX_BATCH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(ServingRoutes.class);

    private final Deployments deployments;
    private final ChimpInference chimp;
    private final OpenInference oip;
    private final FaceInference faces;
    private final TextStreaming streaming;
    private final Catalog catalog;
    private final Invocations invocations;

    /** Routes without face detection ({@code /model/{name}/faces} answers 503). */
    public ServingRoutes(Deployments deployments) {
        this(deployments, FaceDetection.off("no face detector was configured"));
    }

    public ServingRoutes(Deployments deployments, FaceDetection detection) {
        this(deployments, detection, null);
    }

    /** @param invocationsModel the model {@code POST /invocations} (MLflow's scoring protocol) runs, or null for none */
    public ServingRoutes(Deployments deployments, FaceDetection detection, String invocationsModel) {
        this.deployments = deployments;
        this.invocations = new Invocations(deployments, invocationsModel, MAX_BATCH);
        this.chimp = new ChimpInference(deployments, MAX_BATCH);
        this.oip = new OpenInference(deployments, MAX_BATCH);
        this.faces = new FaceInference(deployments, detection);
        this.streaming = new TextStreaming(deployments);
        this.catalog = new Catalog(deployments.architectures());
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/ping", ctx -> ctx.contentType("text/plain").result("pong"));
        app.get("/tasks", catalog::tasks);
        app.get("/architectures", catalog::architectures);
        app.get("/model", this::models);
        app.post("/model/{name}/infer", chimp::infer);
        app.post("/model/{name}/faces", faces::faces);
        app.post("/model/{name}/generate", streaming::generate);
        app.get("/v2/health/live", ctx -> ctx.json(Json.MAPPER.createObjectNode().put("live", true)));
        app.get("/v2/health/ready", this::ready);
        app.post("/invocations", invocations::invoke);
        app.get("/v2", oip::server);
        app.get("/v2/models/{name}", oip::metadata);
        app.get("/v2/models/{name}/ready", oip::ready);
        app.post("/v2/models/{name}/infer", oip::infer);
        app.get("/v2/models/{name}/versions/{version}", oip::metadata);
        app.get("/v2/models/{name}/versions/{version}/ready", oip::versionReady);
        app.post("/v2/models/{name}/versions/{version}/infer", oip::infer);
    }

    private void models(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("status", "ok");
        var updated = out.putArray("updated_models");
        if (flag(ctx, "reload_models")) {
            deployments.reload().forEach(updated::add);
        }
        ObjectNode data = out.putObject("data");
        var loaded = data.putArray("loaded_models");
        for (LoadedModel m : deployments.loaded()) {
            ObjectNode entry = loaded.addObject().put("name", m.name()).put("stage", m.stage()).put("version", m.version())
                    .put("version_stage", m.versionStage());
            ServedVersion.addTo(entry, m.failedLoad());
        }
        deployments.available().forEach(data.putArray("available_models")::add);
        ctx.json(out);
    }

    /**
     * Ready when every registered model with a Production version has a version loaded (an older one answering
     * while a newer one fails to load counts, and is listed); otherwise 503 naming the models not ready. The first
     * call queues the loading of Production models nobody has asked for yet.
     */
    private void ready(Context ctx) {
        List<ModelReadiness> models;
        try {
            models = deployments.readiness();
        } catch (RuntimeException e) {
            LOG.warn("Readiness check failed: the model registry could not be read", e);
            ctx.status(503).json(Json.MAPPER.createObjectNode().put("ready", false)
                    .put("message", "the model registry could not be read; the server log has the details"));
            return;
        }
        boolean ready = models.stream().allMatch(ModelReadiness::ready);
        ObjectNode out = Json.MAPPER.createObjectNode().put("ready", ready);
        ArrayNode list = out.putArray("models");
        for (ModelReadiness m : models) {
            ObjectNode n = list.addObject().put("name", m.name()).put("ready", m.ready());
            if (m.reason() != null) {
                n.put("message", m.reason());
            }
        }
        ctx.status(ready ? 200 : 503).json(out);
    }

    private static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return false;
        }
        JsonNode b = ParameterType.BOOLEAN.parseText(v);
        if (b == null) {
            throw ClientErrorException.invalid("Query parameter '" + name + "' must be true or false, got '" + v + "'");
        }
        return b.asBoolean();
    }
}
