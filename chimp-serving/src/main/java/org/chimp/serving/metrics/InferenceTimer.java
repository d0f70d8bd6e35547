package org.chimp.serving.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import org.chimp.http.metrics.BoundedValues;
import org.chimp.tracking.registry.ModelVersion;

/**
 * Times model runs as {@code chimp.inference} ({@code chimp_inference_seconds} in Prometheus), by model, version
 * and whether the version is a user's personal one. Personal versions share the version label {@code personal}:
 * one per calibrated user would be a series per user. Model names past the first {@value #MAX_MODELS} are
 * {@code other}.
 */
public final class InferenceTimer {
    /** Times nothing: for deployments of a process without metrics. */
    public static final InferenceTimer NONE = new InferenceTimer(null);
    static final int MAX_MODELS = 100;
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final BoundedValues models = new BoundedValues(MAX_MODELS);

    public InferenceTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Runs {@code run} (one model run, single or batch) and records how long it took, failed runs included. */
    public <T> T time(ModelVersion version, boolean personal, Supplier<T> run) {
        if (registry == null) {
            return run.get();
        }
        Timer timer = Timer.builder("chimp.inference").description("Model runs (one call, single input or batch)")
                .tags("model", models.of(version.name()), "version", personal ? "personal" : Integer.toString(version.version()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        return timer.record(run);
    }
}
