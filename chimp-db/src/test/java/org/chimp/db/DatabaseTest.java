package org.chimp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseTest {
    @Test
    void h2UrlsGetPostgresCompatibility() {
        assertThat(Database.withCompatibility("jdbc:h2:mem:x")).endsWith(Database.H2_COMPAT);
        assertThat(Database.withCompatibility("jdbc:h2:mem:x;MODE=MySQL")).isEqualTo("jdbc:h2:mem:x;MODE=MySQL");
        assertThat(Database.withCompatibility("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
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
