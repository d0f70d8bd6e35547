package org.chimp.bench.tracking;

import java.util.Arrays;

/** Milliseconds of repeated measurements of one operation: median, 99th percentile (nearest rank) and maximum. */
public record Timing(int count, double medianMs, double p99Ms, double maxMs) {
    static Timing of(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double p99 = sorted[Math.max(0, (int) Math.ceil(0.99 * n) - 1)];
        return new Timing(n, median, p99, sorted[n - 1]);
    }
}
