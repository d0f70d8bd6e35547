package org.chimp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseTest {
    @Test
    void h2UrlsGetPostgresCompatibility() {
        assertThat(Database.withCompatibility("jdbc:h2:mem:x")).endsWith(Database.H2_COMPAT);
        assertThat(Database.withCompatibility("jdbc:h2:mem:x;MODE=MySQL")).isEqualTo("jdbc:h2:mem:x;MODE=MySQL");
        assertThat(Database.withCompatibility("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    }

    @Test
    void fileDatabaseSurvivesInterruptedThreads(@TempDir Path dir) throws Exception {
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(dir))) {
            Jdbc.withConnection(ds, c -> c.createStatement().execute("CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)"));
            // The writer runs until the interrupt has been sent, so the interrupt always lands on it, and only after
            // some inserts, so it lands on a thread busy with the database (mostly inside a statement). H2 may
            // swallow the interrupt and go on, so the writer stops on the flag, not on the interrupt.
            CountDownLatch writing = new CountDownLatch(20);
            AtomicBoolean interruptSent = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !interruptSent.get(); i++) {
                    final int id = i;
                    try {
                        Jdbc.withConnection(ds, c -> c.createStatement().execute("INSERT INTO t VALUES (" + id + ", 'x')"));
                    } catch (DataAccessException interrupted) {
                        return;
                    }
                    writing.countDown();
                }
            });
            writer.start();
            assertThat(writing.await(30, TimeUnit.SECONDS)).as("the writer got going").isTrue();
            writer.interrupt();
            interruptSent.set(true);
            writer.join();
            // Other threads still have a working database after the interrupt.
            long count = Jdbc.withConnection(ds, c -> {
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t");
                rs.next();
                return rs.getLong(1);
            });
            assertThat(count).isPositive();
            Jdbc.withConnection(ds, c -> c.createStatement().execute("INSERT INTO t VALUES (-1, 'after')"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void transactionsCommitOrRollBackWhole(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Jdbc.withConnection(ds, c -> c.createStatement().execute("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
            assertThatThrownBy(() -> Jdbc.inTransaction(ds, c -> {
                c.createStatement().execute("INSERT INTO t VALUES (1)");
                return c.createStatement().execute("INSERT INTO t VALUES (1)");
            })).isInstanceOfSatisfying(DataAccessException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
            long count = Jdbc.withConnection(ds, c -> {
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t");
                rs.next();
                return rs.getLong(1);
            });
            assertThat(count).isZero();
        }
    }
}
