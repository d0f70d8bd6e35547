package org.chimp.db;

import java.sql.SQLException;
import java.util.Set;

/** An unexpected database failure (not the caller's fault: those are ClientErrorExceptions). */
public class DataAccessException extends RuntimeException {
    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQLState of the cause, e.g. 23505 for a unique-key violation on both H2 and PostgreSQL. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /**
     * Whether the cause, or an exception it chains (a cause, or a batch's next exception: H2 reports the state of
     * a failed batch statement only there), has one of these SQLStates.
     */
    public boolean hasSqlState(Set<String> states) {
        for (Throwable e = getCause(); e != null; e = e.getCause() != null ? e.getCause()
                : e instanceof SQLException s ? s.getNextException() : null) {
            if (e instanceof SQLException s && s.getSQLState() != null && states.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** True if the failure was a unique or primary key violation. */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState());
    }
}
