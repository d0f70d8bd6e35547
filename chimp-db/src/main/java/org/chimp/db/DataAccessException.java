package org.chimp.db;

import java.sql.SQLException;

/** An unexpected database failure (not the caller's fault: those are ClientErrorExceptions). */
public class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQLState of the cause, e.g. 23505 for a unique-key violation on both H2 and PostgreSQL. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /** True if the failure was a unique or primary key violation. */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState());
    }
}
