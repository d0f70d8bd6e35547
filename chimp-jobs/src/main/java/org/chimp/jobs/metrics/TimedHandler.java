package org.chimp.jobs.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.chimp.http.metrics.BoundedValues;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobContext;
import org.chimp.jobs.JobHandler;
import org.slf4j.MDC;

/**
 * A job handler that times each run as {@code chimp.job.duration} by queue, type, plugin (a training job's
 * {@code plugin}, else {@code none}) and outcome ({@code success} or {@code error}), and puts the job's id in the
 * logging MDC ({@code job_id}) while it runs. Queue and plugin names are bounded ({@link BoundedValues}).
 */
public final class TimedHandler implements JobHandler {
    /** The key of the running job's id in the logging MDC. */
    public static final String MDC_KEY = "job_id";
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(4)};

    private final JobHandler handler;
    private final MeterRegistry registry;
    private final BoundedValues queues;
    private final BoundedValues plugins;

    private TimedHandler(JobHandler handler, MeterRegistry registry, BoundedValues queues, BoundedValues plugins) {
        this.handler = handler;
        this.registry = registry;
        this.queues = queues;
        this.plugins = plugins;
    }

    /** Every handler of a worker, timed (the bounds are shared by all of them). */
    public static Map<String, JobHandler> timed(Map<String, JobHandler> handlers, MeterRegistry registry) {
        BoundedValues queues = new BoundedValues(JobMetrics.MAX_QUEUES);
        BoundedValues plugins = new BoundedValues(JobMetrics.MAX_QUEUES);
        Map<String, JobHandler> out = new HashMap<>();
        handlers.forEach((type, h) -> out.put(type, new TimedHandler(h, registry, queues, plugins)));
        return out;
    }

    @Override
    public JsonNode handle(JobContext ctx) throws Exception {
        Job job = ctx.job();
        long t0 = System.nanoTime();
        String outcome = "error";
        MDC.put(MDC_KEY, job.id());
        try {
            JsonNode result = handler.handle(ctx);
            outcome = "success";
            return result;
        } finally {
            MDC.remove(MDC_KEY);
            JsonNode plugin = job.payload() == null ? null : job.payload().get("plugin");
            Timer.builder("chimp.job.duration").description("Job runs on this worker, by queue, type, plugin and outcome")
                    .tags("queue", queues.of(job.queue()), "type", job.type(),
                            "plugin", plugins.of(plugin != null && plugin.isTextual() ? plugin.asText() : null),
                            "outcome", outcome)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry).record(Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    @Override
    public void abandoned(Job ended) {
        handler.abandoned(ended);
    }

    @Override
    public void cleanUp(Predicate<String> running) {
        handler.cleanUp(running);
    }
}
