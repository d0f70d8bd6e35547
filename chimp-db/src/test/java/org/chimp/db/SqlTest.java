package org.chimp.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SqlTest {
    private static final String TABLE = "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR, n BIGINT, at TIMESTAMP)";

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void updatesListsAndFindsFirst(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            int inserted = Jdbc.inTransaction(ds, c -> Sql.update(c, "INSERT INTO t (id, name) VALUES (?, ?)", 1L, "a")
                    + Sql.update(c, "INSERT INTO t (id, name) VALUES (?, ?)", 2L, "b"));
            List<String> names = Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT name FROM t WHERE id >= ? ORDER BY id DESC",
                    rs -> rs.getString(1), 1L));
            Optional<String> second = Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT name FROM t WHERE id = ?",
                    rs -> rs.getString(1), 2L));
            Optional<String> third = Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT name FROM t WHERE id = ?",
                    rs -> rs.getString(1), 3L));
            int deleted = Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM t WHERE name = ?", "zzz"));

            assertThat(inserted).isEqualTo(2);
            assertThat(names).containsExactly("b", "a");
            assertThat(second).contains("b");
            assertThat(third).isEmpty();
            assertThat(deleted).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aBatchReportsTheRowsEachArgumentRowChanged(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            // Nulls and values mixed in one batch: each row binds its own types.
            int[] inserted = Jdbc.inTransaction(ds, c -> Sql.batch(c, "INSERT INTO t (id, name, at) VALUES (?, ?, ?)",
                    List.of(new Object[] {1L, "a", null}, new Object[] {2L, null, Instant.EPOCH},
                            new Object[] {3L, "c", Instant.EPOCH})));
            int[] updated = Jdbc.inTransaction(ds, c -> Sql.batch(c, "UPDATE t SET n = ? WHERE id = ? AND name IS NOT NULL",
                    List.of(new Object[] {7L, 1L}, new Object[] {8L, 2L}, new Object[] {9L, 4L}, new Object[] {10L, 3L})));
            int[] none = Jdbc.inTransaction(ds, c -> Sql.batch(c, "DELETE FROM t", List.of()));
            List<Long> ns = Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT n FROM t ORDER BY id",
                    rs -> Sql.nullableLong(rs, "n")));

            assertThat(inserted).containsExactly(1, 1, 1);
            assertThat(updated).containsExactly(1, 0, 0, 1);
            assertThat(none).isEmpty();
            assertThat(ns).containsExactly(7L, null, 10L);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void instantsAreStoredAsUtcWallClockTimestamps(TestDatabases.Kind kind) {
        TimeZone jvmZone = TimeZone.getDefault();
        // A JVM zone far from UTC shows that neither the driver nor the server shifts the stored time.
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        try (HikariDataSource ds = kind.open()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            Instant at = Instant.parse("2024-03-31T01:30:00.123456Z");
            Jdbc.withConnection(ds, c -> Sql.update(c, "INSERT INTO t (id, at) VALUES (?, ?)", 1L, at));

            Optional<Instant> read = Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT at FROM t WHERE id = ?",
                    rs -> Sql.instant(rs, "at"), 1L));
            Optional<LocalDateTime> stored = Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT at FROM t",
                    rs -> rs.getObject(1, LocalDateTime.class)));
            List<Long> before = Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT id FROM t WHERE at < ?",
                    rs -> rs.getLong(1), at.plusNanos(1000)));
            List<Long> notBefore = Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT id FROM t WHERE at < ?",
                    rs -> rs.getLong(1), at));

            assertThat(read).contains(at);
            assertThat(stored).contains(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
            assertThat(before).containsExactly(1L);
            assertThat(notBefore).isEmpty();
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void nullsBindToAnyColumnTypeAndReadBackAsNull(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, TABLE));
            String insert = "INSERT INTO t (id, name, n, at) VALUES (?, ?, ?, ?)";
            Jdbc.withConnection(ds, c -> Sql.update(c, insert, 1L, null, null, null));
            Jdbc.withConnection(ds, c -> Sql.update(c, insert, 2L, "x", 7L, Instant.EPOCH));
            // An untyped null takes the type of the other COALESCE argument (BIGINT, TIMESTAMP), not a string's.
            int updated = Jdbc.withConnection(ds, c -> Sql.update(c,
                    "UPDATE t SET n = COALESCE(?, n), at = COALESCE(?, at) WHERE id = ?", null, null, 2L));

            List<Values> rows = Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT * FROM t ORDER BY id",
                    rs -> new Values(rs.getString("name"), Sql.nullableLong(rs, "n"), Sql.instant(rs, "at"))));

            assertThat(updated).isOne();
            assertThat(rows).containsExactly(new Values(null, null, null), new Values("x", 7L, Instant.EPOCH));
        }
    }

    private record Values(String name, Long n, Instant at) {
    }
}
