package org.chimp.bench.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.ViewType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingBenchTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void measuresEveryOperationAndCleansUpItsExperiments() {
        BenchSizes tiny = new BenchSizes(3, 20, 2500, 40, 8, 2);
        try (HikariDataSource ds = TestDatabases.h2()) {
            BenchResult r = TrackingBench.run(ds, tiny);
            assertThat(r.database()).startsWith("H2");
            assertThat(r.logBatch().count()).isEqualTo(3);
            assertThat(r.history().count()).isEqualTo(2);
            assertThat(r.search().count()).isEqualTo(2);
            assertThat(r.logBatch().medianMs()).isPositive().isLessThanOrEqualTo(r.logBatch().maxMs());
            // Values are uniform in [0, 1): about half of 40 runs pass m3 > 0.5, never all or none.
            assertThat(r.searchMatches()).isBetween(5, 35);
            assertThat(r.table()).contains("log-batch, 20 metrics", "get-history, 2500 points", "search 40 runs");
            TrackingStore store = new TrackingStore(ds, new FileBlobStore(tmp));
            assertThat(store.searchExperiments(null, List.of(), ViewType.ACTIVE_ONLY, 100, 0))
                    .noneMatch(e -> e.name().startsWith("chimp-bench-"));
        }
    }

    @Test
    void timingsAreMedianAndNearestRankPercentiles() {
        double[] values = new double[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i;
        }
        Timing t = Timing.of(values);
        assertThat(t.medianMs()).isEqualTo(50.5);
        assertThat(t.p99Ms()).isEqualTo(99);
        assertThat(t.maxMs()).isEqualTo(100);
        assertThatThrownBy(() -> new BenchSizes(1, 1001, 1, 1, 4, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
