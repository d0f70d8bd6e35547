package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load of {@code chimp bench jobs --brokers embedded --workers 4 --batch 100} on H2: a submitter clearing the
 * publish flags of batches of 100 jobs while a worker with 4 handler threads starts and finishes them in batches.
 * None of the database's transactions may be rolled back for a deadlock (it used to happen on the worker's batch
 * start when it had caught up with the submitter; {@link JobStoreLockOrderTest} stages it deterministically).
 */
@Tag("slow")
class ConcurrentBatchesTest {
    private static final int ROUNDS = 40;
    private static final int BATCHES_PER_ROUND = 3;
    private static final int BATCH = 100;
    private static final int JOBS = ROUNDS * BATCHES_PER_ROUND * BATCH;

    @Test
    void batchesOfSubmittersAndWorkersNeverDeadlock() {
        SqlFailures failures = new SqlFailures();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        AtomicInteger ran = new AtomicInteger();
        try (HikariDataSource raw = TestDatabases.h2()) {
            DataSource ds = failures.wrap(raw);
            try (EmbeddedBroker broker = new EmbeddedBroker(ds)) {
                JobService service = new JobService(ds, broker);
                WorkerOptions options = WorkerOptions.defaults().withConcurrency(4).withGracePeriod(Duration.ofSeconds(5));
                JobHandler count = ctx -> {
                    runs.computeIfAbsent(ctx.job().id(), k -> new AtomicInteger()).incrementAndGet();
                    ran.incrementAndGet();
                    return null;
                };
                try (Worker worker = new Worker(service, broker, Map.of("count", count), List.of("q"), options)) {
                    worker.start();
                    for (int round = 1; round <= ROUNDS; round++) {
                        for (int i = 0; i < BATCHES_PER_ROUND; i++) {
                            service.submitAll(Collections.nCopies(BATCH, JobRequest.of("q", "count", null)));
                        }
                        // The worker catches up and waits, so the next round's jobs are started while their
                        // submitter is still clearing their publish flags: the race that deadlocked.
                        int submitted = round * BATCHES_PER_ROUND * BATCH;
                        Awaitility.await("round " + round + " to run").atMost(Duration.ofSeconds(30))
                                .pollInterval(Duration.ofMillis(2)).until(() -> ran.get() >= submitted);
                    }
                    Awaitility.await("every job to succeed").atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> service.count(JobState.SUCCEEDED, "q") == JOBS);
                }
            }
        }
        assertThat(failures.all()).as("statements the database rolled back").isEmpty();
        assertThat(runs).hasSize(JOBS);
        assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }
}
