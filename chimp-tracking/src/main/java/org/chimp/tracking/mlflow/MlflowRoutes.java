package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;

/**
 * MLflow's tracking and registry REST API, under {@code /api/2.0/mlflow/} (clients) and {@code /ajax-api/2.0/mlflow/}
 * (MLflow's web UI). Errors use MLflow's {@code {"error_code", "message"}} shape rather than CHIMP's, because
 * MLflow clients parse it.
 */
public final class MlflowRoutes implements Routes {
    /** The prefixes every endpoint is served under. */
    public static final List<String> PREFIXES = List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/");

    private final List<Route> routes = new ArrayList<>();

    record Route(HandlerType method, String path, Endpoint endpoint) {
    }

    public MlflowRoutes(TrackingStore tracking, ModelRegistry registry) {
        new ExperimentEndpoints(tracking).addTo(this);
        new RunEndpoints(tracking).addTo(this);
        new ArtifactListing(tracking).addTo(this);
        new RegisteredModelEndpoints(registry).addTo(this);
        new ModelVersionEndpoints(registry, tracking).addTo(this);
    }

    void get(String path, Endpoint endpoint) {
        routes.add(new Route(HandlerType.GET, path, endpoint));
    }

    void post(String path, Endpoint endpoint) {
        routes.add(new Route(HandlerType.POST, path, endpoint));
    }

    /** Search-like endpoints MLflow serves with both methods. */
    void getAndPost(String path, Endpoint endpoint) {
        get(path, endpoint);
        post(path, endpoint);
    }

    /** An update MLflow serves with PATCH; POST too, for clients that only post (the Java client's sendPost). */
    void patchOrPost(String path, Endpoint endpoint) {
        routes.add(new Route(HandlerType.PATCH, path, endpoint));
        post(path, endpoint);
    }

    /** A removal MLflow serves with DELETE; POST too, for clients that cannot send DELETE. */
    void deleteOrPost(String path, Endpoint endpoint) {
        delete(path, endpoint);
        post(path, endpoint);
    }

    void delete(String path, Endpoint endpoint) {
        routes.add(new Route(HandlerType.DELETE, path, endpoint));
    }

    @Override
    public void addTo(Javalin app) {
        for (String prefix : PREFIXES) {
            for (Route r : routes) {
                app.addHttpHandler(r.method(), prefix + r.path(), ctx -> handle(ctx, r.endpoint()));
            }
        }
    }

    // Wrapped here rather than left to the global error handler, which would answer in CHIMP's error shape.
    private static void handle(Context ctx, Endpoint endpoint) throws JsonProcessingException {
        ObjectNode body;
        int status = 200;
        try {
            body = endpoint.handle(MlflowRequest.of(ctx));
        } catch (ClientErrorException e) {
            MlflowError error = MlflowError.of(e);
            status = error.status();
            body = Json.MAPPER.valueToTree(error);
        }
        ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
    }
}
