package org.chimp.bench.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.ForwardingBroker;
import org.chimp.jobs.embedded.EmbeddedBroker;

/**
 * Runs no-op jobs end to end (submit → a worker runs a handler that does nothing → outcome stored → ack) to
 * measure the overhead of the job machinery itself: throughput with many jobs in flight, and latency one job at
 * a time. A job counts as done when its ack reaches the broker, which the worker sends after storing the outcome.
 * Before it measures, an unmeasured pass of the same configuration warms the JVM (JIT), the connection pool, the
 * broker connection and the database's caches: one configuration run on its own measured about a third of what it
 * measured after other configurations had run. The jobs stay in the database (on a unique queue).
 */
public final class JobBench {
    /** Warm-up jobs of {@code chimp bench jobs} unless {@code --warmup-jobs} says otherwise. */
    public static final int DEFAULT_WARMUP_JOBS = 2000;
    private static final int WARM_UP = 20;
    private static final int MAX_LATENCY_SAMPLES = 200;

    private JobBench() {
    }

    /**
     * @param batch             jobs per submit call in the throughput run: 1 is {@code submit} per job, more is
     *                          {@code submitAll} (one transaction and one broker call per batch)
     * @param jobsPerSecond     with all jobs submitted at once, run by {@code workers} threads
     * @param p50               submit-to-ack latency of one job at a time
     * @param statementsPerJob  statements the job service and worker prepared per job (the broker's own are
     *                          counted only if it was built on a data source from the same counter)
     */
    public record Result(int jobs, int workers, int batch, double jobsPerSecond, Duration p50, Duration p99,
                         double statementsPerJob) {
        @Override
        public String toString() {
            return String.format("%d jobs, %d workers, submitted %d at a time: %.0f jobs/s, latency p50 %.2f ms, "
                    + "p99 %.2f ms, %.1f statements/job", jobs, workers, batch, jobsPerSecond, p50.toNanos() / 1e6,
                    p99.toNanos() / 1e6, statementsPerJob);
        }
    }

    /**
     * Runs {@code jobs} no-op jobs through the broker and database with {@code workers} worker threads, submitted
     * {@code batch} at a time, after {@code warmupJobs} unmeasured ones run the same way (0: none).
     */
    public static Result run(Broker broker, DataSource ds, int jobs, int workers, int batch, int warmupJobs) {
        return run(broker, ds, new StatementCounter(), jobs, workers, batch, warmupJobs);
    }

    /** As {@link #run(Broker, DataSource, int, int, int, int)}, counting statements in {@code counter}. */
    public static Result run(Broker broker, DataSource ds, StatementCounter counter, int jobs, int workers, int batch,
                             int warmupJobs) {
        if (jobs < 1 || workers < 1 || batch < 1 || batch > JobService.MAX_BATCH || warmupJobs < 0) {
            throw new IllegalArgumentException("The bench needs at least one job and one worker, no negative warm-up, "
                    + "and submits 1 to " + JobService.MAX_BATCH + " jobs at a time");
        }
        AckWatcher watched = new AckWatcher(broker);
        JobService service = new JobService(counter.wrap(ds), watched);
        String queue = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerOptions options = WorkerOptions.defaults().withConcurrency(workers).withGracePeriod(Duration.ofSeconds(5));
        try (Worker worker = new Worker(service, watched, Map.of("noop", ctx -> null), List.of(queue), options)) {
            worker.start();
            if (warmupJobs > 0) {
                throughput(service, watched, queue, warmupJobs, batch);
            }
            for (int i = 0; i < WARM_UP; i++) {
                oneAtATime(service, watched, queue);
            }
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < Math.min(jobs, MAX_LATENCY_SAMPLES); i++) {
                latencies.add(oneAtATime(service, watched, queue));
            }
            Collections.sort(latencies);
            long statementsBefore = counter.count();
            double seconds = throughput(service, watched, queue, jobs, batch);
            double statements = (counter.count() - statementsBefore) / (double) jobs;
            return new Result(jobs, workers, batch, jobs / seconds, percentile(latencies, 50), percentile(latencies, 99),
                    statements);
        }
    }

    /** Submits {@code jobs} jobs {@code batch} at a time, all at once, and waits for every ack; returns the seconds taken. */
    private static double throughput(JobService service, AckWatcher watched, String queue, int jobs, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i += batch) {
            int n = Math.min(batch, jobs - i);
            if (n == 1) {
                service.submit(JobRequest.of(queue, "noop", null));
            } else {
                service.submitAll(Collections.nCopies(n, JobRequest.of(queue, "noop", null)));
            }
        }
        for (int i = 0; i < jobs; i++) {
            watched.awaitAck();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static long oneAtATime(JobService service, AckWatcher watched, String queue) {
        long t0 = System.nanoTime();
        service.submit(JobRequest.of(queue, "noop", null));
        watched.awaitAck();
        return System.nanoTime() - t0;
    }

    private static Duration percentile(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return Duration.ofNanos(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
    }

    /**
     * {@code java -cp … org.chimp.bench.jobs.JobBench [jdbc-url] [jobs] [workers] [batch] [warmup-jobs]}: the embedded
     * broker on an in-memory H2 database by default; statements per job include the broker's.
     */
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : Math.min(jobs, DEFAULT_WARMUP_JOBS);
        try (var ds = Database.open(url)) {
            StatementCounter counter = new StatementCounter();
            try (EmbeddedBroker broker = new EmbeddedBroker(counter.wrap(ds))) {
                System.out.println(run(broker, ds, counter, jobs, workers, batch, warmup));
                // All phases together: warm-ups, latency samples and the throughput run.
                long total = warmup + WARM_UP + Math.min(jobs, MAX_LATENCY_SAMPLES) + jobs;
                counter.bySql().forEach((sql, n) -> {
                    if (n >= total / 100) {
                        System.out.printf("%6.2f per job  %s%n", n / (double) total, sql);
                    }
                });
            }
        }
    }

    /** Passes everything through to a broker, and reports each ack (sent after the outcome was stored). */
    private static final class AckWatcher extends ForwardingBroker {
        private static final long ACK_TIMEOUT_SECONDS = 60;
        private final BlockingQueue<String> acks = new LinkedBlockingQueue<>();

        AckWatcher(Broker delegate) {
            super(delegate);
        }

        void awaitAck() {
            try {
                if (acks.poll(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("No job finished within " + ACK_TIMEOUT_SECONDS + " s; is the broker up?");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a job", e);
            }
        }

        @Override
        public void ack(Delivery delivery) {
            super.ack(delivery);
            acks.add(delivery.jobId());
        }

        @Override
        public void ackAll(Collection<Delivery> deliveries) {
            super.ackAll(deliveries);
            deliveries.forEach(d -> acks.add(d.jobId()));
        }
    }
}
