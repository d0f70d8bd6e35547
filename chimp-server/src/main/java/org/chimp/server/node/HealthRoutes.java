package org.chimp.server.node;

import io.javalin.Javalin;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.chimp.http.Routes;

/** {@code GET /health}: whether the database answers; public, for load balancers and orchestrators. */
final class HealthRoutes implements Routes {
    private final DataSource ds;

    HealthRoutes(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/health", ctx -> {
            boolean dbUp;
            try (Connection c = ds.getConnection()) {
                dbUp = c.isValid(2);
            } catch (Exception e) {
                dbUp = false;
            }
            ctx.status(dbUp ? 200 : 503).json(Map.of("status", dbUp ? "UP" : "DOWN", "database", dbUp ? "UP" : "DOWN"));
        });
    }
}
