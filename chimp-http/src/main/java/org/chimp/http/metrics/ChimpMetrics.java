package org.chimp.http.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one CHIMP process: a Prometheus registry with the JVM's memory, GC, thread, class and CPU meters
 * bound, which the modules add their meters to, and which every HTTP port of the process serves at
 * {@code /metrics}. Gauges that need a query (jobs by state, loaded models) are refreshed by hooks that run just
 * before each scrape, so nothing polls the database between scrapes.
 */
public final class ChimpMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChimpMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

    public ChimpMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry modules add their meters to. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Runs {@code hook} before every scrape (to refresh gauges read from the database); a failing hook is logged. */
    public void beforeScrape(Runnable hook) {
        beforeScrape.add(hook);
    }

    /** Every meter in Prometheus' text format (0.0.4), after the refresh hooks. */
    public String scrape() {
        for (Runnable hook : beforeScrape) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                // One backend being down must not take the JVM and HTTP metrics with it.
                LOG.warn("Refreshing metrics before a scrape failed: {}", e.toString());
            }
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
