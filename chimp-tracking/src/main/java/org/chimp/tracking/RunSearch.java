package org.chimp.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.tracking.search.Entity;
import org.chimp.tracking.search.SearchParser;
import org.chimp.tracking.search.SearchSchema;
import org.chimp.tracking.search.SearchSchema.Column;
import org.chimp.tracking.search.SqlFragment;
import org.chimp.tracking.search.SqlSearch;

/** The SQL of MLflow's runs/search: filter and order over metrics (latest values), params, tags and attributes. */
final class RunSearch {
    private static final SearchSchema SCHEMA = new SearchSchema("runs", Map.ofEntries(
            Map.entry("run_id", Column.text("r.run_id")),
            Map.entry("run_name", Column.text("r.run_name")),
            Map.entry("status", Column.text("r.status")),
            Map.entry("user_id", Column.text("r.user_id")),
            Map.entry("artifact_uri", Column.text("r.artifact_uri")),
            Map.entry("lifecycle_stage", Column.text("r.lifecycle_stage")),
            Map.entry("start_time", Column.number("r.start_time")),
            Map.entry("created", Column.number("r.start_time")),
            Map.entry("end_time", Column.number("r.end_time"))),
            Map.of(Entity.METRIC, "FROM tracking_latest_metrics x WHERE x.run_id = r.run_id",
                    Entity.PARAM, "FROM tracking_params x WHERE x.run_id = r.run_id",
                    Entity.TAG, "FROM tracking_run_tags x WHERE x.run_id = r.run_id"));

    private RunSearch() {
    }

    /** The query for one page of run infos; parse errors are 400s, raised before anything runs. */
    static SqlFragment query(List<Long> experimentIds, String filter, List<String> orderBy, ViewType view, int maxResults, int offset) {
        SqlFragment where = SqlSearch.where(SCHEMA, SearchParser.filter(filter));
        SqlFragment order = SqlSearch.orderBy(SCHEMA, SearchParser.orderBy(orderBy));
        List<Object> args = new ArrayList<>(experimentIds);
        args.addAll(view.stages());
        args.addAll(where.args());
        args.addAll(order.args());
        args.add(maxResults);
        args.add(offset);
        String sql = "SELECT " + RunRows.COLUMNS.replaceAll("(\\w+)", "r.$1") + " FROM tracking_runs r"
                + " WHERE r.experiment_id IN (" + SqlFragment.placeholders(experimentIds.size()) + ")"
                + " AND r.lifecycle_stage IN (" + SqlFragment.placeholders(view.stages().size()) + ")"
                + " AND " + where.sql()
                + " ORDER BY " + (order.sql().isEmpty() ? "" : order.sql() + ", ") + "r.start_time DESC, r.run_id"
                + " LIMIT ? OFFSET ?";
        return new SqlFragment(sql, args);
    }
}
