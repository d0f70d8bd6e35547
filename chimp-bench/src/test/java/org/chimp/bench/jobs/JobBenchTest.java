package org.chimp.bench.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.api.Test;

class JobBenchTest {
    @Test
    void runsNoOpJobsEndToEndAndReportsNumbers() {
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            JobBench.Result r = JobBench.run(broker, ds, 30, 2, 1, 0);
            assertThat(r.jobsPerSecond()).isPositive();
            assertThat(r.p50()).isPositive().isLessThanOrEqualTo(r.p99());
            assertThat(r.statementsPerJob()).isPositive();
            JobService jobs = new JobService(ds, broker);
            assertThat(jobs.count(JobState.SUCCEEDED, null)).isEqualTo(20 + 30 + 30); // warm-up, latency, throughput
            assertThat(jobs.count(null, null)).isEqualTo(80);
        }
    }

    @Test
    void submitsInBatchesWhenAsked() {
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            JobBench.Result r = JobBench.run(broker, ds, 25, 2, 10, 0); // batches of 10, 10 and 5
            assertThat(r.batch()).isEqualTo(10);
            assertThat(r.toString()).contains("submitted 10 at a time");
            JobService jobs = new JobService(ds, broker);
            assertThat(jobs.count(JobState.SUCCEEDED, null)).isEqualTo(20 + 25 + 25);
            assertThat(jobs.count(null, null)).isEqualTo(70);
        }
    }

    @Test
    void warmsUpWithUnmeasuredJobsOfTheSameConfigurationFirst() {
        double cold;
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            cold = JobBench.run(broker, ds, 25, 2, 10, 0).statementsPerJob();
        }
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            JobBench.Result r = JobBench.run(broker, ds, 25, 2, 10, 40);
            JobService jobs = new JobService(ds, broker);
            assertThat(jobs.count(JobState.SUCCEEDED, null)).isEqualTo(40 + 20 + 25 + 25); // warm-ups, latency, throughput
            // Statements per job count the measured jobs only. Counted in, the warm-up's 40 jobs would make the
            // figure about (40 + 25) / 25 = 2.6 times the cold run's; timing moves it by up to a third either way
            // (heartbeats, how starts and finishes happen to batch), so the bound sits between the two.
            assertThat(r.statementsPerJob()).isBetween(cold / 1.8, cold * 1.8);
        }
    }
}
