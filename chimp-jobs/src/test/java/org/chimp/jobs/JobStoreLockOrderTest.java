package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job store's transactions that write several jobs lock them in job id order, whatever order their caller
 * gives: concurrent ones wait for each other instead of deadlocking. The interleaving that deadlocked is staged
 * with a third transaction holding a row lock, and each step waits for the database to show the blocked
 * transactions, so the test does not depend on timing.
 */
class JobStoreLockOrderTest {
    private static final long TIMEOUT_SECONDS = 20;

    /**
     * A submitter clears the publish flags of its jobs in submit order (a, c, b) while a worker starts two of them
     * in the order the broker delivered them (b, a). Locking in those orders, the submitter holds a and waits for
     * b while the worker holds b and waits for a: H2 reported a deadlock (40001) on the worker's update.
     */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aWorkerStartingJobsWhileTheirSubmitterClearsTheirPublishFlagsWaitsInsteadOfDeadlocking(
            TestDatabases.Kind kind) throws Exception {
        SqlFailures failures = new SqlFailures();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (HikariDataSource ds = kind.open(); Connection holder = ds.getConnection()) {
            JobStore store = new JobStore(failures.wrap(ds));
            Job a = job("job-a");
            Job b = job("job-b");
            Job c = job("job-c");
            store.insertAll(List.of(a, b, c));

            // The submitter takes a (and b once sorted), then waits for c, which another transaction holds.
            holder.setAutoCommit(false);
            Sql.update(holder, "UPDATE jobs_jobs SET priority = priority WHERE id = ?", c.id());
            Future<?> published = pool.submit(() -> store.publishedAll(List.of(a, c, b)));
            awaitBlocked(kind, ds, 1);
            // The worker now waits for a row the submitter holds.
            Future<List<Optional<Job>>> started = pool.submit(() -> store.startAll(List.of(b, a), "worker-1"));
            awaitBlocked(kind, ds, 2);
            holder.rollback();

            published.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(started.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).allSatisfy(j -> assertThat(j).isPresent());
            assertThat(failures.all()).as("statements the database rolled back").isEmpty();
            for (Job j : List.of(a, b)) {
                assertThat(store.find(j.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
            }
            assertThat(store.find(c.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
            assertThat(publishPending(ds)).as("jobs whose publish is still pending").isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Outcomes of every kind share one statement (one batch in id order); given out of id order, they are
     * answered in the caller's order, each with its own conditions.
     */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void storedOutcomesAnswerInTheCallersOrder(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            JobStore store = new JobStore(ds);
            List<Job> jobs = List.of(job("job-z"), job("job-x"), job("job-y"), job("job-w"), job("job-v"));
            store.insertAll(jobs);
            List<Job> running = store.startAll(jobs, "worker-1").stream().map(Optional::orElseThrow).toList();
            boolean[] stored = store.finishAll(List.of(
                    outcome(running.get(0), JobState.SUCCEEDED, false),
                    outcome(running.get(1), JobState.FAILED, false),
                    new JobStore.Outcome("job-y", JobState.RUNNING, 7, JobState.SUCCEEDED, null, null, false),
                    outcome(running.get(3), JobState.CANCELLED, true), // no cancel was requested
                    outcome(running.get(4), JobState.CANCELLED, null)));
            assertThat(stored).containsExactly(true, true, false, false, true);
            assertThat(store.find("job-z").orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
            Job failed = store.find("job-x").orElseThrow();
            assertThat(failed.state()).isEqualTo(JobState.FAILED);
            assertThat(failed.deadLettered()).isTrue();
            assertThat(failed.error()).isEqualTo("boom");
            assertThat(store.find("job-y").orElseThrow().state()).isEqualTo(JobState.RUNNING);
            assertThat(store.find("job-w").orElseThrow().state()).isEqualTo(JobState.RUNNING);
            Job cancelled = store.find("job-v").orElseThrow();
            assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
            assertThat(cancelled.deadLettered()).isFalse();
        }
    }

    private static Job job(String id) {
        return Job.queued(new JobSpec(id, "q", "t", NullNode.getInstance(), 1, 0, null, JobCallbacks.NONE,
                JobStore.now()));
    }

    private static JobStore.Outcome outcome(Job running, JobState to, Boolean cancelRequested) {
        return new JobStore.Outcome(running.id(), JobState.RUNNING, running.attempts(), to, null,
                to == JobState.FAILED ? "boom" : null, cancelRequested);
    }

    private static long publishPending(DataSource ds) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT COUNT(*) FROM jobs_jobs WHERE publish_pending = TRUE",
                rs -> rs.getLong(1))).orElseThrow();
    }

    /** Waits until {@code n} transactions on this database wait for a lock on the jobs table. */
    private static void awaitBlocked(TestDatabases.Kind kind, DataSource ds, int n) {
        // PostgreSQL: only backends that touched this schema's jobs_jobs, as other tests may share the server.
        String sql = kind == TestDatabases.Kind.H2
                ? "SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND pid IN (SELECT pid FROM pg_locks WHERE relation = 'jobs_jobs'::regclass)";
        Fixture.await(() -> Jdbc.withConnection(ds, c -> Sql.first(c, sql, rs -> rs.getLong(1))).orElseThrow() == n,
                n + " transactions waiting for a lock");
    }
}
