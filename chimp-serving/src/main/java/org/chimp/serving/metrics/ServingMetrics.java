package org.chimp.serving.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.chimp.http.metrics.ChimpMetrics;
import org.chimp.serving.Deployments;
import org.chimp.serving.LoadedModel;

/**
 * Serving's gauges, read from the deployments at each scrape: {@code chimp.model.loaded.version} (the version
 * answering per model and stage; gone once unloaded) and {@code chimp.model.personal.loaded} (how many personal
 * versions are loaded, one number: a series per user would not be bounded). Model runs are timed by the
 * {@link InferenceTimer} this installs in the deployments.
 */
public final class ServingMetrics {
    private ServingMetrics() {
    }

    /** Adds serving's meters to the process's metrics and times the deployments' model runs. */
    public static void bind(Deployments deployments, ChimpMetrics metrics) {
        deployments.timeRunsWith(new InferenceTimer(metrics.registry()));
        MultiGauge loaded = MultiGauge.builder("chimp.model.loaded.version")
                .description("The model version each (model, stage) deployment answers with").register(metrics.registry());
        metrics.beforeScrape(() -> {
            List<LoadedModel> now = deployments.loaded();
            loaded.register(now.stream().limit(InferenceTimer.MAX_MODELS * 2L)
                    .map(m -> MultiGauge.Row.of(Tags.of("model", m.name(), "stage", m.stage()), m.version()))
                    .toList(), true);
        });
        Gauge.builder("chimp.model.personal.loaded", deployments, d -> d.loadedPersonal().size())
                .description("Personal (calibrated) model versions loaded").register(metrics.registry());
    }
}
