package org.chimp.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Statements with positional arguments, on a connection from {@link Jdbc}. Arguments are bound with
 * {@code setObject}, except:
 * <ul>
 * <li>an {@link Instant} is stored as a UTC {@link LocalDateTime} in a {@code TIMESTAMP} column (read it back with
 * {@link #instant}): a plain TIMESTAMP means the same on H2 and PostgreSQL whatever the server's or JVM's time
 * zone, which {@code TIMESTAMP WITH TIME ZONE} and {@code java.sql.Timestamp} do not guarantee;</li>
 * <li>{@code null} is bound untyped, so PostgreSQL takes its type from the context (a column, or the other
 * argument of {@code COALESCE(?, col)}) instead of rejecting a mismatch.</li>
 * </ul>
 */
public final class Sql {
    private Sql() {
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** All rows of a query, mapped, in the order the query returns them. */
    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    /** The first row of a query, mapped, if there is one. */
    public static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        }
    }

    /** Runs an insert, update or delete and returns the number of rows changed. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Runs one insert, update or delete per argument row as a JDBC batch (one round trip where the driver allows)
     * and returns the rows each changed. H2 and PostgreSQL report exact counts per row.
     */
    public static int[] batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] args : rows) {
                for (int i = 0; i < args.length; i++) {
                    bind(ps, i + 1, args[i]);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /** A TIMESTAMP column written from an {@link Instant} (a UTC wall-clock time), or null if it is NULL. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /** A BIGINT column that may be NULL ({@code getLong} reads NULL as 0). */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, int index, Object arg) throws SQLException {
        if (arg instanceof Instant t) {
            ps.setObject(index, LocalDateTime.ofInstant(t, ZoneOffset.UTC), Types.TIMESTAMP);
        } else if (arg == null) {
            ps.setNull(index, Types.NULL);
        } else {
            ps.setObject(index, arg);
        }
    }
}
