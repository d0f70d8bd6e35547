package org.chimp.tracking.search;

import java.util.List;

/**
 * One {@code <entity>.<key> <op> <value>} term of a filter.
 *
 * @param values one value (a String or a Number), or the list of an IN / NOT IN
 */
public record Comparison(Entity entity, String key, Op op, List<Object> values) {
    public Comparison {
        values = List.copyOf(values);
    }
}
