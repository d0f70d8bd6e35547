package org.chimp.tracking.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.client.ChimpPaths;

/**
 * {@code POST /api/2.0/chimp/models/rollback {"name": "emotion"}}: puts the previous Production version back in
 * Production and archives the current one ({@link ModelRegistry#rollback}); serving switches as for a promotion.
 * Answer: {@code {"model_version": {...the restored version, MLflow's shape}, "archived_versions": [4]}}; 404 for an
 * unknown model, 409 when there is no earlier Production version (nothing changes).
 */
public final class RollbackRoutes implements Routes {
    /** The endpoint's path. */
    public static final String PATH = ChimpPaths.ROLLBACK;

    private final ModelRegistry registry;

    public RollbackRoutes(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void addTo(Javalin app) {
        app.post(PATH, this::rollback);
    }

    private void rollback(Context ctx) throws Exception {
        JsonNode body = Requests.jsonBody(ctx);
        JsonNode name = body.get("name");
        if (!body.isObject() || name == null || !name.isTextual()) {
            throw ClientErrorException.invalid("POST " + PATH + " needs {\"name\": \"<registered model>\"}");
        }
        Names.modelName(name.asText());
        ModelRegistry.Rollback done = registry.rollback(name.asText());
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(RegisteredVersion.RolledBack.of(done)));
    }
}
