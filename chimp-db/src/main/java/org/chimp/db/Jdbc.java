package org.chimp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/** Runs work in one transaction: committed if it returns, rolled back if it throws. */
public final class Jdbc {
    /**
     * SQLStates of a transaction the database rolled back because of a concurrent one: a deadlock (40001 on H2,
     * 40P01 on PostgreSQL) or a serialization failure (40001). Running it again is the documented remedy.
     */
    public static final Set<String> CONFLICTS = Set.of("40001", "40P01");

    private Jdbc() {
    }

    /** Work on a connection that may fail with SQLException. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction and returns its result; SQL errors become {@link DataAccessException}. */
    public static <T> T inTransaction(DataSource ds, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /**
     * {@link #inTransaction(DataSource, SqlWork)}, run again while it fails with one of the SQLStates
     * {@code retryOn} (see {@link DataAccessException#hasSqlState}), up to {@code attempts} runs in all; the last
     * failure is thrown. Only for work that is safe to repeat after a rollback: everything it changes is in the
     * transaction, so a rolled-back run left no trace.
     */
    public static <T> T inTransaction(DataSource ds, Set<String> retryOn, int attempts, SqlWork<T> work) {
        if (attempts < 1) {
            throw new IllegalArgumentException("At least one attempt is needed, got " + attempts);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(ds, work);
            } catch (DataAccessException e) {
                if (attempt >= attempts || !e.hasSqlState(retryOn)) {
                    throw e;
                }
            }
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode (single statements, reads). */
    public static <T> T withConnection(DataSource ds, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
