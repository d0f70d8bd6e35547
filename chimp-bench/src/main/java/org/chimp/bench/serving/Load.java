package org.chimp.bench.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop load: {@code connections} clients, each on its own keep-alive connection, send the same POST back to
 * back for a while.
 */
public final class Load {
    private Load() {
    }

    /** The outcome: requests per second and latency percentiles; a non-200 answer aborts the run. */
    public record Result(double perSecond, double p50Ms, double p99Ms) {
        /** From the latencies (ns) of the calls that started in a measured window of {@code measureMs}. */
        static Result of(long[] latenciesNs, long measureMs) {
            if (latenciesNs.length == 0) {
                return new Result(0, 0, 0);
            }
            long[] sorted = latenciesNs.clone();
            Arrays.sort(sorted);
            return new Result(sorted.length * 1000.0 / measureMs, sorted[sorted.length / 2] / 1e6,
                    sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6);
        }
    }

    static Result run(String url, String contentType, byte[] body, int connections, long warmupMs, long measureMs) throws Exception {
        return run(url, Map.of("Content-Type", contentType), body, connections, warmupMs, measureMs);
    }

    /** The same with any request headers (the binary tensor extension's header size, say). */
    static Result run(String url, Map<String, String> headers, byte[] body, int connections, long warmupMs, long measureMs)
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
            List<Future<long[]>> runs = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                runs.add(clients.submit(() -> {
                    try (HttpConnection http = new HttpConnection(url, headers, body)) {
                        return timed(measureFrom, end, () -> {
                            HttpConnection.Answer r = http.send();
                            if (r.status() != 200) {
                                throw new IllegalStateException(url + " answered " + r.status() + ": " + new String(r.body()));
                            }
                        });
                    }
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> f : runs) {
                long[] part = f.get();
                long[] merged = Arrays.copyOf(all, all.length + part.length);
                System.arraycopy(part, 0, merged, all.length, part.length);
                all = merged;
            }
            return Result.of(all, measureMs);
        } finally {
            clients.shutdownNow();
        }
    }

    /** One call of a closed loop. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    /** One thread making {@code call} back to back for a while; the result counts the calls after the warm-up. */
    static Result closedLoop(Call call, long warmupMs, long measureMs) throws Exception {
        long measureFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        return Result.of(timed(measureFrom, measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs), call), measureMs);
    }

    /** Calls back to back until {@code end}; the latencies (ns) of those started from {@code measureFrom}. */
    private static long[] timed(long measureFrom, long end, Call call) throws Exception {
        long[] latencies = new long[1 << 19];
        int n = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            call.run();
            long done = System.nanoTime();
            if (now >= measureFrom && n < latencies.length) {
                latencies[n++] = done - now;
            }
        }
        return Arrays.copyOf(latencies, n);
    }
}
