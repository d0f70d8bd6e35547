package org.chimp.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How a {@link Worker} runs: its shared concurrency, per-queue concurrency, shutdown grace period, retry backoff
 * and heartbeat interval.
 * <p>
 * Queues share {@code concurrency} receiving threads, except queues with a dedicated concurrency: those named in
 * {@code queueConcurrency}, and GPU queues (names starting with {@code gpu}, or listed in {@code gpuQueues}),
 * which get one thread per accelerator, so that each job has a device to itself.
 *
 * @param heartbeat how often the worker refreshes its registry row (it is presumed dead after
 *                  {@value WorkerInfo#ALIVE_INTERVALS} missed ones)
 * @param prefetch  messages per handler thread a worker may take ahead while its jobs are short (under 50 ms on
 *                  average), so that one receive and one read serve many short jobs; 0 takes only what idle
 *                  threads can start at once
 */
public record WorkerOptions(int concurrency, Duration gracePeriod, Backoff backoff, Duration heartbeat,
                            Map<String, Integer> queueConcurrency, Set<String> gpuQueues, int accelerators,
                            int prefetch) {
    /** The prefix that makes a queue a GPU queue by default. */
    public static final String GPU_PREFIX = "gpu";
    /** Prefetch per thread by default: Celery's default multiplier is 4; short jobs gain from more. */
    public static final int DEFAULT_PREFETCH = 16;
    public static final int MAX_PREFETCH = 256;

    public WorkerOptions {
        if (gracePeriod == null || backoff == null || heartbeat == null || queueConcurrency == null || gpuQueues == null) {
            throw new IllegalArgumentException("Worker options need a grace period, backoff, heartbeat, per-queue "
                    + "concurrency and GPU queues (empty for none); use WorkerOptions.defaults() and its with* methods");
        }
        queueConcurrency = Map.copyOf(queueConcurrency);
        gpuQueues = Set.copyOf(gpuQueues);
        if (concurrency < 1 || accelerators < 1 || queueConcurrency.values().stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("Concurrency and accelerators must be 1 or more, got concurrency "
                    + concurrency + ", accelerators " + accelerators + ", per queue " + queueConcurrency);
        }
        if (prefetch < 0 || prefetch > MAX_PREFETCH) {
            throw new IllegalArgumentException("The prefetch must be between 0 and " + MAX_PREFETCH + " per thread, got "
                    + prefetch);
        }
        if (gracePeriod.isNegative() || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("The grace period must be 0 or more and the heartbeat positive, got "
                    + gracePeriod + " and " + heartbeat);
        }
    }

    /** Concurrency 1, 30 s grace, default backoff, a heartbeat every 5 s, one accelerator, prefetch 16 per thread. */
    public static WorkerOptions defaults() {
        return new WorkerOptions(1, Duration.ofSeconds(30), Backoff.DEFAULT, Duration.ofSeconds(5), Map.of(), Set.of(), 1,
                DEFAULT_PREFETCH);
    }

    /** Messages per thread to take ahead while jobs are short; 0 for none. */
    public WorkerOptions withPrefetch(int perThread) {
        return new WorkerOptions(concurrency, gracePeriod, backoff, heartbeat, queueConcurrency, gpuQueues, accelerators,
                perThread);
    }

    public WorkerOptions withConcurrency(int n) {
        return new WorkerOptions(n, gracePeriod, backoff, heartbeat, queueConcurrency, gpuQueues, accelerators, prefetch);
    }

    public WorkerOptions withGracePeriod(Duration d) {
        return new WorkerOptions(concurrency, d, backoff, heartbeat, queueConcurrency, gpuQueues, accelerators, prefetch);
    }

    public WorkerOptions withBackoff(Backoff b) {
        return new WorkerOptions(concurrency, gracePeriod, b, heartbeat, queueConcurrency, gpuQueues, accelerators, prefetch);
    }

    public WorkerOptions withHeartbeat(Duration d) {
        return new WorkerOptions(concurrency, gracePeriod, backoff, d, queueConcurrency, gpuQueues, accelerators, prefetch);
    }

    /** Gives a queue its own {@code n} threads. */
    public WorkerOptions withQueueConcurrency(String queue, int n) {
        Map<String, Integer> m = new HashMap<>(queueConcurrency);
        m.put(queue, n);
        return new WorkerOptions(concurrency, gracePeriod, backoff, heartbeat, m, gpuQueues, accelerators, prefetch);
    }

    /** Queues that are GPU queues whatever their name. */
    public WorkerOptions withGpuQueues(Set<String> queues) {
        return new WorkerOptions(concurrency, gracePeriod, backoff, heartbeat, queueConcurrency, queues, accelerators, prefetch);
    }

    /** How many accelerators (GPUs) this machine has for the GPU queues. */
    public WorkerOptions withAccelerators(int n) {
        return new WorkerOptions(concurrency, gracePeriod, backoff, heartbeat, queueConcurrency, gpuQueues, n, prefetch);
    }

    /** The threads a queue has to itself, or empty if it shares the {@code concurrency} threads. */
    public OptionalInt dedicatedConcurrency(String queue) {
        Integer n = queueConcurrency.get(queue);
        if (n != null) {
            return OptionalInt.of(n);
        }
        return isGpu(queue) ? OptionalInt.of(accelerators) : OptionalInt.empty();
    }

    /**
     * How a worker on {@code queues} splits its threads: queues with a dedicated concurrency get their own group,
     * the others share the {@code concurrency} threads; in the order the queues were given.
     */
    public Map<List<String>, Integer> threadGroups(List<String> queues) {
        Map<List<String>, Integer> groups = new LinkedHashMap<>();
        List<String> shared = new ArrayList<>();
        for (String q : queues) {
            OptionalInt dedicated = dedicatedConcurrency(q);
            if (dedicated.isPresent()) {
                groups.put(List.of(q), dedicated.getAsInt());
            } else {
                shared.add(q);
            }
        }
        if (!shared.isEmpty()) {
            groups.put(List.copyOf(shared), concurrency);
        }
        return groups;
    }

    private boolean isGpu(String queue) {
        return gpuQueues.contains(queue) || queue.startsWith(GPU_PREFIX);
    }
}
