package org.chimp.tracking.http;

import io.javalin.Javalin;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.tracking.registry.Lineage;

/** {@code GET /api/2.0/chimp/lineage?name=&version=}: where a model version came from (see {@link Lineage}). */
public final class LineageRoutes implements Routes {
    private final Lineage lineage;

    public LineageRoutes(Lineage lineage) {
        this.lineage = lineage;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/api/2.0/chimp/lineage", ctx -> {
            String name = ctx.queryParam("name");
            String version = ctx.queryParam("version");
            if (name == null || version == null) {
                throw ClientErrorException.invalid("GET /api/2.0/chimp/lineage takes the query parameters 'name' (a registered model) and 'version'");
            }
            Names.modelName(name);
            if (!version.matches("[1-9][0-9]{0,8}")) {
                throw ClientErrorException.invalid("version is a model version number from 1, got '" + version.codePoints().limit(40)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "'");
            }
            var found = lineage.of(name, Integer.parseInt(version)).orElseThrow(() -> ClientErrorException.notFound(
                    "Model '" + name + "' has no version " + version));
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(found));
        });
    }
}
