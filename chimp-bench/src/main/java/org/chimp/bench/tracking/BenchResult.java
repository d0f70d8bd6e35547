package org.chimp.bench.tracking;

import java.util.Locale;

/**
 * What {@link TrackingBench} measured on one database.
 *
 * @param searchMatches runs the search returned (at most 100), to show it did real work
 * @param setupSeconds  time spent writing the data the reads use
 */
public record BenchResult(String database, BenchSizes sizes, Timing logBatch, Timing history, Timing search, int searchMatches,
                          double setupSeconds) {
    /** Targets from the tracking issue: a 1000-metric batch under 50 ms, a 100,000-point history under 300 ms. */
    public static final double LOG_BATCH_TARGET_MS = 50;
    public static final double HISTORY_TARGET_MS = 300;

    /** True if the medians meet the targets (for full sizes; smaller sizes trivially do). */
    public boolean meetsTargets() {
        return logBatch.medianMs() < LOG_BATCH_TARGET_MS && history.medianMs() < HISTORY_TARGET_MS;
    }

    /** A plain-text table, one line per measurement, for the {@code chimp bench tracking} command to print. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Tracking bench on %s (setup %.1f s)%n", database, setupSeconds));
        out.append(String.format(Locale.ROOT, "%-46s %6s %10s %10s %10s  %s%n", "operation", "n", "median ms", "p99 ms", "max ms", "target"));
        row(out, "log-batch, " + sizes.batchSize() + " metrics", logBatch, "< " + (int) LOG_BATCH_TARGET_MS + " ms");
        row(out, "get-history, " + sizes.historyPoints() + " points", history, "< " + (int) HISTORY_TARGET_MS + " ms");
        row(out, "search " + sizes.searchRuns() + " runs, m3 > 0.5 by m7, top 100", search, searchMatches + " matches");
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Timing t, String note) {
        out.append(String.format(Locale.ROOT, "%-46s %6d %10.1f %10.1f %10.1f  %s%n", name, t.count(), t.medianMs(), t.p99Ms(), t.maxMs(), note));
    }
}
