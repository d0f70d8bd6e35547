package org.chimp.db;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Fresh, isolated databases for tests: an in-memory H2, and a new schema in the PostgreSQL at
 * {@code CHIMP_TEST_JDBC_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). A test
 * asking for PostgreSQL is skipped when the server is not reachable, unless {@code CHIMP_REQUIRE_SERVICES=1}.
 * Use {@link #both()} as a {@code @MethodSource} to run one suite on both databases.
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** The kinds of database tests run against. */
    public enum Kind {
        H2, POSTGRES;

        /** A fresh, empty database of this kind. */
        public HikariDataSource open() {
            return this == H2 ? h2() : postgres();
        }
    }

    /** Both kinds, named for test reports. */
    public static Stream<Named<Kind>> both() {
        return Stream.of(Named.of("H2", Kind.H2), Named.of("PostgreSQL", Kind.POSTGRES));
    }

    /** A fresh in-memory H2 database that lives as long as the returned pool. */
    public static HikariDataSource h2() {
        return Database.open("jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "") + "");
    }

    /** A fresh schema in the test PostgreSQL, as the pool's default schema. */
    public static HikariDataSource postgres() {
        String url = postgresUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            if ("1".equals(System.getenv("CHIMP_REQUIRE_SERVICES"))) {
                throw new IllegalStateException("PostgreSQL is required (CHIMP_REQUIRE_SERVICES=1) but " + url + " failed: " + e.getMessage(), e);
            }
            assumeTrue(false, "PostgreSQL not reachable at " + url + ": " + e.getMessage());
        }
        return Database.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    /** The PostgreSQL URL tests use. */
    public static String postgresUrl() {
        String url = System.getenv("CHIMP_TEST_JDBC_URL");
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
    }
}
