package org.chimp.tracking.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.tracking.search.Entity;
import org.chimp.tracking.search.SearchParser;
import org.chimp.tracking.search.SearchSchema;
import org.chimp.tracking.search.SearchSchema.Column;
import org.chimp.tracking.search.SqlFragment;
import org.chimp.tracking.search.SqlSearch;

/** The SQL of MLflow's registered-models/search and model-versions/search. */
final class RegistrySearch {
    private static final SearchSchema MODELS = new SearchSchema("registered models", Map.of(
            "name", Column.text("m.name"),
            "creation_timestamp", Column.number("m.creation_time"),
            "last_updated_timestamp", Column.number("m.last_updated_time"),
            "timestamp", Column.number("m.last_updated_time")),
            Map.of(Entity.TAG, "FROM tracking_registered_model_tags x WHERE x.model_id = m.id"));
    private static final SearchSchema VERSIONS = new SearchSchema("model versions", Map.of(
            "name", Column.text("m.name"),
            "version_number", Column.number("v.version"),
            "run_id", Column.text("v.run_id"),
            "source_path", Column.text("v.source"),
            "current_stage", Column.text("v.stage"),
            "creation_timestamp", Column.number("v.creation_time"),
            "last_updated_timestamp", Column.number("v.last_updated_time"),
            "timestamp", Column.number("v.creation_time")),
            Map.of(Entity.TAG, "FROM tracking_model_version_tags x WHERE x.model_id = v.model_id AND x.version = v.version"));

    private RegistrySearch() {
    }

    /** Names of one page of registered models; by order_by, then name. */
    static SqlFragment models(String filter, List<String> orderBy, int maxResults, int offset) {
        return query("SELECT m.name FROM tracking_registered_models m", MODELS, filter, orderBy, "m.name", maxResults, offset);
    }

    /** One page of versions; by order_by, then name and newest version first. */
    static SqlFragment versions(String filter, List<String> orderBy, int maxResults, int offset) {
        return query(RegistryRows.SELECT_VERSIONS, VERSIONS, filter, orderBy, "m.name, v.version DESC", maxResults, offset);
    }

    private static SqlFragment query(String select, SearchSchema schema, String filter, List<String> orderBy, String tieBreak,
                                     int maxResults, int offset) {
        SqlFragment where = SqlSearch.where(schema, SearchParser.filter(filter));
        SqlFragment order = SqlSearch.orderBy(schema, SearchParser.orderBy(orderBy));
        List<Object> args = new ArrayList<>(where.args());
        args.addAll(order.args());
        args.add(maxResults);
        args.add(offset);
        return new SqlFragment(select + " WHERE " + where.sql() + " ORDER BY " + (order.sql().isEmpty() ? "" : order.sql() + ", ")
                + tieBreak + " LIMIT ? OFFSET ?", args);
    }
}
