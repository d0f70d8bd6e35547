package org.chimp.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.Metric;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.ViewType;

/**
 * MLflow's filter syntax as an attacker writes it: for any filter and order_by, run search, experiment search and
 * model search answer with results or a 400, never another exception (which the API would turn into a 500).
 * Inputs are built from the grammar's own pieces, mixed with arbitrary characters, so most reach the SQL compiler.
 */
class SearchFuzzTest {
    private static HikariDataSource ds;
    private static TrackingStore store;
    private static String experiment;

    @BeforeContainer
    static void open() {
        ds = TestDatabases.h2();
        store = new TrackingStore(ds, new MemoryBlobStore());
        experiment = store.createExperiment("fuzz", null, Map.of());
        String run = store.createRun(experiment, "r", "u", 1000, Map.of("team", "vision")).runId();
        store.logBatch(run, List.of(new Metric("acc", 0.5, 1, 0)), Map.of("lr", "0.1"), Map.of());
    }

    @AfterContainer
    static void close() {
        ds.close();
    }

    @Property(tries = 600)
    void anyFilterIsResultsOrA400(@ForAll("filters") String filter, @ForAll("filters") String orderBy) {
        answersOrRefuses(() -> store.searchRuns(List.of(experiment), filter, List.of(orderBy), ViewType.ALL, 10, 0));
        answersOrRefuses(() -> store.searchExperiments(filter, List.of(orderBy), ViewType.ALL, 10, 0));
    }

    @Property(tries = 300)
    void arbitraryTextIsResultsOrA400(@ForAll String filter) {
        answersOrRefuses(() -> store.searchRuns(List.of(experiment), filter, List.of(), ViewType.ALL, 10, 0));
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("metrics.", "params.", "tags.", "attributes.", "run_name", "status", "start_time", "name",
                        "acc", "lr", "team", "`my key`", "\"q\"", "creation_time", "run_id"),
                Arbitraries.of("=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN", "AND", "OR", "ASC", "DESC"),
                Arbitraries.of("'x'", "'%'", "'0.1'", "0.5", "-1e308", "1e400", "NaN", "(", ")", ",", "('a', 'b')", "''",
                        "'it''s'", "';DROP TABLE tracking_runs;--'", "\\", "\u0000", "9".repeat(50)),
                Arbitraries.strings().ofMaxLength(6));
        return piece.list().ofMaxSize(12).map(l -> String.join(" ", l));
    }

    private static void answersOrRefuses(Runnable search) {
        try {
            search.run();
        } catch (ClientErrorException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
