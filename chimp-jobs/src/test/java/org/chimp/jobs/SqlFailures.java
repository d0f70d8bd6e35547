package org.chimp.jobs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Records every SQL failure on a data source's connections with the statement that failed: wrap the data source
 * the code under test uses, so that a test sees failures the code only logs or retries.
 */
final class SqlFailures {
    /** One failed call: the statement text (or the connection method, e.g. commit), its SQLState and message. */
    record Failure(String sql, String sqlState, String message) {
    }

    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    /** The failures so far, oldest first. */
    List<Failure> all() {
        return List.copyOf(failures);
    }

    /** A data source whose connections and statements record their failures here. */
    DataSource wrap(DataSource ds) {
        return proxy(DataSource.class, ds, (p, m, args) -> {
            Object r = invoke(ds, m, args, m.getName());
            return r instanceof Connection c ? connection(c) : r;
        });
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (p, m, args) -> {
            Object r = invoke(c, m, args, m.getName());
            if (r instanceof PreparedStatement ps && args != null && args[0] instanceof String sql) {
                return proxy(PreparedStatement.class, ps, (p2, m2, args2) -> invoke(ps, m2, args2, sql));
            }
            if (r instanceof Statement s) {
                return proxy(Statement.class, s, (p2, m2, args2) -> invoke(s, m2, args2,
                        args2 != null && args2.length > 0 && args2[0] instanceof String sql ? sql : m2.getName()));
            }
            return r;
        });
    }

    private Object invoke(Object target, Method m, Object[] args, String what) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            // H2 reports the state of a failed batch statement only on the batch exception's next exception.
            for (Throwable x = t; x != null; x = x.getCause() != null ? x.getCause()
                    : x instanceof SQLException q ? q.getNextException() : null) {
                if (x instanceof SQLException q && q.getSQLState() != null) {
                    failures.add(new Failure(what, q.getSQLState(), q.getMessage()));
                    break;
                }
            }
            throw t;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }
}
