package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/** The job service's database goes away just as a job finishes: the outcome waits for it instead of being lost. */
class OutcomeStoreOutageTest {
    /** A data source that refuses connections, as a database being restarted does, while {@code down} is set. */
    private static DataSource flaky(DataSource ds, AtomicBoolean down) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("getConnection") && down.get()) {
                        throw new SQLException("Connection refused (the test's database is down)", "08001");
                    }
                    try {
                        return m.invoke(ds, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anOutcomeThatCannotBeStoredForAMomentIsStoredWhenTheDatabaseIsBackAndTheJobDoesNotRunAgain() {
        AtomicBoolean down = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        // The broker keeps its own (working) connection: only the job store sees the outage. Its visibility timeout
        // is shorter than the outage, so a dropped outcome would have the job run again once the worker's grace
        // (three heartbeats, long here so that a loaded machine cannot outlast it) is over.
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofMillis(500))) {
            JobService jobs = new JobService(flaky(ds, down), broker);
            JobHandler handler = ctx -> {
                if (runs.incrementAndGet() == 1) {
                    down.set(true);
                    CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS).execute(() -> down.set(false));
                }
                return TextNode.valueOf("done");
            };
            try (Worker worker = new Worker(jobs, broker, Map.of("t", handler), List.of("q"),
                    WorkerOptions.defaults().withConcurrency(1).withHeartbeat(Duration.ofSeconds(5)))) {
                worker.start();
                String id = jobs.submit(JobRequest.of("q", "t", null)).id();
                Fixture.await(() -> !down.get() && jobs.get(id).state() == JobState.SUCCEEDED, "the job to succeed");
                Job job = jobs.get(id);
                assertThat(job.result()).isEqualTo(TextNode.valueOf("done"));
                assertThat(job.attempts()).isEqualTo(1);
                assertThat(runs).hasValue(1);
            }
        }
    }
}
