package org.chimp.bench.jobs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Counts the statements (database round trips, near enough) prepared through a data source: wrap the data
 * source the code under test uses, and read {@link #count()} before and after.
 */
public final class StatementCounter {
    private static final Set<String> STATEMENTS = Set.of("prepareStatement", "createStatement", "prepareCall", "commit");
    private static final int KEY_LENGTH = 60;
    private final LongAdder count = new LongAdder();
    private final Map<String, LongAdder> bySql = new ConcurrentHashMap<>();

    /** Statements (and commits) counted so far. */
    public long count() {
        return count.sum();
    }

    /** Counts so far per statement (its first 60 characters), most frequent first. */
    public Map<String, Long> bySql() {
        Map<String, Long> out = new LinkedHashMap<>();
        bySql.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .forEach(e -> out.put(e.getKey(), e.getValue().sum()));
        return out;
    }

    /** A data source that counts every statement prepared on its connections into this counter. */
    public DataSource wrap(DataSource ds) {
        return proxy(DataSource.class, ds, (p, m, args) -> {
            Object r = invoke(ds, m, args);
            return r instanceof Connection c ? connection(c) : r;
        });
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (p, m, args) -> {
            if (STATEMENTS.contains(m.getName()) && !(m.getName().equals("commit") && c.getAutoCommit())) {
                count.increment();
                String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : m.getName();
                bySql.computeIfAbsent(sql.substring(0, Math.min(KEY_LENGTH, sql.length())), k -> new LongAdder())
                        .increment();
            }
            return invoke(c, m, args);
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, InvocationHandler h) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }
}
