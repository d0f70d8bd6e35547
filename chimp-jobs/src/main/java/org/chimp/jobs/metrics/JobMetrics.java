package org.chimp.jobs.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.chimp.http.metrics.ChimpMetrics;
import org.chimp.jobs.JobCount;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.WorkerInfo;

/**
 * Gauges of the job system as the database has it, read at each scrape (so every process that serves
 * {@code /metrics} shows the whole deployment's): {@code chimp.jobs} by queue and state (queued, running; 0 for
 * the known queues and those seen before, so a series does not vanish when its queue drains), and
 * {@code chimp.worker.heartbeat.age} in seconds per registered worker. Both are bounded: the
 * {@value #MAX_QUEUES} fullest queues, the rest summed as {@code other}; the {@value #MAX_WORKERS} most recently
 * seen workers.
 */
public final class JobMetrics {
    static final int MAX_QUEUES = 50;
    static final int MAX_WORKERS = 100;

    private JobMetrics() {
    }

    /** Adds the job gauges to the process's metrics; {@code known} queues are shown from the start. */
    public static void bind(JobService jobs, ChimpMetrics metrics, Set<String> known) {
        Set<String> shown = ConcurrentHashMap.newKeySet();
        shown.addAll(known);
        MultiGauge counts = MultiGauge.builder("chimp.jobs").description("Jobs queued and running, by queue")
                .register(metrics.registry());
        MultiGauge heartbeats = MultiGauge.builder("chimp.worker.heartbeat.age").baseUnit("seconds")
                .description("Seconds since each registered worker's last heartbeat").register(metrics.registry());
        metrics.beforeScrape(() -> counts.register(rows(jobs.liveCounts(), shown), true));
        metrics.beforeScrape(() -> heartbeats.register(heartbeatRows(jobs.workers(), Instant.now()), true));
    }

    /**
     * One row per (queue, state), zero for a state a queue has no job in; queues past the bound summed. The queues
     * listed are remembered in {@code shown} (up to the bound), so that they keep a row at 0 once drained.
     */
    static List<MultiGauge.Row<?>> rows(List<JobCount> live, Set<String> shown) {
        Map<String, Long> totals = new HashMap<>();
        shown.forEach(q -> totals.put(q, 0L));
        live.forEach(c -> totals.merge(c.queue(), c.count(), Long::sum));
        List<String> kept = totals.keySet().stream()
                .sorted(Comparator.comparing((String q) -> -totals.get(q)).thenComparing(q -> q))
                .limit(MAX_QUEUES).toList();
        if (shown.size() < MAX_QUEUES) {
            kept.stream().limit(MAX_QUEUES - shown.size()).forEach(shown::add);
        }
        Map<String, Map<JobState, Long>> byQueue = new HashMap<>();
        kept.forEach(q -> byQueue.put(q, new HashMap<>()));
        for (JobCount c : live) {
            String q = kept.contains(c.queue()) ? c.queue() : "other";
            byQueue.computeIfAbsent(q, k -> new HashMap<>()).merge(c.state(), c.count(), Long::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byQueue.forEach((queue, states) -> {
            for (JobState s : List.of(JobState.QUEUED, JobState.RUNNING)) {
                rows.add(MultiGauge.Row.of(Tags.of("queue", queue, "state", s.name().toLowerCase()), states.getOrDefault(s, 0L)));
            }
        });
        return rows;
    }

    static List<MultiGauge.Row<?>> heartbeatRows(List<WorkerInfo> workers, Instant now) {
        return workers.stream().sorted(Comparator.comparing(WorkerInfo::lastHeartbeat).reversed()).limit(MAX_WORKERS)
                .<MultiGauge.Row<?>>map(w -> MultiGauge.Row.of(Tags.of("worker", w.id(), "state", w.state()),
                        Duration.between(w.lastHeartbeat(), now).toMillis() / 1000.0))
                .toList();
    }
}
