package org.chimp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Running a transaction again when the database rolled it back for a conflict with a concurrent one. */
class JdbcTest {
    private static final String TABLE = "CREATE TABLE t (id BIGINT PRIMARY KEY)";

    @Test
    void aTransactionRolledBackForAConflictRunsAgainWithNothingLeftOfTheFailedRun() {
        try (HikariDataSource ds = TestDatabases.h2()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            AtomicInteger runs = new AtomicInteger();
            int inserted = Jdbc.inTransaction(ds, Jdbc.CONFLICTS, 3, c -> {
                int n = Sql.update(c, "INSERT INTO t (id) VALUES (?)", 1L);
                if (runs.incrementAndGet() < 3) {
                    throw new SQLException("Deadlock detected", "40001");
                }
                return n;
            });
            assertThat(inserted).isEqualTo(1);
            assertThat(runs).hasValue(3);
            assertThat(count(ds)).isEqualTo(1);
        }
    }

    /** H2 gives a failed batch statement's state only to the batch exception's next exception. */
    @Test
    void aConflictReportedOnlyByABatchsNextExceptionCounts() {
        try (HikariDataSource ds = TestDatabases.h2()) {
            AtomicInteger runs = new AtomicInteger();
            String result = Jdbc.inTransaction(ds, Jdbc.CONFLICTS, 2, c -> {
                if (runs.incrementAndGet() == 1) {
                    BatchUpdateException batch = new BatchUpdateException("batch failed", null, 0, new int[0], null);
                    batch.setNextException(new SQLException("deadlock detected", "40P01"));
                    throw batch;
                }
                return "done";
            });
            assertThat(result).isEqualTo("done");
            assertThat(runs).hasValue(2);
        }
    }

    @Test
    void otherFailuresAndTheLastConflictAreThrownAndRolledBack() {
        try (HikariDataSource ds = TestDatabases.h2()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> Jdbc.inTransaction(ds, Jdbc.CONFLICTS, 3, c -> {
                runs.incrementAndGet();
                Sql.update(c, "INSERT INTO t (id) VALUES (?)", 1L);
                throw new SQLException("Deadlock detected", "40001");
            })).isInstanceOf(DataAccessException.class)
                    .satisfies(e -> assertThat(((DataAccessException) e).sqlState()).isEqualTo("40001"));
            assertThat(runs).hasValue(3);

            runs.set(0);
            assertThatThrownBy(() -> Jdbc.inTransaction(ds, Jdbc.CONFLICTS, 3, c -> {
                runs.incrementAndGet();
                return Sql.update(c, "INSERT INTO missing_table (id) VALUES (?)", 1L);
            })).isInstanceOf(DataAccessException.class);
            assertThat(runs).as("a failure that is not a conflict is not run again").hasValue(1);
            assertThat(count(ds)).isZero();
        }
    }

    private static long count(HikariDataSource ds) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT COUNT(*) FROM t", rs -> rs.getLong(1))).orElseThrow();
    }
}
