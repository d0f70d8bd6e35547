package org.chimp.tracking.search;

import java.util.Map;
import java.util.TreeSet;

/**
 * What a resource's filters and order_by may name, and the SQL behind each name.
 *
 * @param attributes attribute name (as written in a filter) to column
 * @param keyValues  for each key-value entity the resource has (metrics, params, tags), the FROM and WHERE that
 *                   select the resource row's entries as {@code x} with columns {@code x.name} and {@code x.val},
 *                   e.g. {@code FROM tracking_run_tags x WHERE x.run_id = r.run_id}
 */
public record SearchSchema(String resource, Map<String, Column> attributes, Map<Entity, String> keyValues) {
    public SearchSchema {
        attributes = Map.copyOf(attributes);
        keyValues = Map.copyOf(keyValues);
    }

    /**
     * A column an attribute maps to.
     *
     * @param numeric compared with numbers (times, versions) rather than strings
     */
    public record Column(String sql, boolean numeric) {
        public static Column text(String sql) {
            return new Column(sql, false);
        }

        public static Column number(String sql) {
            return new Column(sql, true);
        }
    }

    String validAttributes() {
        return new TreeSet<>(attributes.keySet()).toString();
    }
}
