package org.chimp.bench.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.ViewType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the tracking store's hot paths on a database through its public API, as the MLflow endpoints call it:
 * (a) log-batch of 1000 metrics, (b) get-history of one long metric, (c) a run search with a metric filter and a
 * metric order over many runs. Writes its data into two fresh experiments (named {@code chimp-bench-...}),
 * which it soft-deletes at the end; use a scratch database, the rows stay.
 */
public final class TrackingBench {
    private static final Logger LOG = LoggerFactory.getLogger(TrackingBench.class);
    private static final int WARMUP_BATCHES = 5;
    private static final int SETUP_THREADS = 4;
    static final String SEARCH_FILTER = "metrics.m3 > 0.5";
    static final List<String> SEARCH_ORDER = List.of("metrics.m7 DESC");

    private final DataSource ds;
    private final TrackingStore store;
    private final BenchSizes sizes;
    private final SplittableRandom random = new SplittableRandom(42);

    private TrackingBench(DataSource ds, TrackingStore store, BenchSizes sizes) {
        this.ds = ds;
        this.store = store;
        this.sizes = sizes;
    }

    /** Runs the bench with {@link BenchSizes#full()}. */
    public static BenchResult run(DataSource ds) {
        return run(ds, BenchSizes.full());
    }

    /** Runs the bench on the database (migrating it first, as the server would). */
    public static BenchResult run(DataSource ds, BenchSizes sizes) {
        Path blobs;
        try {
            blobs = Files.createTempDirectory("chimp-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory", e);
        }
        try {
            TrackingStore store = new TrackingStore(ds, new FileBlobStore(blobs));
            return new TrackingBench(ds, store, sizes).run(databaseName(ds));
        } finally {
            deleteTree(blobs);
        }
    }

    /** {@code TrackingBench <jdbc-url>}: runs the full bench and prints the table. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TrackingBench <jdbc-url>");
            System.exit(2);
        }
        try (var ds = Database.open(args[0])) {
            System.out.print(run(ds).table());
        }
    }

    private BenchResult run(String database) {
        String prefix = "chimp-bench-" + UUID.randomUUID().toString().substring(0, 8);
        String writes = store.createExperiment(prefix, null, Map.of());
        String searched = store.createExperiment(prefix + "-search", null, Map.of());
        try {
            Timing logBatch = logBatch(writes);
            long setupStart = System.nanoTime();
            String historyRun = logHistory(writes);
            runsToSearch(searched);
            analyze();
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            Timing history = repeat(() -> store.metricHistory(historyRun, "loss"), sizes.historyPoints());
            int[] matches = new int[1];
            Timing search = repeat(() -> {
                List<Run> found = store.searchRuns(List.of(searched), SEARCH_FILTER, SEARCH_ORDER, ViewType.ACTIVE_ONLY, 100, 0);
                matches[0] = found.size();
                return found;
            }, -1);
            BenchResult result = new BenchResult(database, sizes, logBatch, history, search, matches[0], setupSeconds);
            LOG.info("{}", result);
            return result;
        } finally {
            store.deleteExperiment(writes);
            store.deleteExperiment(searched);
        }
    }

    /** Times each batch of one run; a few first batches warm up the JIT and the pool and are not counted. */
    private Timing logBatch(String experiment) {
        String runId = store.startRun(experiment, "log-batch", Map.of()).id();
        double[] millis = new double[sizes.batches()];
        for (int b = -WARMUP_BATCHES; b < sizes.batches(); b++) {
            List<Metric> batch = new ArrayList<>(sizes.batchSize());
            long now = System.currentTimeMillis();
            for (int i = 0; i < sizes.batchSize(); i++) {
                // Ten metrics, each with many steps per batch, as an epoch loop logging per-step values does.
                batch.add(new Metric("m" + (i % 10), random.nextDouble(), now, (long) (b + WARMUP_BATCHES) * sizes.batchSize() + i / 10));
            }
            long start = System.nanoTime();
            store.logBatch(runId, batch, Map.of(), Map.of());
            if (b >= 0) {
                millis[b] = (System.nanoTime() - start) / 1e6;
            }
        }
        return Timing.of(millis);
    }

    private String logHistory(String experiment) {
        String runId = store.startRun(experiment, "history", Map.of()).id();
        long now = System.currentTimeMillis();
        for (int from = 0; from < sizes.historyPoints(); from += 1000) {
            List<Metric> batch = new ArrayList<>(1000);
            for (int step = from; step < Math.min(from + 1000, sizes.historyPoints()); step++) {
                batch.add(new Metric("loss", 1.0 / (step + 1), now + step, step));
            }
            store.logBatch(runId, batch, Map.of(), Map.of());
        }
        return runId;
    }

    /** Runs with {@code runMetrics} metrics each, written by a few threads: this is setup, not measured. */
    private void runsToSearch(String experiment) {
        ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SETUP_THREADS; t++) {
                int thread = t;
                long seed = random.nextLong();
                done.add(pool.submit(() -> {
                    SplittableRandom values = new SplittableRandom(seed);
                    for (int r = thread; r < sizes.searchRuns(); r += SETUP_THREADS) {
                        String runId = store.startRun(experiment, "run-" + r, Map.of()).id();
                        List<Metric> metrics = new ArrayList<>(sizes.runMetrics());
                        for (int m = 0; m < sizes.runMetrics(); m++) {
                            metrics.add(new Metric("m" + m, values.nextDouble(), System.currentTimeMillis(), 0));
                        }
                        store.logBatch(runId, metrics, Map.of("index", Integer.toString(r)), Map.of());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing the bench's runs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Writing the bench's runs failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Times a read {@code repetitions} times after one untimed call that warms the JIT and the database's caches;
     * {@code expectedSize} (unless negative) guards against measuring nothing.
     */
    private Timing repeat(Supplier<List<?>> read, int expectedSize) {
        read.get();
        double[] millis = new double[sizes.repetitions()];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            int size = read.get().size();
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (expectedSize >= 0 && size != expectedSize) {
                throw new IllegalStateException("The bench read " + size + " values where it wrote " + expectedSize);
            }
        }
        return Timing.of(millis);
    }

    /**
     * PostgreSQL plans from table statistics, which autovacuum refreshes some time after a bulk load; the bench
     * refreshes them at once, so it measures the steady state rather than plans made for empty tables.
     */
    private void analyze() {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            if (c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
                s.execute("ANALYZE tracking_runs, tracking_metrics, tracking_latest_metrics, tracking_params, tracking_run_tags");
            }
        } catch (SQLException e) {
            LOG.warn("ANALYZE failed, timings may reflect stale statistics: {}", e.toString());
        }
    }

    private static String databaseName(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "unknown database";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }
}
