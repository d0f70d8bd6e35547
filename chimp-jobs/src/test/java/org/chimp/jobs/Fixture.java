package org.chimp.jobs;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.embedded.EmbeddedBroker;

/** A database, an embedded broker with a short visibility timeout, a job service, and the workers a test starts. */
final class Fixture implements AutoCloseable {
    static final Duration VISIBILITY = Duration.ofMillis(300);
    static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    /**
     * Concurrency 2, fast retries, a heartbeat every 2 s: a worker counts as alive for three heartbeats, and a
     * loaded machine's stall (a slow commit holds up the beats and the 100 ms extends alike) must not make it look
     * dead while its job's message comes back, or another thread would take the job over.
     */
    static final WorkerOptions OPTIONS = WorkerOptions.defaults().withConcurrency(2).withBackoff(FAST)
            .withHeartbeat(Duration.ofSeconds(2));

    final HikariDataSource ds;
    EmbeddedBroker broker;
    JobService jobs;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    Fixture(TestDatabases.Kind kind) {
        ds = kind.open();
        reopen();
    }

    /** New broker and service objects on the same database, as after a process restart. */
    void reopen() {
        broker = new EmbeddedBroker(ds, VISIBILITY);
        jobs = new JobService(ds, broker);
        closeables.add(broker);
    }

    Worker worker(Map<String, JobHandler> handlers, Duration grace) {
        return start(new Worker(jobs, broker, handlers, List.of("q"),
                WorkerOptions.defaults().withConcurrency(2).withGracePeriod(grace).withBackoff(FAST)));
    }

    /** A started worker on these queues, closed with the fixture. */
    Worker worker(Map<String, JobHandler> handlers, List<String> queues, WorkerOptions options) {
        return start(new Worker(jobs, broker, handlers, queues, options));
    }

    Worker start(Worker w) {
        closeables.add(0, w);
        w.start();
        return w;
    }

    /** Runs a statement, for tests that stage states no API call produces. */
    void sql(String statement, Object... args) {
        Jdbc.withConnection(ds, c -> Sql.update(c, statement, args));
    }

    /** Makes a job look untouched for long, so that the recovery sweep considers it. */
    void age(String id) {
        Jdbc.withConnection(ds, c -> c.createStatement().executeUpdate(
                "UPDATE jobs_jobs SET updated_at = TIMESTAMP '2000-01-01 00:00:00' WHERE id = '" + id + "'"));
    }

    Job awaitState(String id, JobState state) {
        await(() -> jobs.get(id).state() == state, "job " + id + " to be " + state);
        return jobs.get(id);
    }

    static void await(BooleanSupplier condition, String what) {
        // A ceiling for a loaded machine (retries, backoffs and heartbeats slow with it), not an expected time.
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        ds.close();
    }
}
