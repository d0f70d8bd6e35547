package org.chimp.http.metrics;

import io.javalin.Javalin;
import org.chimp.http.Routes;

/**
 * {@code GET /metrics}: the process's meters in Prometheus' text format. Who may scrape is the access table's
 * business (an admin, or the scrape token given with {@code --metrics-token}).
 */
public final class MetricsRoutes implements Routes {
    public static final String PATH = "/metrics";
    /** Prometheus' text exposition format 0.0.4, what every Prometheus version scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ChimpMetrics metrics;

    public MetricsRoutes(ChimpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void addTo(Javalin app) {
        app.get(PATH, ctx -> ctx.contentType(CONTENT_TYPE).result(metrics.scrape()));
    }
}
