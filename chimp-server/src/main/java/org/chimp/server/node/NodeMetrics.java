package org.chimp.server.node;

import com.zaxxer.hikari.HikariDataSource;
import org.chimp.http.metrics.ChimpMetrics;
import java.util.Set;
import org.chimp.jobs.metrics.JobMetrics;
import org.chimp.training.runner.TrainingService;

/**
 * Binds the meters every process has, whatever its roles: the database pool ({@code hikaricp.*}, HikariCP's own
 * Micrometer support) and the job system's gauges. Serving's are bound when a port serves it; the worker's job
 * timer wraps its handlers.
 */
final class NodeMetrics {
    private NodeMetrics() {
    }

    static void bind(ChimpServices services, ChimpMetrics metrics) {
        if (services.dataSource() instanceof HikariDataSource pool) {
            pool.setMetricRegistry(metrics.registry());
        }
        JobMetrics.bind(services.jobs(), metrics, Set.of(TrainingService.QUEUE));
    }
}
