package org.chimp.bench.tracking;

/**
 * How much {@link TrackingBench} does.
 *
 * @param batches       log-batch calls measured
 * @param batchSize     metrics per batch
 * @param historyPoints values of the one metric whose history is read
 * @param searchRuns    runs the search looks through
 * @param runMetrics    metrics logged per searched run
 * @param repetitions   times each read is measured, after one warm-up call
 */
public record BenchSizes(int batches, int batchSize, int historyPoints, int searchRuns, int runMetrics, int repetitions) {
    public BenchSizes {
        if (batches < 1 || batchSize < 1 || batchSize > 1000 || historyPoints < 1 || searchRuns < 1 || runMetrics < 4 || repetitions < 1) {
            throw new IllegalArgumentException("Bench sizes must be positive, batches of at most 1000 metrics (MLflow's limit) "
                    + "and at least 4 metrics per run (the search filters on m3)");
        }
    }

    /** 50 batches of 1000 metrics, a 100,000-point history, 10,000 runs with 20 metrics, 5 repetitions. */
    public static BenchSizes full() {
        return new BenchSizes(50, 1000, 100_000, 10_000, 20, 5);
    }
}
