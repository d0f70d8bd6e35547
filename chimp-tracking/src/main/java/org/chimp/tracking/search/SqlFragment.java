package org.chimp.tracking.search;

import java.util.Collections;
import java.util.List;

/** SQL text with {@code ?} placeholders and the arguments to bind to them, in order. */
public record SqlFragment(String sql, List<Object> args) {
    public SqlFragment {
        args = List.copyOf(args);
    }

    /** {@code ?, ?, ?}: the placeholders of an IN list of n values. */
    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
