package org.chimp.tracking.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.search.SearchSchema.Column;

/**
 * Compiles parsed filters and order_by terms to SQL for one resource. User values and keys only ever become bound
 * arguments; the SQL text comes from the schema and from fixed operator strings.
 */
public final class SqlSearch {
    private SqlSearch() {
    }

    /** The filter as a condition ({@code TRUE} when empty), every comparison ANDed. */
    public static SqlFragment where(SearchSchema schema, List<Comparison> filter) {
        List<String> parts = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (Comparison c : filter) {
            if (c.entity() == Entity.ATTRIBUTE) {
                Column col = attribute(schema, c.key());
                parts.add(condition(schema, c, col.sql(), col.numeric(), args));
            } else {
                String from = keyValues(schema, c.entity());
                args.add(c.key());
                parts.add("EXISTS (SELECT 1 " + from + " AND x.name = ? AND "
                        + condition(schema, c, "x.val", c.entity() == Entity.METRIC, args) + ")");
            }
        }
        return new SqlFragment(parts.isEmpty() ? "TRUE" : String.join(" AND ", parts), args);
    }

    /**
     * The terms as ORDER BY items (without the keyword), missing values last; empty when there are no terms, so
     * the caller appends its default and tie-breakers.
     */
    public static SqlFragment orderBy(SearchSchema schema, List<OrderTerm> terms) {
        List<String> parts = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (OrderTerm t : terms) {
            String expr;
            if (t.entity() == Entity.ATTRIBUTE) {
                expr = attribute(schema, t.key()).sql();
            } else {
                expr = "(SELECT x.val " + keyValues(schema, t.entity()) + " AND x.name = ?)";
                args.add(t.key());
            }
            parts.add(expr + (t.ascending() ? " ASC" : " DESC") + " NULLS LAST");
        }
        return new SqlFragment(String.join(", ", parts), args);
    }

    private static String condition(SearchSchema schema, Comparison c, String column, boolean numeric, List<Object> args) {
        String what = c.entity() == Entity.ATTRIBUTE ? "attribute '" + c.key() + "'" : c.entity().label() + " '" + c.key() + "'";
        if (!(numeric ? Op.NUMERIC : Op.TEXT).contains(c.op())) {
            throw ClientErrorException.invalid("Invalid comparator '" + c.op().symbol() + "' for " + what + " of "
                    + schema.resource() + "; use one of " + symbols(numeric ? Op.NUMERIC : Op.TEXT));
        }
        for (Object v : c.values()) {
            if (numeric != (v instanceof Number)) {
                throw ClientErrorException.invalid((numeric ? "Expected a number" : "Expected a quoted string value")
                        + " for " + what + ", got " + v + (numeric ? "; numbers are written without quotes" : "; quote it"));
            }
            args.add(v);
        }
        return switch (c.op()) {
            case LIKE -> column + " LIKE ?";
            case ILIKE -> "LOWER(" + column + ") LIKE LOWER(?)";
            case IN, NOT_IN -> column + (c.op() == Op.IN ? " IN (" : " NOT IN (")
                    + String.join(", ", Collections.nCopies(c.values().size(), "?")) + ")";
            case NE -> column + " <> ?";
            default -> column + " " + c.op().symbol() + " ?";
        };
    }

    private static Column attribute(SearchSchema schema, String key) {
        Column col = schema.attributes().get(key.toLowerCase(Locale.ROOT));
        if (col == null) {
            throw ClientErrorException.invalid("Invalid attribute key '" + key + "' specified for " + schema.resource()
                    + ". Valid keys are " + schema.validAttributes());
        }
        return col;
    }

    private static String keyValues(SearchSchema schema, Entity entity) {
        String from = schema.keyValues().get(entity);
        if (from == null) {
            throw ClientErrorException.invalid("Searching " + schema.resource() + " does not support " + entity.label()
                    + "s; valid prefixes here are " + schema.keyValues().keySet().stream()
                    .map(e -> e.label() + "s.").sorted().toList() + " and attributes");
        }
        return from;
    }

    private static String symbols(java.util.Set<Op> ops) {
        return ops.stream().sorted().map(Op::symbol).toList().toString();
    }
}
