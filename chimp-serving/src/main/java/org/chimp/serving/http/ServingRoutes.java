package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterType;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.serving.Deployments;
import org.chimp.serving.LoadedModel;

/**
 * The serving API, compatible with CHIMP's serving_api ({@code /ping}, {@code /model},
 * {@code /model/{name}/infer}) plus the Open Inference Protocol ({@code /v2/...}) that KServe clients speak.
 */
public final class ServingRoutes implements Routes {
    /** The most images one request may carry; bigger batches hold a model (and a core) for too long. */
    public static final int MAX_BATCH = 64;

    private final Deployments deployments;
    private final ChimpInference chimp;
    private final OpenInference oip;

    public ServingRoutes(Deployments deployments) {
        this.deployments = deployments;
        this.chimp = new ChimpInference(deployments, MAX_BATCH);
        this.oip = new OpenInference(deployments, MAX_BATCH);
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/ping", ctx -> ctx.contentType("text/plain").result("pong"));
        app.get("/model", this::models);
        app.post("/model/{name}/infer", chimp::infer);
        app.get("/v2/health/live", ctx -> ctx.json(Json.MAPPER.createObjectNode().put("live", true)));
        app.get("/v2/health/ready", ctx -> ctx.json(Json.MAPPER.createObjectNode().put("ready", true)));
        app.get("/v2/models/{name}", oip::metadata);
        app.get("/v2/models/{name}/ready", oip::ready);
        app.post("/v2/models/{name}/infer", oip::infer);
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
            loaded.addObject().put("name", m.name()).put("stage", m.stage()).put("version", m.version());
        }
        deployments.available().forEach(data.putArray("available_models")::add);
        ctx.json(out);
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
