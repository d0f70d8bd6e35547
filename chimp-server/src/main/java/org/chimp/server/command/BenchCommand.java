package org.chimp.server.command;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.chimp.bench.jobs.JobBench;
import org.chimp.bench.jobs.RawBrokerBench;
import org.chimp.bench.models.ModelsBench;
import org.chimp.bench.tracking.TrackingBench;
import org.chimp.db.Database;
import org.chimp.jobs.Brokers;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.server.examples.ExampleModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chimp bench}: re-runnable benchmarks that print tables, for the figures in docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measures CHIMP on this machine and prints a table.",
        description = "Measures CHIMP on this machine and prints a table. Use a scratch database: benches leave rows behind.",
        subcommands = {BenchCommand.Jobs.class, BenchCommand.Tracking.class, BenchCommand.Store.class, BenchCommand.Training.class, ChainBenchCommand.class,
                BenchCommand.Models.class, ServingBenchCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Machine facts printed above every table, so figures can be compared. */
    static String machine() {
        Runtime rt = Runtime.getRuntime();
        return String.format("machine: %d cores, %d MiB max heap, Java %s, %s %s", rt.availableProcessors(),
                rt.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"));
    }

    /** {@code chimp bench jobs}: end-to-end no-op jobs per broker next to the raw broker ceiling. */
    @Command(name = "jobs", mixinStandardHelpOptions = true,
        header = "No-op jobs per second through each broker.",
            description = {"No-op jobs end to end (submit, run, state stored, ack) per broker with 1 and 4 worker threads,",
                    "latency p50/p99 one job at a time, and the raw broker ceiling measured in the same run.",
                    "Each configuration (and each raw ceiling) first runs --warmup-jobs unmeasured jobs the same way, so a",
                    "configuration measured on its own does not measure a cold JVM."})
    static final class Jobs implements Callable<Integer> {
        @Option(names = "--jobs", defaultValue = "5000", description = "Jobs per measurement (default ${DEFAULT-VALUE}).")
        int jobs;

        @Option(names = "--brokers", split = ",", defaultValue = "embedded,redis,amqp",
                description = "Brokers to measure (default ${DEFAULT-VALUE}).")
        List<String> brokers;

        @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379", description = "Redis URL (default ${DEFAULT-VALUE}).")
        String redis;

        @Option(names = "--amqp", defaultValue = "amqp://guest:guest@127.0.0.1:5672/%2F", description = "RabbitMQ URL (default ${DEFAULT-VALUE}).")
        String amqp;

        @Option(names = "--db", description = "JDBC URL for job state (default: a fresh in-memory H2 per measurement).")
        String db;

        @Option(names = "--workers", split = ",", defaultValue = "1,4",
                description = "Worker thread counts to measure (default ${DEFAULT-VALUE}).")
        List<Integer> workers;

        @Option(names = "--batch", split = ",", defaultValue = "1,100",
                description = {"Jobs per submit call to measure (default ${DEFAULT-VALUE}): 1 submits each job on its own,",
                        "more uses submitAll (one transaction and one broker call per batch)."})
        List<Integer> batches;

        @Option(names = "--warmup-jobs", defaultValue = "" + JobBench.DEFAULT_WARMUP_JOBS,
                description = "Unmeasured jobs run before each measurement, the same way (default ${DEFAULT-VALUE}; 0: none).")
        int warmupJobs;

        @Override
        public Integer call() throws Exception {
            if (warmupJobs < 0) {
                System.err.println("--warmup-jobs must be 0 or more");
                return 2;
            }
            System.out.println(machine());
            System.out.printf("each measurement after %d unmeasured jobs of the same configuration%n", warmupJobs);
            System.out.println("raw ceiling: messages/s through the bare server, one XADD per round trip / XADDs pipelined "
                    + "100 at a time (Redis), confirmed publishes (RabbitMQ)");
            System.out.printf("%-9s %-8s %6s %9s %10s %10s %10s %16s%n", "broker", "workers", "batch", "jobs/s",
                    "p50 ms", "p99 ms", "stmts/job", "raw ceiling/s");
            for (String kind : brokers) {
                String url = switch (kind) {
                    case "embedded" -> "embedded";
                    case "redis" -> redis;
                    case "amqp" -> amqp;
                    default -> throw new IllegalArgumentException("Unknown broker '" + kind + "'; use embedded, redis, amqp");
                };
                if (warmupJobs > 0) {
                    ceiling(kind, url, warmupJobs);
                }
                String ceiling = ceiling(kind, url, jobs);
                for (int batch : batches) {
                    for (int w : workers) {
                        JobBench.Result r = measure(url, w, batch);
                        System.out.printf("%-9s %-8d %6d %9.0f %10.2f %10.2f %10.1f %16s%n", kind, w, batch,
                                r.jobsPerSecond(), r.p50().toNanos() / 1e6, r.p99().toNanos() / 1e6,
                                r.statementsPerJob(), ceiling);
                    }
                }
            }
            return 0;
        }

        private static String ceiling(String kind, String url, int messages) throws Exception {
            return switch (kind) {
                case "redis" -> String.format("%.0f / %.0f", RawBrokerBench.redisStreams(url, messages).perSecond(),
                        RawBrokerBench.redisStreamsPipelined(url, messages).perSecond());
                case "amqp" -> String.format("%.0f", RawBrokerBench.rabbitMq(url, messages).perSecond());
                default -> "-";
            };
        }

        private JobBench.Result measure(String url, int workers, int batch) {
            String jdbc = db != null ? db : "jdbc:h2:mem:bench" + UUID.randomUUID().toString().replace("-", "");
            BrokerOptions options = BrokerOptions.DEFAULTS.withRedisKeyPrefix("chimp:bench:" + UUID.randomUUID() + ":")
                    .withPrefetch(Math.max(1, workers));
            try (HikariDataSource ds = Database.open(jdbc); Broker broker = Brokers.open(url, ds, options)) {
                return JobBench.run(broker, ds, jobs, workers, batch, warmupJobs);
            }
        }
    }

    /** {@code chimp bench tracking}: MLflow-style logging, history and search on a database. */
    @Command(name = "tracking", mixinStandardHelpOptions = true,
        header = "Tracking: metric logging, history reads and run search.",
            description = {"log-batch of 1000 metrics, get-history of a 100,000-point metric and a search over 10,000 runs",
                    "with 20 metrics each, on one database (default an in-memory H2)."})
    static final class Tracking implements Callable<Integer> {
        @Option(names = "--db", split = ",", description = "JDBC URLs to measure, comma-separated (default: in-memory H2).")
        List<String> dbs = new ArrayList<>(List.of("jdbc:h2:mem:tracking-bench"));

        @Override
        public Integer call() {
            System.out.println(machine());
            for (String url : dbs) {
                try (HikariDataSource ds = Database.open(url)) {
                    System.out.println(TrackingBench.run(ds).table());
                }
            }
            return 0;
        }
    }

    /** {@code chimp bench store}: dataset and blob throughput on the filesystem and, if given, an S3 bucket. */
    @Command(name = "store", mixinStandardHelpOptions = true,
        header = "Dataset and large-file upload and download MB/s.",
            description = {"Upload and download MB/s of a dataset of small images and of one large file, on the filesystem and",
                    "on S3 if --s3 is given, next to a plain file copy and a bare AWS SDK put/get of the same bytes.",
                    "Each backend first runs the same steps unmeasured on 8 MB, so its figures are not a cold JVM's.",
                    "Credentials come from the AWS SDK's chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE)."})
    static final class Store implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "chimp-bench-store",
                description = "Scratch directory on the disk to measure; emptied afterwards (default ${DEFAULT-VALUE}).")
        java.nio.file.Path dir;

        @Option(names = "--mb", defaultValue = "200", description = "Size of the dataset and of the single file in MB (default ${DEFAULT-VALUE}).")
        long mb;

        @Option(names = "--s3", description = "An existing bucket to measure too: s3://bucket/prefix (objects are removed afterwards).")
        String s3;

        @Option(names = "--s3-endpoint", description = "S3 server URL, such as http://127.0.0.1:9000 (default AWS).")
        String endpoint;

        @Option(names = "--s3-region", description = "S3 region (default the AWS SDK's, else us-east-1).")
        String region;

        @Option(names = "--s3-path-style", arity = "0..1", fallbackValue = "true", description = "Address buckets as host/bucket.")
        String pathStyle;

        @Override
        public Integer call() throws Exception {
            if (mb < 1 || mb > 100_000) {
                throw new IllegalArgumentException("--mb must be between 1 and 100000");
            }
            System.out.println(machine());
            List<org.chimp.bench.store.StoreBench.Target> targets = new ArrayList<>();
            targets.add(new org.chimp.bench.store.StoreBench.Target("filesystem", new org.chimp.store.FileBlobStore(dir.resolve("fs")), null, null, null));
            List<AutoCloseable> open = new ArrayList<>();
            try {
                if (s3 != null) {
                    org.chimp.store.S3Options o = org.chimp.store.S3Options.of(endpoint, region, pathStyle);
                    org.chimp.store.BlobStore blobs = org.chimp.store.BlobStores.open(s3, dir, o);
                    open.add((AutoCloseable) blobs);
                    var raw = org.chimp.store.S3BlobStore.client(o);
                    open.add(raw);
                    String bucket = s3.substring("s3://".length()).split("/", 2)[0];
                    String prefix = s3.substring("s3://".length() + bucket.length()).replaceFirst("^/", "");
                    prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix + "bench-raw/" : prefix + "/bench-raw/";
                    targets.add(new org.chimp.bench.store.StoreBench.Target("s3", blobs, raw, bucket, prefix));
                }
                new org.chimp.bench.store.StoreBench(dir.resolve("scratch"), mb * 1_000_000, System.out).run(targets, () -> {
                    HikariDataSource ds = Database.open("jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                    open.add(ds);
                    return ds;
                });
            } finally {
                for (AutoCloseable c : open) {
                    c.close();
                }
            }
            return 0;
        }
    }

    /** {@code chimp bench training}: emotion-cnn next to a bare DJL loop, accuracies, calibration time. */
    @Command(name = "training", mixinStandardHelpOptions = true,
        header = "emotion-cnn training next to a bare DJL loop; accuracies.",
            description = {"emotion-cnn as a task next to a bare DJL loop of the same network on the same images (images/s,",
                    "epochs 2..n), held-out accuracy on synthetic faces and the FER2013 sample, time to calibrate from 100 frames."})
    static final class Training implements Callable<Integer> {
        @Option(names = "--per-label", defaultValue = "200", description = "Synthetic training faces per expression (default ${DEFAULT-VALUE}).")
        int perLabel;

        @Option(names = "--epochs", defaultValue = "10", description = "Epochs of both loops (default ${DEFAULT-VALUE}; at least 2).")
        int epochs;

        @Option(names = "--rounds", defaultValue = "5", description = "Pairs of runs (bare loop and plugin, in alternating order); the overhead is the median of the pairs' ratios (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--fer", description = "The FER2013 sample directory (FER2013 layout); left out when absent.")
        java.nio.file.Path fer;

        @Option(names = "--work", description = "Scratch directory (default: a new temporary one, deleted afterwards).")
        java.nio.file.Path work;

        @Override
        public Integer call() throws Exception {
            if (epochs < 2 || perLabel < 4 || rounds < 1) {
                System.err.println("--epochs must be at least 2, --per-label at least 4 and --rounds at least 1");
                return 2;
            }
            System.out.println(machine());
            // As the server does: PyTorch's native library is unpacked under the data directory, not the home directory.
            if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
                System.setProperty("DJL_CACHE_DIR", java.nio.file.Path.of("chimp-data", "cache", "djl").toAbsolutePath().toString());
            }
            java.nio.file.Path dir = work != null ? work : java.nio.file.Files.createTempDirectory("chimp-training-bench-");
            try {
                System.out.print(org.chimp.bench.training.TrainingBench.run(dir, perLabel, epochs, rounds, fer).table());
            } finally {
                if (work == null) {
                    try (var files = java.nio.file.Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
            return 0;
        }
    }

    /** {@code chimp bench models}: the MiniLM embedder next to bare ONNX Runtime, latency of the other example models. */
    @Command(name = "models", mixinStandardHelpOptions = true,
            header = "Example models: MiniLM next to bare ORT; latencies.",
            description = {"Sentences/s of all-MiniLM-L6-v2 through CHIMP's onnx-sentence-embedder next to bare ONNX Runtime on",
                    "the same file and token ids (same run, alternating rounds, median), and p50/p99 latency of one request",
                    "with the task's schema example on each other example model (the tiny graphs of --examples)."})
    static final class Models implements Callable<Integer> {
        @Option(names = "--sentences", defaultValue = "256", description = "Sentences per round and batch size (default ${DEFAULT-VALUE}).")
        int sentences;

        @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds after a warm-up round (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--batch", split = ",", defaultValue = "1,32", description = "Embedder batch sizes (default ${DEFAULT-VALUE}).")
        List<Integer> batches;

        @Option(names = "--requests", defaultValue = "200", description = "Timed requests per other example (default ${DEFAULT-VALUE}).")
        int requests;

        @Override
        public Integer call() throws Exception {
            if (sentences < 1 || sentences > 100_000 || rounds < 1 || rounds > 100 || requests < 1 || requests > 1_000_000
                    || batches.isEmpty() || batches.stream().anyMatch(b -> b < 1 || b > 256)) {
                System.err.println("--sentences 1-100000, --rounds 1-100, --requests 1-1000000, --batch sizes 1-256");
                return 2;
            }
            System.out.println(machine());
            java.nio.file.Path work = java.nio.file.Files.createTempDirectory("chimp-models-bench-");
            try {
                List<ModelsBench.Subject> models = ExampleModels.all().stream().map(e -> new ModelsBench.Subject(e.name(), e.task(),
                        e.architecture(), e.parameters(), e::writeArtifacts)).toList();
                System.out.print(new ModelsBench(work).run(models, sentences, rounds, batches, requests).table());
            } finally {
                try (var files = java.nio.file.Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return 0;
        }
    }
}
