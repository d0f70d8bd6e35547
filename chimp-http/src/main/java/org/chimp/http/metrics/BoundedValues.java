package org.chimp.http.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one metric label may take: the first {@code max} distinct values seen are kept as they are, later
 * ones become {@value #OTHER}. A label fed from names callers choose (queues, plugins, workers) so cannot grow
 * the number of series without bound.
 */
public final class BoundedValues {
    /** What a value beyond the bound is reported as. */
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public BoundedValues(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        this.max = max;
    }

    /** {@code value} if it is among the first {@code max} distinct values, else {@value #OTHER}; null is "none". */
    public String of(String value) {
        String v = value == null || value.isEmpty() ? "none" : value;
        if (seen.contains(v)) {
            return v;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(v);
                return v;
            }
        }
        return OTHER;
    }
}
