package org.chimp.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.api.Test;

class JobBenchTest {
    @Test
    void runsNoOpJobsEndToEndAndReportsNumbers() {
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            JobBench.Result r = JobBench.run(broker, ds, 30, 2);
            assertThat(r.jobsPerSecond()).isPositive();
            assertThat(r.p50()).isPositive().isLessThanOrEqualTo(r.p99());
            assertThat(r.statementsPerJob()).isPositive();
            JobService jobs = new JobService(ds, broker);
            assertThat(jobs.count(JobState.SUCCEEDED, null)).isEqualTo(20 + 30 + 30); // warm-up, latency, throughput
            assertThat(jobs.count(null, null)).isEqualTo(80);
        }
    }

    @Test
    void aTableHasOneRowPerWorkerCount() {
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            List<JobBench.Result> rows = JobBench.table(broker, ds, 10, List.of(1, 2));
            assertThat(rows).extracting(JobBench.Result::workers).containsExactly(1, 2);
            assertThat(JobBench.format(rows)).contains("jobs/s").hasLineCount(3);
        }
    }
}
